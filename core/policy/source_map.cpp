// SPDX-License-Identifier: Apache-2.0
#include "policy/source_map.h"

namespace writ::policy {

SourceLocation SourceMap::find(const std::string &path) const
{
    std::string p = path;
    while (true) {
        if (const auto it = positions.find(p); it != positions.end())
            return it->second;
        const auto slash = p.rfind('/');
        if (slash == std::string::npos)
            return {file, 0, 0};
        p.resize(slash);
    }
}

std::string agentPath(const std::string &agent)
{
    return "agents/" + agent;
}

std::string taskPath(const std::string &agent, const std::string &task)
{
    return agentPath(agent) + "/tasks/" + task;
}

std::string scopePath(const std::string &agent, const std::string &task, const std::string &relation)
{
    return taskPath(agent, task) + "/access/" + relation;
}

} // namespace writ::policy
