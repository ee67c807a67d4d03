// SPDX-License-Identifier: Apache-2.0
#pragma once

// Inside the sandbox's transaction: the draft floor as `writ apply` would build it, and a task as
// `writ task start` would start it. Private to core/simulate (it exposes libpqxx); apply and startTask
// each open and commit their own transaction, so these do the same work in the caller's.

#include "compile/plan.h"
#include "policy/policy.h"
#include "policy/source_map.h"
#include "simulate/sandbox.h"

#include <pqxx/pqxx>

#include <chrono>
#include <string>

namespace writ::simulate::detail {

/// The draft's floor as apply would build it on this database: compiled against `catalog`, planned
/// against the live database (introspected on a separate connection) and its last deployment.
struct DraftFloor
{
    compile::DesiredState state;
    compile::Plan plan;
    std::string policyName;
    std::string policyText; ///< canonical YAML, recorded with the sandbox's deployment row
};

/// Throws SandboxError: Refused when the draft does not compile, Environment when the live database
/// cannot be read.
DraftFloor planDraftFloor(const std::string &connectionUri, const policy::Policy &policy, const policy::SourceMap &sources,
                          const catalog::Catalog &catalog);

/// Runs the runtime schema and every plan step in `tx` under apply's advisory lock, and records a
/// deployment row holding the draft (the next version, given explicitly: nextval() is not
/// transactional). Waits at most `lockTimeout` for each lock: enabling row-level security takes an
/// ACCESS EXCLUSIVE lock, and a request queued behind a long transaction would hold up every reader.
/// Throws SandboxError (Refused: a step fails; Environment: a lock is not free in time).
void applyDraftFloor(pqxx::transaction_base &tx, const DraftFloor &draft, std::chrono::milliseconds lockTimeout);

struct SandboxTask
{
    std::string id;
    std::string role;
    std::string searchPath; ///< SQL list for SET search_path, empty when the role keeps the default
};

/// Validates the request against the draft policy (like startTask against the deployed one; an
/// approval-required task counts as approved) and records the task and its JIT role in `tx`.
/// Throws SandboxError (Refused) naming every problem.
SandboxTask startSandboxTask(pqxx::transaction_base &tx, const policy::Policy &policy, const SandboxRequest &request);

/// PostgreSQL's message without the "ERROR:  " prefix, the LINE/caret lines and trailing newlines.
std::string serverMessage(const std::exception &e);

/// The SQLSTATE of a failed statement. libpqxx 6.4 drops it from some of its exception classes
/// (insufficient_privilege among them), so those are mapped back from the class.
std::string sqlstateOf(const pqxx::sql_error &e);

} // namespace writ::simulate::detail
