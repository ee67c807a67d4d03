// SPDX-License-Identifier: Apache-2.0
// Rule 3 (relations, operations, columns, masks, classified columns) and the static part of rule 4.
#include "decide/rules.h"

#include "common/text.h"

#include <algorithm>
#include <cmath>

namespace writ::decide {

namespace {

using policy::Operation;
using sql::Access;

const char *opWord(Operation op)
{
    switch (op) {
    case Operation::Select: return "select";
    case Operation::Insert: return "insert";
    case Operation::Update: return "update";
    case Operation::Delete: return "delete";
    }
    return "select";
}

std::string opsList(const policy::Scope &scope)
{
    std::vector<std::string> ops;
    for (const Operation op : scope.ops)
        ops.push_back(opWord(op));
    return ops.empty() ? "none" : joinList(ops);
}

template <typename Set>
std::string columnList(const Set &columns)
{
    return joinList(std::vector<std::string>(columns.begin(), columns.end()));
}

std::string allowedColumns(const ScopeIndex &s)
{
    return s.allColumns ? std::string("every column") : columnList(s.columns);
}

/// The task's own masked view (writ_v_<agent/task>.<name>) stands for the base relation's scope.
const ScopeIndex *maskedViewScope(const TaskIndex &task, const sql::RelationUse &r)
{
    if (r.schema != task.viewSchema)
        return nullptr;
    for (const auto &[name, scope] : task.scopes)
        if (scope.scope->relation.name == r.name && !scope.scope->masks.empty())
            return &scope;
    return nullptr;
}

class RelationCheck
{
public:
    RelationCheck(const RuleInput &in, DecisionBuilder &out, const sql::RelationUse &r) : m_in(in), m_out(out), m_r(r) {}

    void run()
    {
        if (m_r.system) {
            checkSystem();
            return;
        }
        bool throughView = false;
        const ScopeIndex *scope = maskedViewScope(m_in.task, m_r);
        if (scope)
            throughView = true;
        else
            scope = m_in.task.findScope(m_r.qualifiedName());
        if (!scope) {
            outOfScope();
            return;
        }
        m_scope = scope;
        if (!checkOperations())
            return;
        checkReadColumns(throughView);
        checkWrittenColumns();
    }

private:
    std::string name() const { return m_r.qualifiedName(); }

    void checkSystem()
    {
        for (const Access a : m_r.access)
            if (a != Access::Read) {
                m_out.deny(rule::Relation, "system catalog " + name() + " may only be read", "", m_in.task.path, m_r.location);
                return;
            }
    }

    void outOfScope()
    {
        const TaskIndex &t = m_in.task;
        if (!m_r.partitionOf.empty() && t.findScope(m_r.partitionOf)) {
            m_out.deny(rule::Partition,
                       "relation " + name() + " is a partition of " + m_r.partitionOf + "; the scope of " + t.name
                           + " is on the parent, whose row filter does not apply to the partition queried directly",
                       "query " + m_r.partitionOf + " instead", t.findScope(m_r.partitionOf)->path, m_r.location);
            return;
        }
        if (!m_r.found) {
            m_out.deny(rule::Relation,
                       "relation " + name() + " is not in the catalog and not in scope for " + t.name + "; in scope: " + t.scopeList(),
                       "use one of the relations in scope", t.path, m_r.location);
            return;
        }
        m_out.deny(rule::Relation, "relation " + name() + " is not in scope for " + t.name + "; in scope: " + t.scopeList(),
                   "add " + name() + " to the access of " + t.name + " with the narrowest ops, columns and rows it needs",
                   t.path, m_r.location);
    }

    void missingOperation(Operation op, const std::string &why)
    {
        m_out.deny(rule::Operation,
                   why + " on " + name() + " is not allowed for " + m_in.task.name + "; allowed ops: " + opsList(*m_scope->scope),
                   std::string("add ") + opWord(op) + " to the ops of " + name(), m_scope->path, m_r.location);
    }

