// SPDX-License-Identifier: Apache-2.0
#include "decide/task_index.h"

#include "common/text.h"
#include "compile/naming.h"
#include "policy/source_map.h"
#include "sql/analyzer.h"

namespace writ::decide {

const ScopeIndex *TaskIndex::findScope(std::string_view qualifiedName) const
{
    const auto it = scopes.find(qualifiedName);
    return it == scopes.end() ? nullptr : &it->second;
}

std::string TaskIndex::scopeList() const
{
    std::vector<std::string> names;
    for (const auto &[name, scope] : scopes)
        names.push_back(name);
    return names.empty() ? "none" : joinList(names);
}

TaskIndex buildTaskIndex(const policy::Policy &policy, const catalog::Catalog &catalog, const policy::Agent &agent,
                         const policy::TaskType &task)
{
    TaskIndex t;
    t.agent = &agent;
    t.task = &task;
    t.name = agent.id + "/" + task.id;
    t.path = policy::taskPath(agent.id, task.id);
    t.stepUp = policy::effectiveStepUp(policy, task);
    t.bulkReadRows = policy.defaults.bulkReadRows;
    t.allowLabels.insert(task.allowLabels.begin(), task.allowLabels.end());
    t.viewSchema = compile::viewSchemaName(agent.id, task.id);
    for (const auto &scope : task.access) {
        ScopeIndex s;
        s.scope = &scope;
        s.relation = catalog.findRelation(scope.relation.schema, scope.relation.name);
        s.path = policy::scopePath(agent.id, task.id, scope.relation.toString());
        if (scope.columns) {
            s.columns.insert(scope.columns->begin(), scope.columns->end());
        } else {
            s.allColumns = true;
        }
        if (scope.updateColumns.empty())
            s.allUpdateColumns = s.allColumns, s.updateColumns = s.columns;
        else
            s.updateColumns.insert(scope.updateColumns.begin(), scope.updateColumns.end());
        t.hasMasks = t.hasMasks || (!scope.masks.empty() && scope.ops.count(policy::Operation::Select));
        t.scopes.emplace(scope.relation.toString(), std::move(s));
    }
    for (const auto &text : task.statements) {
        if (const auto fp = sql::fingerprint(text))
            t.allowlist.insert(*fp);
        else
            t.badTemplates.push_back(text);
    }
    return t;
}

} // namespace writ::decide
