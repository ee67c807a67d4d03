// SPDX-License-Identifier: Apache-2.0
#pragma once

// The Inspector's edits of agents and task types as pure functions on a Policy value: each returns
// the edited policy, or nullopt when nothing changes. The caller hands it to
// PolicyDocument::replacePolicy(), one undo step each.

#include "policy/policy.h"

#include <optional>
#include <string>

namespace writ::ui::edits {

/// Replaces agent `agentId`'s own fields (id, description, owner, identities); its tasks stay.
std::optional<policy::Policy> replaceAgentFields(
    const policy::Policy &policy, const std::string &agentId, const policy::Agent &fields);

/// Replaces task `taskId` of `agentId` with `task`, keeping its place in the list.
std::optional<policy::Policy> replaceTask(
    const policy::Policy &policy, const std::string &agentId, const std::string &taskId, const policy::TaskType &task);

/// "spiffe://td/path" or "oidc ISSUER SUBJECT", each optionally followed by "from CIDR[,CIDR...]";
/// nullopt when the line is neither.
std::optional<policy::Identity> parseIdentityLine(const std::string &line);
std::string formatIdentityLine(const policy::Identity &identity);

} // namespace writ::ui::edits