    /// Returns false when the relation is refused outright (the column rules would only repeat it).
    bool checkOperations()
    {
        const auto &ops = m_scope->scope->ops;
        const std::size_t before = m_out.denialCount();
        for (const Access a : m_r.access) {
            switch (a) {
            case Access::Read:
                if (!ops.count(Operation::Select))
                    missingOperation(Operation::Select, "reading");
                break;
            case Access::Insert:
                if (!ops.count(Operation::Insert))
                    missingOperation(Operation::Insert, "INSERT");
                break;
            case Access::Update:
                if (!ops.count(Operation::Update))
                    missingOperation(Operation::Update, "UPDATE");
                break;
            case Access::Delete:
                if (!ops.count(Operation::Delete))
                    missingOperation(Operation::Delete, "DELETE");
                break;
            case Access::Truncate:
                m_out.deny(rule::Operation, "TRUNCATE on " + name() + " skips row-level security and is never allowed",
                           "use DELETE with a WHERE clause (delete in ops)", m_scope->path, m_r.location);
                break;
            case Access::Lock:
                if (!ops.count(Operation::Update) && !ops.count(Operation::Delete))
                    missingOperation(Operation::Update, "locking rows (FOR UPDATE/SHARE, LOCK TABLE)");
                break;
            }
        }
        // Columns read by a write (WHERE, RETURNING, SET expressions) need SELECT, as PostgreSQL requires.
        const bool reads = m_r.allColumns || !m_r.readColumns.empty();
        if (reads && !m_r.access.count(Access::Read) && !ops.count(Operation::Select))
            missingOperation(Operation::Select, "reading columns (" + columnList(m_r.readColumns) + ")");
        return m_out.denialCount() == before;
    }

    void checkReadColumns(bool throughView)
    {
        const ScopeIndex &s = *m_scope;
        std::vector<std::string> read(m_r.readColumns.begin(), m_r.readColumns.end());
        if (m_r.allColumns) {
            // Through the task's masked view, `*` is the view's columns (the scope's, masks applied);
            // on the base relation it is every column of the table.
            const catalog::Relation *shape = throughView ? m_in.catalog.findRelation(m_r.schema, m_r.name) : s.relation;
            if (!shape) {
                if (!s.allColumns)
                    m_out.deny(rule::Column, "`*` or a whole-row reference reads every column of " + name()
                                                 + ", which is not in the catalog to check; allowed: " + allowedColumns(s),
                               "name the columns: " + allowedColumns(s), s.path, m_r.location);
                return;
            }
            std::vector<std::string> outside;
            for (const auto &c : shape->columns)
                if (!s.allColumns && !s.columns.count(c.name))
                    outside.push_back(c.name);
            if (!outside.empty()) {
                m_out.deny(rule::Column,
                           "`*` or a whole-row reference reads every column of " + name() + ", including " + joinList(outside)
                               + " (not in scope for " + m_in.task.name + "); allowed: " + allowedColumns(s),
                           "name the columns instead: " + allowedColumns(s), s.path, m_r.location);
                return;
            }
            for (const auto &c : shape->columns)
                read.push_back(c.name);
        }
        std::vector<std::string> outside;
        for (const auto &c : read)
            if (!s.allColumns && !s.columns.count(c))
                outside.push_back(name() + "." + c);
        if (!outside.empty()) {
            m_out.deny(rule::Column,
                       std::string(outside.size() == 1 ? "column " : "columns ") + joinList(outside) + (outside.size() == 1 ? " is" : " are")
                           + " not in scope for " + m_in.task.name + "; allowed: " + allowedColumns(s),
                       "leave " + std::string(outside.size() == 1 ? "it" : "them") + " out of the statement, or add "
                           + (outside.size() == 1 ? "it" : "them") + " to the columns of " + name(),
                       s.path, m_r.location);
            return;
        }
        checkMasksAndLabels(read, throughView);
    }

    void checkMasksAndLabels(const std::vector<std::string> &read, bool throughView)
    {
        const ScopeIndex &s = *m_scope;
        const auto &masks = s.scope->masks;
        std::map<std::string, std::vector<std::string>> byLabel; // unmasked classified columns
        for (const auto &c : read) {
            if (masks.count(c)) {
                if (!throughView)
                    m_out.draft().readsMaskedColumns = true;
                continue;
            }
            const auto label = m_in.policy.classify.find(policy::ColumnRef{s.scope->relation, c});
            if (label != m_in.policy.classify.end() && !m_in.task.allowLabels.count(label->second))
                byLabel[label->second].push_back(name() + "." + c);
        }
        for (auto &[label, columns] : byLabel) {
            std::sort(columns.begin(), columns.end());
            columns.erase(std::unique(columns.begin(), columns.end()), columns.end());
            m_out.stepUp(policy::StepUpClass::SensitiveRead, rule::SensitiveRead,
                         std::string(columns.size() == 1 ? "column " : "columns ") + joinList(columns) + " classified " + label
                             + ": " + m_in.task.name + " does not list " + label + " in allow_labels",
                         "add " + label + " to allow_labels of " + m_in.task.name + ", or mask the column", s.path, m_r.location);
        }
    }

