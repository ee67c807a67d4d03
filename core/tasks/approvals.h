// SPDX-License-Identifier: Apache-2.0
#pragma once

// Step-up approvals (ARCHITECTURE §6): a statement that needs approval is recorded in
// writ.approval by the gateway; an approver approves or denies it here (from `writ approve|deny`,
// the gateway's admin API or the studio); the agent's retry of the same text then runs once.

#include "tasks/task_manager.h"

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace writ::tasks {

enum class ApprovalState { Pending, Approved, Denied, Used, Expired };

const char *toString(ApprovalState s);

struct ApprovalInfo
{
    std::string id, taskId, agent, taskType, stepUpClass, fingerprint, statement;
    std::string requestedAt, expiresAt, decidedAt, decidedBy, reason, usedAt; ///< ISO 8601 UTC, "" when unset
    ApprovalState state = ApprovalState::Pending;
};

/// Pending approvals (all of them with `includeDecided`), oldest first. An empty list when the
/// runtime schema is not installed.
std::vector<ApprovalInfo> listApprovals(const std::string &libpqUri, bool includeDecided);

struct ApprovalDecision
{
    std::string id;
    bool approve = true;
    std::string decidedBy;                        ///< who decides; "" = the database login
    std::string reason;                           ///< required to deny
    std::chrono::seconds validFor{600};           ///< how long an approval stays usable (capped at the task's expiry)
};

/// Approves or denies a pending approval in one transaction. Refused (TaskError::Kind::Refused)
/// when the id is unknown, the approval is already decided or expired, its task has ended, or a
/// denial has no reason. Returns the approval as decided.
ApprovalInfo decideApproval(const std::string &libpqUri, const ApprovalDecision &decision);

} // namespace writ::tasks
