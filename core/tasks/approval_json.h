// SPDX-License-Identifier: Apache-2.0
#pragma once

// An approval as JSON, the same for `writ approvals --format json` and the gateway's admin API
// (docs/admin-api.md#approvals). A header of its own so that approvals.h stays free of nlohmann-json.

#include "tasks/approvals.h"

#include <nlohmann/json.hpp>

namespace writ::tasks {

inline nlohmann::json approvalToJson(const ApprovalInfo &a)
{
    return {{"id", a.id}, {"task", a.taskId}, {"agent", a.agent}, {"task_type", a.taskType}, {"class", a.stepUpClass},
            {"fingerprint", a.fingerprint}, {"statement", a.statement}, {"state", toString(a.state)},
            {"requested_at", a.requestedAt}, {"expires_at", a.expiresAt}, {"decided_at", a.decidedAt},
            {"decided_by", a.decidedBy}, {"reason", a.reason}, {"used_at", a.usedAt}};
}

} // namespace writ::tasks