    void checkWrittenColumns()
    {
        const ScopeIndex &s = *m_scope;
        // An INSERT ... ON CONFLICT DO UPDATE or a MERGE does both: each part has its own list.
        std::vector<std::string> notInsertable, notUpdatable;
        for (const auto &c : m_r.insertedColumns)
            if (!s.allColumns && !s.columns.count(c))
                notInsertable.push_back(c);
        for (const auto &c : m_r.updatedColumns)
            if (!s.allUpdateColumns && !s.updateColumns.count(c))
                notUpdatable.push_back(c);
        if (!notInsertable.empty())
            m_out.deny(rule::Column,
                       "INSERT writes " + joinList(notInsertable) + " of " + name() + ", not in scope for " + m_in.task.name
                           + "; allowed: " + allowedColumns(s),
                       "leave those columns out (their defaults apply), or add them to the columns of " + name(), s.path, m_r.location);
        if (!notUpdatable.empty())
            m_out.deny(rule::UpdateColumn,
                       "UPDATE sets " + joinList(notUpdatable) + " of " + name() + ", which " + m_in.task.name + " may not change; update_columns: "
                           + (s.allUpdateColumns ? std::string("every column") : columnList(s.updateColumns)),
                       "add them to update_columns of " + name(), s.path, m_r.location);
    }

    const RuleInput &m_in;
    DecisionBuilder &m_out;
    const sql::RelationUse &m_r;
    const ScopeIndex *m_scope = nullptr;
};

} // namespace

void checkRelations(const RuleInput &in, DecisionBuilder &out)
{
    // DDL and other step-up classes are governed by rule 2 as a whole.
    switch (in.facts.kind) {
    case sql::StatementClass::Ddl:
    case sql::StatementClass::Procedural:
    case sql::StatementClass::Transaction:
        return;
    default:
        break;
    }
    if (in.facts.unknownKind)
        return;
    for (const auto &r : in.facts.relations)
        RelationCheck(in, out, r).run();
}

namespace {

/// The statement reads `rel` alone, calls no function (a set-returning one in the target list would
/// multiply the row, and a function may read tables of its own), and its WHERE fixes every
/// primary-key column to one value.
bool pinnedByPrimaryKey(const sql::StatementFacts &f, const catalog::Relation &rel)
{
    if (f.keyEqualities.empty() || rel.primaryKey.empty() || f.relations.size() != 1 || !f.functions.empty())
        return false;
    for (const auto &column : rel.primaryKey)
        if (!std::binary_search(f.keyEqualities.begin(), f.keyEqualities.end(), column))
            return false;
    return true;
}

} // namespace

void checkBulkRead(const RuleInput &in, DecisionBuilder &out)
{
    const auto &f = in.facts;
    if (f.kind != sql::StatementClass::Read || f.explain || !in.task.stepUp.count(policy::StepUpClass::BulkRead))
        return;
    const std::int64_t limit = in.task.bulkReadRows;
    if (f.hasLimit && f.limitCount >= 0 && f.limitCount <= limit)
        return;
    // Upper bound of the rows a read can return: the product of its relations' sizes. Only when that
    // may exceed the limit is the planner asked (by the caller, which has a connection).
    double bound = 1;
    bool unknown = false;
    for (const auto &r : f.relations) {
        if (r.system || !r.access.count(sql::Access::Read))
            continue;
        const catalog::Relation *rel = in.catalog.findRelation(r.schema, r.name);
        if (rel && pinnedByPrimaryKey(f, *rel))
            continue; // at most one row: the lookup of an agent's own record needs no planner round trip
        if (!rel || rel->reltuples < 0) {
            unknown = true;
            continue;
        }
        bound *= std::max(1.0, rel->reltuples);
    }
    if (unknown || bound > static_cast<double>(limit)) {
        out.draft().needsRowEstimate = true;
        out.draft().bulkReadRows = limit;
    }
}

} // namespace writ::decide
