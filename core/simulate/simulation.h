// SPDX-License-Identifier: Apache-2.0
#pragma once

// One simulated statement, as `writ simulate` and the studio's Simulator run it: the gateway's
// decision for an agent's task, the planner's row estimate where the decision needs one, and with
// `run` what PostgreSQL itself returns to the task in a rolled-back sandbox (sandbox.h).

#include "catalog/catalog.h"
#include "decide/decision.h"
#include "policy/policy.h"
#include "simulate/sandbox.h"

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>

namespace writ::simulate {

struct SimulationRequest
{
    std::string agent;
    std::string task;
    std::map<std::string, std::string> context;
    std::string environment;
    std::string sql;
    std::string connectionUri; ///< empty: decide from the catalog alone, no estimate and no sandbox
    bool run = false; ///< also run it in the sandbox (needs connectionUri, a superuser)
    std::size_t maxRows = 20; ///< sandbox rows kept (all are counted)
    std::chrono::milliseconds timeout {5000}; ///< statement timeout of the sandbox and of EXPLAIN
};

struct SimulationEstimate
{
    std::optional<double> rows;
    std::string source; ///< who planned it, in words
    std::string error; ///< why there is none
};

struct Simulation
{
    decide::Decision decision; ///< after the row estimate, when there is one
    std::optional<SimulationEstimate> estimate; ///< asked for when the decision needs one and a database is given
    std::optional<SandboxResult> sandbox; ///< with `run`
};

/// Decides `request.sql` for the task with the gateway's engine; with `run` runs it in the sandbox
/// (whose EXPLAIN as the task role gives the estimate); otherwise, when the decision needs an estimate
/// and a database is given, asks the planner as that connection (an upper bound: it ignores row
/// filters). Throws SandboxError when the sandbox cannot be set up (see sandbox.h).
Simulation simulateStatement(std::shared_ptr<const policy::Policy> policy, std::shared_ptr<const catalog::Catalog> catalog,
    const SimulationRequest &request);

} // namespace writ::simulate
