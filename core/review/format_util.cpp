// SPDX-License-Identifier: Apache-2.0
#include "review/format_util.h"

#include <algorithm>
#include <cmath>
#include <set>

namespace writ::review::detail {

const char *marker(ChangeKind kind)
{
    switch (kind) {
    case ChangeKind::Added:
        return "+";
    case ChangeKind::Removed:
        return "-";
    case ChangeKind::Changed:
        return "~";
    }
    return "?";
}

std::string changeLabel(const Change &c)
{
    return c.target.empty() ? c.field : c.field + " " + c.target;
}

std::string changeValue(const Change &c, std::string (*quote)(const std::string &))
{
    if (!c.items.empty()) {
        std::string out;
        for (const auto &item : c.items)
            out += (out.empty() ? "" : ", ") + quote(item);
        return out;
    }
    if (c.kind == ChangeKind::Added)
        return quote(c.after);
    if (c.kind == ChangeKind::Removed)
        return quote(c.before);
    return quote(c.before) + " → " + quote(c.after);
}

std::string groupDigits(long long n)
{
    std::string digits = std::to_string(n < 0 ? -n : n);
    for (int i = static_cast<int>(digits.size()) - 3; i > 0; i -= 3)
        digits.insert(static_cast<std::size_t>(i), ",");
    return (n < 0 ? "-" : "") + digits;
}

std::string rowsText(const BlastRadius &b, bool catalogUsed)
{
    if (!b.rows)
        return catalogUsed ? "unknown (not analyzed)" : "unknown (no catalog)";
    const std::string n = groupDigits(std::llround(*b.rows));
    return b.rowsUpperBound ? "≤ " + n : n;
}

std::string columnsText(const BlastRadius &b)
{
    return std::to_string(b.columnCount) + (b.columnsExact ? "" : "+");
}

std::string writesText(const BlastRadius &b)
{
    std::string out;
    auto add = [&](const char *op, const std::vector<std::string> &relations) {
        if (relations.empty())
            return;
        std::string list;
        for (const auto &r : relations)
            list += (list.empty() ? "" : ", ") + r;
        out += (out.empty() ? "" : "; ") + std::string(op) + " " + list;
    };
    add("insert", b.inserts);
    add("update", b.updates);
    add("delete", b.deletes);
    return out.empty() ? "none" : out;
}

std::string classifiedText(const ClassifiedColumn &c)
{
    std::string out = c.column + " " + c.label;
    if (c.suggested)
        out += ", suggested";
    if (c.masked)
        out += ", masked";
    if (!c.readable)
        out += ", write only";
    return out;
}

std::vector<std::string> classifiedDifference(const std::optional<BlastRadius> &from, const std::optional<BlastRadius> &to)
{
    std::set<std::string> before;
    if (from)
        for (const auto &c : from->classified)
            before.insert(classifiedText(c));
    std::vector<std::string> out;
    if (to)
        for (const auto &c : to->classified)
            if (!before.count(classifiedText(c)))
                out.push_back(classifiedText(c));
    return out;
}

std::string witnessSentence(const Witness &w, std::string (*quote)(const std::string &))
{
    if (w.kind == Witness::Kind::Columns) {
        std::string list;
        for (const auto &c : w.columns) {
            std::string item = quote(c.name);
            std::string notes;
            if (!c.label.empty())
                notes = c.label + (c.suggested ? ", suggested" : "");
            if (c.masked)
                notes += (notes.empty() ? "" : ", ") + std::string("masked");
            list += (list.empty() ? "" : ", ") + item + (notes.empty() ? "" : " (" + notes + ")");
        }
        return "columns newly readable: " + list;
    }
    switch (w.status) {
    case Witness::Status::Computed: {
        std::string out;
        if (w.rows == 0)
            out = w.newScope ? "no rows reachable on this database" : "no rows newly reachable on this database";
        else
            out = groupDigits(w.rows) + (w.rows == 1 ? " row " : " rows ")
                + (w.newScope ? "reachable (the task could not reach this relation before)"
                              : "newly reachable (the new filter admits them, the old one did not)");
        if (!w.exampleKey.empty()) {
            std::string key;
            for (const auto &[column, value] : w.exampleKey)
                key += (key.empty() ? "" : ", ") + column + " = " + value;
            out += ", e.g. " + quote(key);
        } else if (w.rows > 0 && !w.hasPrimaryKey) {
            out += " (no primary key to name an example)";
        }
        return out;
    }
    case Witness::Status::NeedsContext:
        return "rows not counted: " + w.message;
    case Witness::Status::Refused:
        return "rows not counted: " + w.message;
    case Witness::Status::Failed:
        return "rows not counted, the query failed: " + w.message;
    case Witness::Status::Pending:
        return "rows not counted yet";
    }
    return {};
}

std::vector<const Witness *> witnessesOf(const Review &review, const ReviewGroup &group)
{
    std::vector<const Witness *> out;
    for (const auto &w : review.witnesses)
        if (w.agent == group.agent && w.task == group.task)
            out.push_back(&w);
    return out;
}

std::string verdictChangeText(const VerdictChange &c)
{
    auto side = [](const std::string &verdict, const std::string &rule) {
        return verdict == "allow" || rule.empty() ? verdict : verdict + " [" + rule + "]";
    };
    return side(c.oldVerdict, c.oldRule) + " → " + side(c.newVerdict, c.newRule);
}

std::string statementCountText(const VerdictChange &c)
{
    std::string out = std::to_string(c.count) + (c.count == 1 ? " statement" : " statements");
    if (c.distinct != c.count)
        out += " (" + std::to_string(c.distinct) + " distinct)";
    return out;
}

} // namespace writ::review::detail
