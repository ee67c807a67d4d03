// SPDX-License-Identifier: Apache-2.0
// Planning witnesses: which scopes widened, and the read-only SQL that measures each widening.
#include "review/witness.h"

#include "check/policy_checker.h"
#include "compile/filter_sql.h"
#include "compile/sql_quote.h"
#include "policy/policy_loader.h"
#include "review/blast_radius.h"
#include "review/filter_compare.h"

#include <algorithm>
#include <set>

namespace writ::review {

using policy::Operation;
using policy::Scope;

namespace {

bool reachesRows(const Scope &s)
{
    return s.ops.count(Operation::Select) || s.ops.count(Operation::Update) || s.ops.count(Operation::Delete);
}

const Scope *findScope(const policy::TaskType *task, const policy::QualifiedName &rel)
{
    if (!task)
        return nullptr;
    const auto it = std::find_if(task->access.begin(), task->access.end(), [&](const Scope &s) { return s.relation == rel; });
    return it == task->access.end() ? nullptr : &*it;
}

/// Columns a scope lets the task read, with `all` expanded through the catalog.
std::set<std::string> readableColumns(const Scope *s, const catalog::Relation &rel)
{
    std::set<std::string> out;
    if (!s || !s->ops.count(Operation::Select))
        return out;
    if (s->columns)
        return std::set<std::string>(s->columns->begin(), s->columns->end());
    for (const auto &c : rel.columns)
        out.insert(c.name);
    return out;
}

/// The filter with each `$key` replaced by `(($N::text)::type)`: the value is bound as text and
/// cast the way the compiled floor casts it, so a value that does not fit fails the same way.
std::string bindParameters(const std::string &filter, const policy::Policy &policy, const std::vector<std::string> &keys)
{
    std::string out;
    std::size_t last = 0;
    for (const auto &param : policy::contextParameters(filter)) {
        out.append(filter, last, param.offset - last);
        const auto index = std::find(keys.begin(), keys.end(), param.name) - keys.begin() + 1;
        const policy::ContextKey *key = policy.findContextKey(param.name);
        out += "(($" + std::to_string(index) + "::text)::" + (key ? policy::postgresType(key->type) : "text") + ")";
        last = param.offset + param.name.size() + 1;
    }
    out.append(filter, last, std::string::npos);
    return out;
}

/// Why `filter` may not run on `rel`, or empty when it checks clean.
std::string filterProblem(
    const std::string &filter, const policy::QualifiedName &rel, const catalog::Catalog &catalog, const char *which)
{
    if (const auto problem = compile::filterSpliceProblem(filter))
        return std::string("the ") + which + " row filter holds " + *problem;
    const Diagnostics d = check::checkRowFilter(filter, rel, catalog, {});
    for (const auto &item : d.items())
        if (item.severity == Severity::Error)
            return std::string("the ") + which + " row filter does not check clean: " + item.message;
    return {};
}

void prepareRows(Witness &w, const policy::Policy &oldPolicy, const policy::Policy &newPolicy, const catalog::Relation &rel,
    const catalog::Catalog &catalog, const std::map<std::string, std::string> &context)
{
    const policy::QualifiedName name {rel.schema, rel.name};
    std::set<std::string> keys;
    for (const auto *f : {&w.oldFilter, &w.newFilter})
        if (*f)
            for (const auto &p : policy::contextParameters(**f))
                keys.insert(p.name);
    w.contextKeys.assign(keys.begin(), keys.end());
    for (const auto &k : w.contextKeys)
        if (!context.count(k))
            w.missingContext.push_back(k);
    for (const auto &[filter, which] : {std::pair {&w.oldFilter, "old"}, std::pair {&w.newFilter, "new"}}) {
        if (!*filter)
            continue;
        if (std::string problem = filterProblem(**filter, name, catalog, which); !problem.empty()) {
            w.status = Witness::Status::Refused;
            w.message = problem;
            return;
        }
    }
    if (!w.missingContext.empty()) {
        w.status = Witness::Status::NeedsContext;
        std::string list;
        for (const auto &k : w.missingContext)
            list += (list.empty() ? "" : " ") + std::string("--ctx ") + k + "=...";
        w.message = "the filters use context values that were not given: add " + list;
        return;
    }
    const std::string newCondition = w.newFilter ? "(" + bindParameters(*w.newFilter, newPolicy, w.contextKeys) + ")" : "true";
    const std::string oldCondition = w.newScope
        ? "false"
        : "COALESCE((" + bindParameters(w.oldFilter.value_or("true"), oldPolicy, w.contextKeys) + "), false)";
    // A filter is one expression on its own line, so a trailing comment in it cannot swallow the rest.
    const std::string where = " WHERE " + newCondition + "\n AND NOT " + oldCondition + "\n";
    const std::string from = " FROM " + compile::quoteQualified(rel.schema, rel.name);
    w.countSql = "SELECT count(*)" + from + where;
    w.hasPrimaryKey = !rel.primaryKey.empty();
    if (w.hasPrimaryKey) {
        std::string select, order;
        for (const auto &c : rel.primaryKey) {
            select += (select.empty() ? "" : ", ") + compile::quoteIdent(c) + "::text";
            // Qualified, so ORDER BY sorts the column itself, not the ::text output of the same name.
            order += (order.empty() ? "" : ", ") + compile::quoteQualified(rel.schema, rel.name) + "." + compile::quoteIdent(c);
        }
        w.exampleSql = "SELECT " + select + from + where + " ORDER BY " + order + " LIMIT 1";
    }
}

} // namespace

const char *toString(Witness::Status s)
{
    switch (s) {
    case Witness::Status::Pending:
        return "pending";
    case Witness::Status::Computed:
        return "computed";
    case Witness::Status::NeedsContext:
        return "needs_context";
    case Witness::Status::Refused:
        return "refused";
    case Witness::Status::Failed:
        return "failed";
    }
    return "?";
}

std::vector<Witness> planWitnesses(const policy::Policy &oldPolicy, const policy::Policy &newPolicy,
    const catalog::Catalog &catalog, const std::map<std::string, std::string> &context)
{
    std::vector<Witness> out;
    for (const auto &agent : newPolicy.agents) {
        for (const auto &task : agent.tasks) {
            const policy::TaskType *oldTask = oldPolicy.findTask(agent.id, task.id);
            std::optional<BlastRadius> radius; // for labels; computed once per task, when needed
            for (const Scope &scope : task.access) {
                const Scope *old = findScope(oldTask, scope.relation);
                Witness base;
                base.agent = agent.id;
                base.task = task.id;
                base.relation = scope.relation.toString();
                const catalog::Relation *rel = catalog.findRelation(scope.relation.schema, scope.relation.name);

                const bool oldReach = old && reachesRows(*old);
                bool rowsWiden = false;
                if (reachesRows(scope)) {
                    if (!oldReach)
                        rowsWiden = true;
                    else if (old->rows && old->rows != scope.rows)
                        rowsWiden = !scope.rows || compareFilters(*old->rows, *scope.rows) == FilterRelation::Weaker
                            || compareFilters(*old->rows, *scope.rows) == FilterRelation::Different;
                }
                if (rowsWiden) {
                    Witness w = base;
                    w.kind = Witness::Kind::Rows;
                    w.newScope = !oldReach;
                    w.oldFilter = oldReach ? old->rows : std::nullopt;
                    w.newFilter = scope.rows;
                    if (!rel) {
                        w.status = Witness::Status::Refused;
                        w.message = "relation " + w.relation + " does not exist in the database";
                    } else {
                        prepareRows(w, oldPolicy, newPolicy, *rel, catalog, context);
                    }
                    out.push_back(std::move(w));
                }

                if (!rel)
                    continue;
                const std::set<std::string> before = readableColumns(old, *rel), after = readableColumns(&scope, *rel);
                std::vector<std::string> added;
                std::set_difference(after.begin(), after.end(), before.begin(), before.end(), std::back_inserter(added));
                if (added.empty())
                    continue;
                if (!radius)
                    radius = blastRadius(newPolicy, task, agent, &catalog);
                Witness w = base;
                w.kind = Witness::Kind::Columns;
                w.status = Witness::Status::Computed;
                for (const auto &name : rel->columns) { // in the table's column order
                    if (!std::binary_search(added.begin(), added.end(), name.name))
                        continue;
                    WitnessColumn c;
                    c.name = name.name;
                    for (const auto &cc : radius->classified)
                        if (cc.column == w.relation + "." + name.name) {
                            c.label = cc.label;
                            c.suggested = cc.suggested;
                        }
                    c.masked = scope.masks.count(name.name) > 0;
                    w.columns.push_back(std::move(c));
                }
                out.push_back(std::move(w));
            }
        }
    }
    return out;
}

} // namespace writ::review
