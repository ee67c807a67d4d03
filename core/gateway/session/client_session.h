// SPDX-License-Identifier: Apache-2.0
#pragma once

// One client connection, from its first byte to its last: startup (TLS, cancel requests), task
// authentication, the upstream login as the task's JIT role, then two loops — client to upstream,
// where every statement is decided, and upstream to client, where answers are filtered and audited.
// A session runs on one io_context thread; a broken or hostile client ends only its own session.

#include "gateway/session/session_registry.h"

#include <asio/awaitable.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/ssl/context.hpp>

#include <memory>
#include <string>

namespace writ::gateway {

class GatewayContext;

class ClientSession : public SessionHandle, public std::enable_shared_from_this<ClientSession>
{
public:
    /// `serverTls` is null when the gateway offers no TLS.
    ClientSession(GatewayContext &context, asio::ip::tcp::socket socket, std::shared_ptr<asio::ssl::context> serverTls,
                  asio::ssl::context &upstreamTls);
    ~ClientSession() override;

    asio::awaitable<void> run();
    void terminate(const std::string &reason) override;

private:
    struct Impl;
    std::unique_ptr<Impl> d;
};

} // namespace writ::gateway
