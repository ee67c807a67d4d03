// SPDX-License-Identifier: Apache-2.0
#include "identity/agent_mapping.h"
#include "identity/json_util.h"

namespace writ::identity {

using detail::safeQuote;

Result<AgentMatch> mapToAgent(const policy::Policy &policy, const VerifiedIdentity &id)
{
    std::vector<AgentMatch> matches;
    for (const policy::Agent &agent : policy.agents) {
        for (std::size_t i = 0; i < agent.identities.size(); ++i) {
            const policy::Identity &pi = agent.identities[i];
            const bool match = id.kind == TrustEntry::Kind::Oidc
                ? pi.kind == policy::Identity::Kind::Oidc && pi.issuer == id.issuer && pi.subject == id.subject
                : pi.kind == policy::Identity::Kind::Spiffe && pi.spiffeId == id.subject;
            if (match) {
                matches.push_back({agent.id, i});
                break;
            }
        }
    }
    const std::string who = id.kind == TrustEntry::Kind::Oidc
        ? "OIDC identity (issuer " + safeQuote(id.issuer) + ", subject " + safeQuote(id.subject) + ")"
        : "SPIFFE ID " + safeQuote(id.subject);
    if (matches.empty())
        return makeError(Reason::NoAgent,
            "the token is valid, but no agent in policy " + safeQuote(policy.name) + " lists " + who
                + "; add it to the agent's identity list");
    if (matches.size() > 1)
        return makeError(Reason::AmbiguousAgent,
            who + " is listed by agents " + safeQuote(matches[0].agentId) + " and " + safeQuote(matches[1].agentId)
                + "; an identity must belong to one agent");
    return matches.front();
}

} // namespace writ::identity
