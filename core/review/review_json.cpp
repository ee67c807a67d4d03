// SPDX-License-Identifier: Apache-2.0
// The machine form. Keys are fixed and always present (null when a value does not apply), in a
// fixed order, so CI scripts and the studio can rely on them; docs/review.md lists them.
#include "review/review_format.h"

#include <nlohmann/json.hpp>

#include <cmath>

namespace writ::review {

namespace {

using ordered_json = nlohmann::ordered_json;

ordered_json orNull(const std::string &s)
{
    return s.empty() ? ordered_json() : ordered_json(s);
}

ordered_json changeJson(const Change &c)
{
    ordered_json j;
    j["kind"] = toString(c.kind);
    j["risk"] = toString(c.risk);
    j["level"] = toString(c.level());
    j["agent"] = orNull(c.agent);
    j["task"] = orNull(c.task);
    j["relation"] = orNull(c.relation);
    j["field"] = c.field;
    j["target"] = orNull(c.target);
    j["items"] = c.items;
    j["before"] = orNull(c.before);
    j["after"] = orNull(c.after);
    j["why"] = c.why;
    j["reason"] = orNull(c.reason);
    j["path"] = c.path;
    j["location"] = c.location.isKnown()
        ? ordered_json {{"file", c.location.file}, {"line", c.location.line}, {"column", c.location.column}}
        : ordered_json();
    return j;
}

ordered_json rowsJson(const std::optional<double> &rows)
{
    return rows ? ordered_json(std::llround(*rows)) : ordered_json();
}

ordered_json blastJson(const std::optional<BlastRadius> &b)
{
    if (!b)
        return nullptr;
    ordered_json relations = ordered_json::array();
    for (const auto &r : b->relations) {
        relations.push_back({{"relation", r.relation}, {"ops", r.ops}, {"columns", r.columns}, {"all_columns", r.allColumns},
            {"columns_expanded", r.columnsExpanded}, {"update_columns", r.updateColumns}, {"filtered", r.filtered},
            {"rows", rowsJson(r.rows)}});
    }
    ordered_json classified = ordered_json::array();
    for (const auto &c : b->classified)
        classified.push_back({{"column", c.column}, {"label", c.label}, {"suggested", c.suggested}, {"masked", c.masked},
            {"readable", c.readable}});
    ordered_json j;
    j["relation_count"] = b->relations.size();
    j["column_count"] = b->columnCount;
    j["columns_exact"] = b->columnsExact;
    j["classified_count"] = b->classified.size();
    j["rows"] = rowsJson(b->rows);
    j["rows_upper_bound"] = b->rowsUpperBound;
    j["writes"] = {{"insert", b->inserts}, {"update", b->updates}, {"delete", b->deletes}};
    j["relations"] = std::move(relations);
    j["classified"] = std::move(classified);
    return j;
}

ordered_json witnessJson(const Witness &w)
{
    const bool rows = w.kind == Witness::Kind::Rows;
    ordered_json j;
    j["kind"] = rows ? "rows" : "columns";
    j["status"] = toString(w.status);
    j["agent"] = w.agent;
    j["task"] = w.task;
    j["relation"] = w.relation;
    j["new_scope"] = rows ? ordered_json(w.newScope) : ordered_json();
    j["old_filter"] = rows && w.oldFilter ? ordered_json(*w.oldFilter) : ordered_json();
    j["new_filter"] = rows && w.newFilter ? ordered_json(*w.newFilter) : ordered_json();
    j["context_keys"] = w.contextKeys;
    j["missing_context"] = w.missingContext;
    j["rows"] = rows && w.status == Witness::Status::Computed ? ordered_json(w.rows) : ordered_json();
    ordered_json key;
    for (const auto &[column, value] : w.exampleKey)
        key[column] = value;
    j["example_key"] = key;
    ordered_json columns = ordered_json::array();
    for (const auto &c : w.columns)
        columns.push_back({{"name", c.name}, {"label", orNull(c.label)}, {"suggested", c.suggested}, {"masked", c.masked}});
    j["columns"] = std::move(columns);
    j["message"] = orNull(w.message);
    j["sql"] = rows ? ordered_json {{"count", orNull(w.countSql)}, {"example", orNull(w.exampleSql)}} : ordered_json();
    return j;
}

ordered_json impactJson(const ImpactReplay &impact)
{
    ordered_json changes = ordered_json::array();
    for (const auto &c : impact.changes)
        changes.push_back({{"agent", c.agent}, {"task", c.taskType}, {"old_verdict", c.oldVerdict}, {"new_verdict", c.newVerdict},
            {"old_rule", orNull(c.oldRule)}, {"new_rule", orNull(c.newRule)}, {"count", c.count}, {"distinct", c.distinct},
            {"example", c.example}, {"message", orNull(c.message)}});
    return {{"audit", impact.file}, {"summary", impactSummary(impact)}, {"replayed", impact.replayed},
        {"unchanged", impact.unchanged}, {"changed", impact.changedCount()}, {"without_query", impact.withoutQuery},
        {"catalog", impact.catalogUsed}, {"changes", std::move(changes)}};
}

} // namespace

std::string formatJson(const Review &review)
{
    ordered_json j;
    j["writ_review"] = kReviewJsonVersion;
    j["old"] = review.oldLabel;
    j["new"] = review.newLabel;
    j["policy"] = review.policyName;
    j["summary"] = {{"text", summaryLine(review.diff)}, {"changes", review.diff.changes.size()},
        {"widens", review.diff.count(Risk::Widens)}, {"narrows", review.diff.count(Risk::Narrows)},
        {"neutral", review.diff.count(Risk::Neutral)}};
    ordered_json changes = ordered_json::array();
    for (const auto &c : review.diff.changes)
        changes.push_back(changeJson(c));
    j["changes"] = std::move(changes);
    ordered_json blast = ordered_json::array();
    for (const auto &g : review.groups)
        if (g.level() == Level::Task)
            blast.push_back(
                {{"agent", g.agent}, {"task", g.task}, {"before", blastJson(g.before)}, {"after", blastJson(g.after)}});
    j["catalog"] = review.catalogUsed;
    j["blast_radius"] = std::move(blast);
    if (review.witnessed) {
        ordered_json witnesses = ordered_json::array();
        for (const auto &w : review.witnesses)
            witnesses.push_back(witnessJson(w));
        j["witness"] = {{"database", review.database}, {"witnesses", std::move(witnesses)}};
    } else {
        j["witness"] = nullptr;
    }
    j["impact"] = review.impact ? impactJson(*review.impact) : ordered_json();
    return j.dump(2) + "\n";
}

} // namespace writ::review
