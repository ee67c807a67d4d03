// SPDX-License-Identifier: Apache-2.0
#pragma once

// `writ task start --gateway URL`: asks a gateway's tasks API (POST /v1/tasks) for a task, as the
// agent itself (--identity-token, its OIDC ID token or JWT-SVID) or as an operator (--token-file, the
// admin token). With --wait it waits for a required approval and then starts the task.

#include <chrono>
#include <map>
#include <string>

namespace writ::cli {

struct GatewayTaskStart
{
    std::string gateway, tokenFile, identityTokenFile;
    std::string agent, task, ttl, workflow, approval, approvedBy, format = "text";
    std::map<std::string, std::string> context;
    int connectionLimit = 4;
    std::chrono::seconds wait{0}; ///< 0 = report a required approval and stop
};

/// Prints the task (or the approval to wait for); returns the exit code.
int startTaskViaGateway(const GatewayTaskStart &options);

} // namespace writ::cli
