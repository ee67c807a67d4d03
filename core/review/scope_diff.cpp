// SPDX-License-Identifier: Apache-2.0
#include "review/scope_diff.h"

#include "review/diff_rules.h"

#include <algorithm>

namespace writ::review::detail {

using policy::Operation;
using policy::Scope;

namespace {

std::set<std::string> opNames(const std::set<Operation> &ops)
{
    std::set<std::string> out;
    for (const auto op : ops)
        out.insert(policy::toString(op));
    return out;
}

bool readable(const Scope &s, const std::string &column)
{
    return s.ops.count(Operation::Select)
        && (!s.columns || std::find(s.columns->begin(), s.columns->end(), column) != s.columns->end());
}

/// How much of a value a mask lets through: nothing (null, redact), equality (hash), a part (email, partial).
int revealRank(const policy::Mask &m)
{
    switch (m.kind) {
    case policy::MaskKind::Null:
    case policy::MaskKind::Redact:
        return 0;
    case policy::MaskKind::Hash:
        return 1;
    case policy::MaskKind::Email:
    case policy::MaskKind::Partial:
        return 2;
    }
    return 2;
}

std::pair<Risk, std::string> maskChangeRisk(const policy::Mask &o, const policy::Mask &n)
{
    const int a = revealRank(o), b = revealRank(n);
    if (b < a)
        return {Risk::Narrows, "the new mask lets less of the value through"};
    if (b > a)
        return {Risk::Widens, "the new mask lets more of the value through"};
    if (a == 0)
        return {Risk::Neutral, "neither mask lets anything of the value through"};
    if (o.kind == policy::MaskKind::Partial && n.kind == policy::MaskKind::Partial) {
        if (n.keepStart <= o.keepStart && n.keepEnd <= o.keepEnd)
            return {Risk::Narrows, "the new mask keeps fewer characters"};
        return {Risk::Widens, "the new mask keeps more characters"};
    }
    return {Risk::Widens, "the new mask lets a different part of the value through"};
}

void diffMasks(std::vector<Change> &out, const Where &where, const Scope &o, const Scope &n)
{
    auto change = [&](const std::string &column, ChangeKind kind, Risk risk, std::string why) {
        Change c = makeChange(where, kind, risk, "mask", std::move(why));
        c.target = column;
        if (const auto it = o.masks.find(column); it != o.masks.end())
            c.before = policy::formatMask(it->second);
        if (const auto it = n.masks.find(column); it != n.masks.end())
            c.after = policy::formatMask(it->second);
        c.path = where.path + "/mask/" + column;
        out.push_back(std::move(c));
    };
    for (const auto &[column, mask] : n.masks) {
        const auto old = o.masks.find(column);
        if (old == o.masks.end()) {
            if (readable(n, column))
                change(column, ChangeKind::Added, Risk::Narrows, "the column is now read masked");
            else
                change(column, ChangeKind::Added, Risk::Neutral, "the column is not readable, so the mask changes nothing");
        } else if (!(old->second == mask)) {
            const auto [risk, why] = maskChangeRisk(old->second, mask);
            change(column, ChangeKind::Changed, risk, why);
        }
    }
    for (const auto &[column, mask] : o.masks) {
        if (n.masks.count(column))
            continue;
        if (readable(n, column))
            change(column, ChangeKind::Removed, Risk::Widens, "the column is now read in clear");
        else
            change(column, ChangeKind::Removed, Risk::Neutral, "the column is no longer readable at all");
    }
}

void diffUpdateColumns(std::vector<Change> &out, const Where &where, const Scope &o, const Scope &n)
{
    if (o.updateColumns.empty() && n.updateColumns.empty())
        return; // both follow `columns`, whose change is reported on its own
    const bool oldUpdate = o.ops.count(Operation::Update) > 0, newUpdate = n.ops.count(Operation::Update) > 0;
    auto asList = [](const Scope &s) {
        // An empty update_columns means every column of the scope (nullopt: every column of the relation).
        if (!s.updateColumns.empty())
            return std::optional<std::set<std::string>>(toSet(s.updateColumns));
        return s.columns ? std::optional<std::set<std::string>>(toSet(*s.columns)) : std::nullopt;
    };
    std::vector<Change> found;
    diffRestrictingList(found, where, "update_columns", asList(o), asList(n),
        {"UPDATE may set more columns", "UPDATE may set fewer columns", "every column", "UPDATE may now set every column",
            "UPDATE may now set only these columns"},
        where.path + "/update_columns");
    for (auto &c : found) {
        if (!oldUpdate || !newUpdate) { // the op change says it all; the columns only describe it
            c.risk = Risk::Neutral;
            c.why = newUpdate ? "the columns of the new update operation" : "update is no longer allowed";
        }
        out.push_back(std::move(c));
    }
}

} // namespace

std::string scopeText(const Scope &s)
{
    std::string ops;
    for (const auto &name : opNames(s.ops))
        ops += (ops.empty() ? "" : ", ") + name;
    std::string out = ops + " on " + (s.columns ? listText(toSet(*s.columns)) : std::string("every column"));
    if (s.rows)
        out += " where " + *s.rows;
    return out;
}

void diffScopes(
    std::vector<Change> &out, const std::string &agent, const policy::TaskType &oldTask, const policy::TaskType &newTask)
{
    auto find = [](const policy::TaskType &t, const policy::QualifiedName &rel) -> const Scope * {
        const auto it = std::find_if(t.access.begin(), t.access.end(), [&](const Scope &s) { return s.relation == rel; });
        return it == t.access.end() ? nullptr : &*it;
    };
    for (const Scope &n : newTask.access) {
        const std::size_t first = out.size();
        const std::string rel = n.relation.toString();
        const Where where {agent, newTask.id, rel, policy::scopePath(agent, newTask.id, rel)};
        const Scope *o = find(oldTask, n.relation);
        if (!o) {
            Change c = makeChange(where, ChangeKind::Added, Risk::Widens, "scope", "a relation the task could not reach before");
            c.after = scopeText(n);
            c.reason = n.reason;
            out.push_back(std::move(c));
            continue;
        }
        diffGrantSet(out, where, "ops", opNames(o->ops), opNames(n.ops),
            {"the task may do more on this relation", "the task may do less on this relation", {}, {}, {}}, where.path + "/ops");
        auto columns
            = [](const Scope &s) { return s.columns ? std::optional<std::set<std::string>>(toSet(*s.columns)) : std::nullopt; };
        diffRestrictingList(out, where, "columns", columns(*o), columns(n),
            {"more columns are in reach", "fewer columns are in reach", "every column",
                "every column of the relation is in reach now, including any added later",
                "only the listed columns are in reach now"},
            where.path + "/columns");
        diffUpdateColumns(out, where, *o, n);
        diffFilter(out, where, "rows", o->rows, n.rows, where.path + "/rows");
        diffFilter(out, where, "check", o->check, n.check, where.path + "/check");
        diffMasks(out, where, *o, n);
        diffText(out, where, "reason", o->reason, n.reason, where.path + "/reason");
        // Reviewers read why a scope exists next to what changed in it.
        for (std::size_t i = first; i < out.size(); ++i)
            if (out[i].field != "reason")
                out[i].reason = n.reason;
    }
    for (const Scope &o : oldTask.access) {
        if (find(newTask, o.relation))
            continue;
        const std::string rel = o.relation.toString();
        Change c = makeChange({agent, newTask.id, rel, policy::scopePath(agent, oldTask.id, rel)}, ChangeKind::Removed,
            Risk::Narrows, "scope", "the task can no longer reach this relation");
        c.before = scopeText(o);
        c.reason = o.reason;
        out.push_back(std::move(c));
    }
}

} // namespace writ::review::detail
