// SPDX-License-Identifier: Apache-2.0
#pragma once

// Internal to the diff: the scopes (relations) of one task type, old against new.

#include "review/policy_diff.h"

#include <string>
#include <vector>

namespace writ::review::detail {

void diffScopes(
    std::vector<Change> &out, const std::string &agent, const policy::TaskType &oldTask, const policy::TaskType &newTask);

/// "select, update on [id, status] where id = $payment_id": a scope on one line.
std::string scopeText(const policy::Scope &scope);

} // namespace writ::review::detail
