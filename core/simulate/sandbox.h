// SPDX-License-Identifier: Apache-2.0
#pragma once

// Runs one statement the way a task would see it, against a real database, and keeps nothing.
//
// In ONE transaction that is always rolled back: the draft policy's floor is applied (compiled
// against the catalog, planned against the live database, the plan's steps executed and a deployment
// row recorded, exactly as `writ apply` would), a temporary task is started for the agent, task type
// and context, the session switches to the task's JIT role (SET LOCAL SESSION AUTHORIZATION, so
// writ.ctx() finds the task through session_user), and the statement runs inside a savepoint under a
// statement timeout. The same statement also runs without the policy, in a savepoint of its own that
// is rolled back, to count what it returns or touches: as a temporary role that bypasses row-level
// security and holds every privilege on what the statement names, but is no superuser (so nothing the
// task itself could not do reaches outside the transaction).
//
// Needs a superuser connection (SET SESSION AUTHORIZATION). This is a simulation for people who hold
// that connection, not a security boundary: statements that change the session's identity are refused.

#include "catalog/catalog.h"
#include "compile/plan.h"
#include "policy/policy.h"
#include "policy/source_map.h"

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace writ::simulate {

struct SandboxOptions
{
    std::chrono::milliseconds statementTimeout {5000}; ///< for each statement the sandbox runs for the request
    std::size_t maxRows = 50;                          ///< rows kept in the result; all are counted
    bool countWithoutPolicy = true;                    ///< also run it without the policy (M of "N of M")
    bool explain = false;                              ///< also ask the planner for its row estimate, as the task role
};

struct SandboxRequest
{
    std::string agent;
    std::string taskType;
    std::map<std::string, std::string> context;
    std::string environment;
    std::string sql;
};

struct SandboxResult
{
    enum class Outcome {
        Succeeded, ///< PostgreSQL ran it as the task role
        Failed,    ///< PostgreSQL refused it or it failed: sqlstate and error say why
        NotRun,    ///< the sandbox would not run it (multi-statement text, transaction control, ...): error says why
    };
    Outcome outcome = Outcome::NotRun;
    bool write = false;             ///< INSERT/UPDATE/DELETE/...: rows are RETURNING rows, visibleRows the affected rows
    std::vector<std::string> columns;
    std::vector<std::vector<std::optional<std::string>>> rows; ///< at most maxRows; values as text, NULL as nullopt
    std::int64_t visibleRows = 0;   ///< N: rows returned (reads) or affected (writes) as the task role
    std::optional<std::int64_t> rowsWithoutPolicy; ///< M: the same without the policy; nullopt when it could not run
    std::string withoutPolicyError; ///< why M is missing
    std::chrono::microseconds duration {0}; ///< the task role's statement, fetch included
    std::string sqlstate;           ///< Failed: PostgreSQL's SQLSTATE (57014 on the statement timeout)
    std::string error;              ///< Failed / NotRun: the message
    std::optional<double> estimatedRows; ///< options.explain: the planner's estimate as the task role
    std::string estimateError;
    std::string taskRole;           ///< the temporary JIT role (gone after the run)
    std::string taskId;

    bool succeeded() const { return outcome == Outcome::Succeeded; }
    bool truncated() const { return static_cast<std::int64_t>(rows.size()) < visibleRows && !write; }
};

/// Why a sandbox could not be set up. Refused: the request or the draft policy is wrong (unknown agent,
/// missing context, the policy does not compile, a plan step fails); Environment: the database is not
/// reachable, the connection is not a superuser, ...
class SandboxError : public std::runtime_error
{
public:
    enum class Kind { Refused, Environment };
    SandboxError(const std::string &message, Kind kind) : std::runtime_error(message), m_kind(kind) {}
    Kind kind() const noexcept { return m_kind; }

private:
    Kind m_kind;
};

/// A sandbox session: one connection and one plan of the draft, reused by every run(). Each run is a
/// transaction of its own, rolled back before run() returns, so the locks the draft takes (enabling
/// row-level security locks a table ACCESS EXCLUSIVE) last one statement, never the whole session.
/// Not thread-safe.
class Sandbox
{
public:
    /// Nothing touches the database until the first run().
    Sandbox(std::string connectionUri, std::shared_ptr<const policy::Policy> policy, std::shared_ptr<const catalog::Catalog> catalog,
            policy::SourceMap sources = {});
    ~Sandbox();
    Sandbox(const Sandbox &) = delete;
    Sandbox &operator=(const Sandbox &) = delete;

    /// Throws SandboxError when the session cannot be set up or the task cannot start; a statement
    /// that fails, times out or is refused comes back in the result. A statement that ends the
    /// session (e.g. pg_terminate_backend) fails; the next run() opens a new one.
    SandboxResult run(const SandboxRequest &request, const SandboxOptions &options = {});

    /// The draft's plan against the live database, once a run has planned it (empty when the draft is
    /// what is deployed: then the sandbox changes and locks nothing).
    const compile::Plan *draftPlan() const;

private:
    struct Impl;
    std::unique_ptr<Impl> d;
};

/// One run in a fresh sandbox session: opens, applies the draft, runs, rolls back, disconnects.
SandboxResult runInSandbox(const std::string &connectionUri, const policy::Policy &policy, const catalog::Catalog &catalog,
                           const SandboxRequest &request, const SandboxOptions &options = {});

const char *toString(SandboxResult::Outcome o);

} // namespace writ::simulate
