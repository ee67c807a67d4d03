// SPDX-License-Identifier: Apache-2.0
#pragma once

// The gateway process: one io_context per worker thread, an acceptor handing connections to them in
// turn, and a watcher that ends the sessions of revoked or expired tasks (within a second, on every
// gateway instance, since the state lives in PostgreSQL) and picks up newly deployed policies.

#include <memory>

namespace writ::gateway {

class GatewayContext;

class GatewayServer
{
public:
    explicit GatewayServer(GatewayContext &context);
    ~GatewayServer();

    /// Binds the listen address (port 0 picks a free one). Throws std::runtime_error when it cannot.
    void bind();
    int port() const;

    /// Serves until stop() or SIGINT/SIGTERM; returns then.
    void run();
    void stop();

private:
    struct Impl;
    std::unique_ptr<Impl> d;
};

} // namespace writ::gateway
