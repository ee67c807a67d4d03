// SPDX-License-Identifier: Apache-2.0
#include "ui/commands/agent_edits.h"

#include <sstream>

namespace writ::ui::edits {

std::optional<policy::Policy> replaceAgentFields(
    const policy::Policy &policy, const std::string &agentId, const policy::Agent &fields)
{
    policy::Policy edited = policy;
    for (policy::Agent &a : edited.agents) {
        if (a.id != agentId)
            continue;
        policy::Agent next = fields;
        next.tasks = a.tasks;
        if (next == a)
            return std::nullopt;
        a = std::move(next);
        return edited;
    }
    return std::nullopt;
}

std::optional<policy::Policy> replaceTask(
    const policy::Policy &policy, const std::string &agentId, const std::string &taskId, const policy::TaskType &task)
{
    policy::Policy edited = policy;
    for (policy::Agent &a : edited.agents) {
        if (a.id != agentId)
            continue;
        for (policy::TaskType &t : a.tasks) {
            if (t.id != taskId)
                continue;
            if (t == task)
                return std::nullopt;
            t = task;
            return edited;
        }
    }
    return std::nullopt;
}

std::optional<policy::Identity> parseIdentityLine(const std::string &line)
{
    std::istringstream in(line);
    std::string first;
    if (!(in >> first))
        return std::nullopt;
    policy::Identity identity;
    if (first.rfind("spiffe://", 0) == 0) {
        identity.kind = policy::Identity::Kind::Spiffe;
        identity.spiffeId = first;
    } else if (first == "oidc") {
        identity.kind = policy::Identity::Kind::Oidc;
        if (!(in >> identity.issuer >> identity.subject))
            return std::nullopt;
    } else {
        return std::nullopt;
    }
    std::string word;
    if (in >> word) {
        std::string ranges;
        if (word != "from" || !(in >> ranges))
            return std::nullopt;
        std::istringstream list(ranges);
        for (std::string cidr; std::getline(list, cidr, ',');) {
            if (!cidr.empty())
                identity.network.push_back(cidr);
        }
    }
    return identity;
}

std::string formatIdentityLine(const policy::Identity &identity)
{
    std::string line = identity.kind == policy::Identity::Kind::Spiffe ? identity.spiffeId
                                                                       : "oidc " + identity.issuer + " " + identity.subject;
    if (!identity.network.empty()) {
        line += " from ";
        for (std::size_t i = 0; i < identity.network.size(); ++i)
            line += (i ? "," : "") + identity.network[i];
    }
    return line;
}

} // namespace writ::ui::edits
