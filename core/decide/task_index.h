// SPDX-License-Identifier: Apache-2.0
#pragma once

// What the rules need to know about one task type, computed once per engine (policy version) so
// that a decision does lookups, never scans of the policy.

#include "catalog/catalog.h"
#include "policy/policy.h"

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace writ::decide {

struct ScopeIndex
{
    const policy::Scope *scope = nullptr;
    const catalog::Relation *relation = nullptr; ///< nullptr when the catalog does not have it
    bool allColumns = false;                     ///< the scope lists no columns
    std::set<std::string, std::less<>> columns;  ///< readable/insertable (masked ones included)
    std::set<std::string, std::less<>> updateColumns; ///< empty with allUpdateColumns
    bool allUpdateColumns = false;
    std::string path;                            ///< SourceMap path of the scope
};

struct TaskIndex
{
    const policy::Agent *agent = nullptr;
    const policy::TaskType *task = nullptr;
    std::string name;                  ///< "agent/task" for messages
    std::string path;                  ///< SourceMap path of the task type
    std::set<policy::StepUpClass> stepUp;
    std::int64_t bulkReadRows = 0;
    std::set<std::string, std::less<>> allowLabels;
    bool hasMasks = false;
    std::string viewSchema;            ///< writ_v_<agent/task>: its masked views resolve to the base scopes
    std::map<std::string, ScopeIndex, std::less<>> scopes; ///< "schema.name" -> scope
    std::set<std::uint64_t> allowlist; ///< fingerprints of `statements:` templates (allowlist mode when non-empty)
    std::vector<std::string> badTemplates; ///< templates that do not parse (they match nothing)

    const ScopeIndex *findScope(std::string_view qualifiedName) const;
    std::string scopeList() const; ///< "public.a, public.b" for messages
    bool allowlistMode() const { return !task->statements.empty(); }
};

TaskIndex buildTaskIndex(const policy::Policy &policy, const catalog::Catalog &catalog, const policy::Agent &agent,
                         const policy::TaskType &task);

} // namespace writ::decide
