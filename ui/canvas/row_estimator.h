// SPDX-License-Identifier: Apache-2.0
#pragma once

// How many rows one task can reach, as the planner sees it: for each scope that reads existing rows,
// EXPLAIN of a SELECT with the row filter applied and each `$key` an unknown value of its context
// type — so a filter that pins a key (`id = $customer_id`) counts the rows one task reaches, not the
// table. Uses simulate::plannerEstimate (read-only, rolled back, under a timeout).

#include "policy/policy.h"

#include <optional>
#include <string>
#include <vector>

namespace writ::ui {

struct ScopeRowEstimate
{
    std::string relation;
    std::optional<double> rows;
    std::string error; ///< why there is no estimate
};

struct TaskRowEstimate
{
    std::vector<ScopeRowEstimate> scopes;
    /// The sum over the scopes; nullopt when any of them has no estimate.
    std::optional<double> total() const;
};

/// The statement whose plan estimates `scope`'s rows, or "" when the filter cannot be spliced safely.
std::string rowEstimateSql(const policy::Scope &scope, const policy::Policy &policy);

/// Blocking (one short connection per scope); never throws.
TaskRowEstimate estimateTaskRows(const std::string &conninfo, const policy::Policy &policy, const policy::TaskType &task);

} // namespace writ::ui
