// SPDX-License-Identifier: Apache-2.0
#pragma once

// Approvals of task starts: a task type with `approval: required` starts only once a person has
// approved that exact request (agent, task type, context, ttl, environment, workflow). The gateway's
// tasks API records the request in writ.approval (class "task_start", no task yet); an approver
// decides it like any approval (`writ approve`, the admin API, the studio); the agent's retry with the
// approval id then starts the task, once.

#include <chrono>
#include <string>

namespace writ::tasks {

struct TaskRequest;

inline constexpr const char *kTaskStartClass = "task_start";

/// What an approval of a start is bound to: a digest over every field of the request that changes
/// what the task may do (agent, task type, context, ttl, environment, workflow).
std::string startRequestDigest(const TaskRequest &request, long long ttlSeconds);

/// The id of the open request for exactly this start, created when there is none. `summary` is what
/// the approver reads; the request waits `window` for a decision.
std::string requestStartApproval(const std::string &libpqUri, const TaskRequest &request, const std::string &digest,
                                 const std::string &summary, std::chrono::seconds window);

/// Marks approval `id` used for this start and returns who approved it. Refused (TaskError, kind
/// Refused) with a sentence when it is unknown, not a start approval, for another request, still
/// pending, denied, expired or already used.
std::string consumeStartApproval(const std::string &libpqUri, const std::string &id, const TaskRequest &request,
                                 const std::string &digest);

/// Makes a consumed approval usable again: the start it was consumed for failed.
void releaseStartApproval(const std::string &libpqUri, const std::string &id);

} // namespace writ::tasks
