// SPDX-License-Identifier: Apache-2.0
#include "review/blast_radius.h"

#include "findings/classification.h"

#include <algorithm>
#include <map>
#include <set>

namespace writ::review {

using policy::Operation;

namespace {

RelationReach reachOf(const policy::Scope &scope, const catalog::Relation *rel)
{
    RelationReach r;
    r.relation = scope.relation.toString();
    for (const auto op : scope.ops)
        r.ops.push_back(policy::toString(op));
    r.allColumns = !scope.columns;
    if (scope.columns) {
        r.columns = *scope.columns;
    } else if (rel) {
        for (const auto &c : rel->columns)
            r.columns.push_back(c.name);
    } else {
        r.columnsExpanded = false;
    }
    if (scope.ops.count(Operation::Update))
        r.updateColumns = scope.updateColumns.empty() ? r.columns : scope.updateColumns;
    r.filtered = scope.rows.has_value();
    if (rel && rel->reltuples >= 0)
        r.rows = rel->reltuples;
    return r;
}

/// Labels for the columns of one scope: the policy's (through view lineage when the catalog has
/// the relation), then name suggestions for columns the policy leaves unlabelled.
std::map<std::string, findings::ColumnLabel> labelsOf(const policy::Policy &policy, const policy::Scope &scope,
    const RelationReach &reach, const catalog::Relation *rel, const findings::Classifier *classifier)
{
    std::map<std::string, findings::ColumnLabel> labels;
    if (rel && classifier)
        labels = classifier->labels(*rel);
    for (const auto &[col, label] : policy.classify)
        if (col.relation == scope.relation && !labels.count(col.column))
            labels[col.column] = {label, false, {}};
    std::map<std::string, findings::ColumnLabel> out;
    for (const auto &column : reach.columns) {
        if (const auto it = labels.find(column); it != labels.end())
            out[column] = it->second;
        else if (auto suggested = findings::suggestedLabel(column))
            out[column] = {*suggested, true, {}};
    }
    if (!reach.columnsExpanded) // `all` without a catalog: every labelled column of the relation is in reach
        for (const auto &[column, label] : labels)
            out[column] = label;
    return out;
}

} // namespace

BlastRadius blastRadius(
    const policy::Policy &policy, const policy::TaskType &task, const policy::Agent &agent, const catalog::Catalog *catalog)
{
    BlastRadius b;
    b.agent = agent.id;
    b.task = task.id;
    std::optional<findings::Classifier> classifier;
    if (catalog)
        classifier.emplace(*catalog, &policy);
    std::set<std::string> columns;
    double rows = 0;
    bool rowsKnown = true;
    for (const auto &scope : task.access) {
        const catalog::Relation *rel = catalog ? catalog->findRelation(scope.relation.schema, scope.relation.name) : nullptr;
        RelationReach reach = reachOf(scope, rel);
        const std::string name = reach.relation;
        for (const auto &c : reach.columns)
            columns.insert(name + "." + c);
        if (!reach.columnsExpanded)
            b.columnsExact = false;

        const bool reads = scope.ops.count(Operation::Select) > 0;
        for (const auto &[column, label] : labelsOf(policy, scope, reach, rel, classifier ? &*classifier : nullptr)) {
            ClassifiedColumn c;
            c.column = name + "." + column;
            c.label = label.label;
            c.suggested = label.suggested;
            c.masked = reads && scope.masks.count(column) > 0;
            c.readable = reads;
            b.classified.push_back(std::move(c));
        }

        if (reads || scope.ops.count(Operation::Update) || scope.ops.count(Operation::Delete)) {
            if (reach.rows)
                rows += *reach.rows;
            else
                rowsKnown = false;
            if (reach.filtered)
                b.rowsUpperBound = true;
        }
        if (scope.ops.count(Operation::Insert))
            b.inserts.push_back(name);
        if (scope.ops.count(Operation::Update))
            b.updates.push_back(name);
        if (scope.ops.count(Operation::Delete))
            b.deletes.push_back(name);
        b.relations.push_back(std::move(reach));
    }
    b.columnCount = columns.size();
    if (rowsKnown)
        b.rows = rows;
    std::sort(b.classified.begin(), b.classified.end(),
        [](const ClassifiedColumn &x, const ClassifiedColumn &y) { return x.column < y.column; });
    return b;
}

} // namespace writ::review
