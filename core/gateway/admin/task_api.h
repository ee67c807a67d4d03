// SPDX-License-Identifier: Apache-2.0
#pragma once

// The tasks API for agents (the `tasks_api` configuration section): POST /v1/tasks on the admin
// API's listener. An agent authenticates with its workload identity token (an OIDC ID token or a
// SPIFFE JWT-SVID from an issuer in tasks_api.trust), names a task type of its own and the task's
// context, and receives a task credential and where to connect. A task type with `approval: required`
// answers 202 with an approval id until a person approves that exact request. The admin token may
// start a task for any agent (for tests and the studio). docs/admin-api.md has the wire format.

#include <functional>
#include <memory>
#include <string>

namespace httplib {
class Server;
}

namespace writ::gateway {

class GatewayContext;

class TaskApi
{
public:
    /// Loads the trust entries' keys and the credential key, and checks that the gateway itself
    /// accepts the credentials it would hand out. Throws std::runtime_error naming the problem.
    TaskApi(GatewayContext &context, int gatewayPort);
    ~TaskApi();

    /// `isAdminToken` tells whether a bearer token is the admin API's own token.
    void registerRoutes(httplib::Server &http, std::function<bool(const std::string &bearer)> isAdminToken);

private:
    struct Impl;
    std::unique_ptr<Impl> d;
};

} // namespace writ::gateway
