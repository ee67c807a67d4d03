// SPDX-License-Identifier: Apache-2.0
#pragma once

// The gateway's admin API: HTTP+JSON on loopback by default (TLS when configured), every request
// authorized by a bearer token read from a file. Status, Prometheus metrics, live sessions (list,
// kill), tasks (list, complete, revoke), step-up approvals (list, approve, deny) and the audit tail.
// docs/admin-api.md lists every route. Runs on its own threads; blocking state-database calls never
// touch the gateway's I/O threads.

#include <memory>

namespace writ::gateway {

class GatewayContext;

class AdminServer
{
public:
    /// Reads the token file (and sets up the tasks API when configured; `gatewayPort` is where agents
    /// are told to connect unless tasks_api.advertise says otherwise); throws std::runtime_error naming the problem.
    AdminServer(GatewayContext &context, int gatewayPort);
    ~AdminServer();

    /// Binds admin.listen (port 0 picks a free one); throws std::runtime_error when it cannot.
    void bind();
    int port() const;

    /// Serves on a background thread until stop() (or destruction).
    void start();
    void stop();

private:
    struct Impl;
    std::unique_ptr<Impl> d;
};

} // namespace writ::gateway
