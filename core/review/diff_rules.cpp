// SPDX-License-Identifier: Apache-2.0
#include "review/diff_rules.h"

#include "review/filter_compare.h"

#include <algorithm>

namespace writ::review::detail {

Change makeChange(const Where &where, ChangeKind kind, Risk risk, std::string field, std::string why)
{
    Change c;
    c.kind = kind;
    c.risk = risk;
    c.agent = where.agent;
    c.task = where.task;
    c.relation = where.relation;
    c.field = std::move(field);
    c.why = std::move(why);
    c.path = where.path;
    return c;
}

std::string listText(const std::set<std::string> &items)
{
    std::string out = "[";
    for (const auto &item : items) {
        if (out.size() > 1)
            out += ", ";
        out += item;
    }
    return out + "]";
}

void diffGrantSet(std::vector<Change> &out, const Where &where, const std::string &field, const std::set<std::string> &before,
    const std::set<std::string> &after, const ListWords &words, const std::string &path)
{
    std::vector<std::string> added, removed;
    std::set_difference(after.begin(), after.end(), before.begin(), before.end(), std::back_inserter(added));
    std::set_difference(before.begin(), before.end(), after.begin(), after.end(), std::back_inserter(removed));
    if (!added.empty()) {
        Change c = makeChange(where, ChangeKind::Added, Risk::Widens, field, words.added);
        c.items = std::move(added);
        c.before = listText(before);
        c.after = listText(after);
        c.path = path;
        out.push_back(std::move(c));
    }
    if (!removed.empty()) {
        Change c = makeChange(where, ChangeKind::Removed, Risk::Narrows, field, words.removed);
        c.items = std::move(removed);
        c.before = listText(before);
        c.after = listText(after);
        c.path = path;
        out.push_back(std::move(c));
    }
}

void diffRestrictingList(std::vector<Change> &out, const Where &where, const std::string &field,
    const std::optional<std::set<std::string>> &before, const std::optional<std::set<std::string>> &after, const ListWords &words,
    const std::string &path)
{
    if (before && after) {
        diffGrantSet(out, where, field, *before, *after, words, path);
        return;
    }
    if (!before && !after)
        return;
    const bool widens = !after;
    Change c = makeChange(where, ChangeKind::Changed, widens ? Risk::Widens : Risk::Narrows, field,
        widens ? words.nowUnrestricted : words.nowRestricted);
    c.before = before ? listText(*before) : words.unrestricted;
    c.after = after ? listText(*after) : words.unrestricted;
    c.path = path;
    out.push_back(std::move(c));
}

void diffText(std::vector<Change> &out, const Where &where, const std::string &field, const std::string &before,
    const std::string &after, const std::string &path)
{
    if (before == after)
        return;
    const ChangeKind kind = before.empty() ? ChangeKind::Added : after.empty() ? ChangeKind::Removed : ChangeKind::Changed;
    Change c = makeChange(where, kind, Risk::Neutral, field, "text for people; it moves no access boundary");
    c.before = before;
    c.after = after;
    c.path = path;
    out.push_back(std::move(c));
}

void diffLimit(std::vector<Change> &out, const Where &where, const std::string &field, const std::optional<long long> &before,
    const std::optional<long long> &after, const std::string &what, const std::string &path)
{
    if (before == after)
        return;
    Change c = makeChange(where, ChangeKind::Changed, Risk::Neutral, field, {});
    c.before = before ? std::to_string(*before) : std::string();
    c.after = after ? std::to_string(*after) : std::string();
    c.path = path;
    if (!after) {
        c.kind = ChangeKind::Removed;
        c.risk = Risk::Widens;
        c.why = "the limit on " + what + " is gone";
    } else if (!before) {
        c.kind = ChangeKind::Added;
        c.risk = Risk::Narrows;
        c.why = "a new limit on " + what;
    } else if (*after > *before) {
        c.risk = Risk::Widens;
        c.why = "the limit on " + what + " was raised";
    } else {
        c.risk = Risk::Narrows;
        c.why = "the limit on " + what + " was lowered";
    }
    out.push_back(std::move(c));
}

void diffFilter(std::vector<Change> &out, const Where &where, const std::string &field, const std::optional<std::string> &before,
    const std::optional<std::string> &after, const std::string &path)
{
    if (before == after)
        return;
    const bool rows = field == "rows";
    const std::string what = rows ? "row filter" : "write check";
    const std::string reach = rows ? "every row of the relation is in reach" : "any written row is accepted";
    Change c = makeChange(where, ChangeKind::Changed, Risk::Widens, field, {});
    c.before = before.value_or(std::string());
    c.after = after.value_or(std::string());
    c.path = path;
    if (!after) {
        c.kind = ChangeKind::Removed;
        c.why = "the " + what + " is gone: " + reach;
    } else if (!before) {
        c.kind = ChangeKind::Added;
        c.risk = Risk::Narrows;
        c.why = "a new " + what + " limits " + (rows ? "the rows in reach" : "the rows that may be written");
    } else {
        switch (compareFilters(*before, *after)) {
        case FilterRelation::Same:
            c.risk = Risk::Neutral;
            c.why = "the same expression, written differently";
            break;
        case FilterRelation::Stronger:
            c.risk = Risk::Narrows;
            c.why = "the new " + what + " is the old one AND more conditions";
            break;
        case FilterRelation::Weaker:
            c.why = "the new " + what + " drops conditions of the old one";
            break;
        case FilterRelation::Different:
            c.why = "the new " + what + " is not the old one AND more conditions, so it may admit rows the old one did not";
            break;
        }
    }
    out.push_back(std::move(c));
}

} // namespace writ::review::detail
