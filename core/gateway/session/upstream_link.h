// SPDX-License-Identifier: Apache-2.0
#pragma once

// The gateway's own connection to PostgreSQL for one client session, logged in as the task's JIT
// role with SCRAM-SHA-256 (session code only: pulls in Asio).

#include "gateway/config/gateway_config.h"
#include "gateway/protocol/backend.h"
#include "gateway/protocol/frame_decoder.h"
#include "gateway/session/session_registry.h"
#include "gateway/transport/stream.h"

#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace writ::gateway {

/// Upstream refused or failed the login; `fields` is what to tell the client.
class UpstreamError : public std::runtime_error
{
public:
    explicit UpstreamError(protocol::ErrorFields f) : std::runtime_error(f.message), fields(std::move(f)) {}
    protocol::ErrorFields fields;
};

struct UpstreamLink
{
    std::unique_ptr<Stream> stream;
    protocol::FrameDecoder decoder{protocol::FrameDecoder::Phase::Messages, {64 * 1024 * 1024, 1024 * 1024 * 1024, 1024 * 1024 * 1024}};
    UpstreamKey key;                                                  ///< BackendKeyData: for cancel requests
    std::vector<std::pair<std::string, std::string>> parameterStatus; ///< relayed to the client at login
    char transactionStatus = 'I';
};

struct UpstreamLogin
{
    std::string role;
    std::string password;
    std::string database;
    std::string applicationName;
};

/// What a simple query on one of the gateway's own links returned.
struct SimpleQueryResult
{
    std::vector<std::string> firstColumn; ///< of every DataRow
    std::string error;                    ///< the first ErrorResponse's message; empty on success
};

/// Sends `sql` as a simple Query on a link no client uses and reads until ReadyForQuery.
asio::awaitable<SimpleQueryResult> runSimpleQuery(UpstreamLink &link, const std::string &sql);

/// Connects, negotiates TLS as the config asks, logs in and reads until the first ReadyForQuery.
asio::awaitable<std::unique_ptr<UpstreamLink>> connectUpstream(const UpstreamConfig &config, const UpstreamLogin &login,
                                                               asio::ssl::context &tls);

/// Sends a CancelRequest for `key` on a fresh connection (fire and forget, as libpq does).
asio::awaitable<void> cancelUpstream(const UpstreamConfig &config, UpstreamKey key);

} // namespace writ::gateway
