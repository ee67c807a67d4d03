// SPDX-License-Identifier: Apache-2.0
#pragma once

// Just-in-time task roles in direct mode: a LOGIN role per running task, member of its task type's
// role, expiring on its own, revoked at once when the task ends.

#include "common/diagnostic.h"
#include "policy/policy.h"

#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace writ::tasks {

struct TaskRequest
{
    std::string agent;
    std::string task;
    std::map<std::string, std::string> context;
    std::optional<policy::Duration> ttl; ///< default: the task type's ttl; capped at its max_ttl
    std::string environment;
    std::string workflow;
    std::string approvedBy; ///< required for task types with `approval: required`
    int connectionLimit = 4;
    /// The gateways' shared secret (loadTaskPasswordSecret). When set, the role's password is
    /// derivedTaskPassword(passwordSecret, id), which any gateway holding the secret can recompute;
    /// when empty, it is random and exists only in StartedTask.
    std::string passwordSecret;
};

/// Checks a request against the policy: the agent and task type exist, the context carries exactly
/// the task type's keys with values of their declared types, the environment is allowed and an
/// approval-required task names its approver. Returns the effective TTL through `ttl`.
Diagnostics validateTaskRequest(const policy::Policy &policy, const TaskRequest &request, policy::Duration &ttl);

/// Why `value` is not a valid literal of `type`, or nullopt when it is.
std::optional<std::string> contextValueProblem(policy::ContextType type, const std::string &value);

struct StartedTask
{
    std::string id;
    std::string role;
    std::string password;
    std::string connectionUri; ///< the database URI with the task role's credentials
    std::string expiresAt;     ///< ISO 8601, from the server clock
    policy::Duration ttl{};
    std::vector<std::string> notices; ///< e.g. "ttl capped at max_ttl 1h"
};

struct TaskInfo
{
    std::string id, agent, taskType, role, createdAt, expiresAt, revokedAt, revokeReason;
    int sessions = 0;
    bool live = false;
};

/// A refused request (kind Refused: the caller's input) or a database failure (kind Environment).
class TaskError : public std::runtime_error
{
public:
    enum class Kind { Refused, Environment };
    TaskError(const std::string &message, Kind kind) : std::runtime_error(message), m_kind(kind) {}
    Kind kind() const noexcept { return m_kind; }

private:
    Kind m_kind;
};

/// Validates against the deployed policy (the one stored by the last apply), then in one transaction
/// records the task and creates its role with a random or derived password (sent as a SCRAM verifier), VALID UNTIL
/// its expiry, a connection limit, membership in the task type's role and, for masked scopes, the view
/// schema first on its search_path.
StartedTask startTask(const std::string &libpqUri, const TaskRequest &request);

/// Revokes a task: marks it revoked (its context turns NULL at once), makes its role NOLOGIN,
/// terminates its sessions, drops the role. Returns the number of sessions terminated.
/// Ending an already ended task is refused with a clear message.
int endTask(const std::string &libpqUri, const std::string &taskId, const std::string &reason = "ended");

/// Ends every task past its expiry that is not revoked yet; returns their ids.
std::vector<std::string> reapExpiredTasks(const std::string &libpqUri);

std::vector<TaskInfo> listTasks(const std::string &libpqUri, bool includeEnded);

} // namespace writ::tasks
