// SPDX-License-Identifier: Apache-2.0
#pragma once

// From a verified workload identity to the policy agent it speaks for, by the identities the policy
// lists on each agent (`identity: [{oidc: {issuer, subject}} | {spiffe: ID}]`).

#include "identity/result.h"
#include "identity/verifier.h"
#include "policy/policy.h"

#include <string>

namespace writ::identity {

struct AgentMatch
{
    std::string agentId;
    std::size_t identityIndex = 0; ///< which of the agent's identities matched
};

/// Exact matches only: OIDC on (issuer, subject), SPIFFE on the full SPIFFE ID. No agent → identity.no-agent;
/// two agents claiming the same identity → identity.ambiguous-agent (never "the first one wins").
Result<AgentMatch> mapToAgent(const policy::Policy &policy, const VerifiedIdentity &identity);

} // namespace writ::identity
