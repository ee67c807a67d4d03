// SPDX-License-Identifier: Apache-2.0
#include "gateway/session/upstream_link.h"

#include "gateway/auth/scram_client.h"
#include "gateway/protocol/backend.h"
#include "gateway/protocol/frontend.h"
#include "gateway/protocol/tags.h"
#include "gateway/session/frame_io.h"

#include <asio/connect.hpp>
#include <asio/experimental/awaitable_operators.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/steady_timer.hpp>
#include <asio/this_coro.hpp>
#include <asio/use_awaitable.hpp>

namespace writ::gateway {

namespace proto = protocol;
using namespace asio::experimental::awaitable_operators;

namespace {

UpstreamError loginError(std::string message, std::string code = "08006")
{
    proto::ErrorFields f;
    f.severity = "FATAL";
    f.code = std::move(code);
    f.message = "writ: " + std::move(message);
    return UpstreamError(std::move(f));
}

std::string_view text(std::span<const std::uint8_t> bytes)
{
    return {reinterpret_cast<const char *>(bytes.data()), bytes.size()};
}

asio::awaitable<asio::ip::tcp::socket> connectTcp(const UpstreamConfig &config)
{
    auto executor = co_await asio::this_coro::executor;
    asio::ip::tcp::resolver resolver(executor);
    const std::string port = std::to_string(config.port); // named: no temporaries in a co_await (GCC 12)
    const auto endpoints = co_await resolver.async_resolve(config.host, port, asio::use_awaitable);
    asio::ip::tcp::socket socket(executor);
    asio::steady_timer timer(executor, config.connectTimeout);
    const auto result = co_await (asio::async_connect(socket, endpoints, asio::use_awaitable) || timer.async_wait(asio::use_awaitable));
    if (result.index() == 1)
        throw loginError("the database at " + config.host + ":" + std::to_string(config.port) + " did not answer within "
                         + std::to_string(config.connectTimeout.count()) + " s");
    socket.set_option(asio::ip::tcp::no_delay(true));
    co_return socket;
}

/// SSLRequest as sslmode says: require fails without TLS, prefer falls back to plain.
asio::awaitable<void> negotiateTls(Stream &stream, const UpstreamConfig &config, asio::ssl::context &tls)
{
    if (config.sslmode == "disable")
        co_return;
    std::vector<std::uint8_t> request;
    proto::encodeSslRequest(request);
    co_await stream.writeAll(request);
    std::uint8_t answer = 0;
    const std::size_t n = co_await stream.readSome({&answer, 1});
    if (n == 1 && answer == 'S') {
        co_await stream.connectTls(tls, config.host);
        co_return;
    }
    if (n != 1 || answer != 'N')
        throw loginError("the database answered SSLRequest with neither S nor N");
    if (config.sslmode == "require")
        throw loginError("the database does not offer TLS, and upstream.sslmode is require");
}

asio::awaitable<void> authenticate(UpstreamLink &link, const UpstreamLogin &login)
{
    std::unique_ptr<auth::ScramClient> scram;
    for (;;) {
        const proto::Frame frame = co_await readFrame(*link.stream, link.decoder);
        if (frame.tag == proto::be::ErrorResponse) {
            auto error = proto::decodeError(frame.body).value_or(proto::ErrorFields{"FATAL", "08006", "login failed", "", "", 0});
            error.message = "writ: the database refused the task's login: " + error.message;
            throw UpstreamError(error);
        }
        if (frame.tag != proto::be::Authentication)
            throw loginError(std::string("unexpected message '") + frame.tag + "' during login");
        const auto request = proto::decodeAuthentication(frame.body);
        if (!request)
            throw loginError("malformed authentication request from the database");
        std::vector<std::uint8_t> out;
        switch (request->code) {
        case proto::AuthCode::Ok:
            if (scram && !scram->finished())
                throw loginError("the database skipped the end of SCRAM authentication");
            co_return;
        case proto::AuthCode::Sasl: {
            const auto mechanisms = proto::saslMechanisms(request->data);
            if (std::find(mechanisms.begin(), mechanisms.end(), "SCRAM-SHA-256") == mechanisms.end())
                throw loginError("the database offers no SCRAM-SHA-256 login for task roles");
            scram = std::make_unique<auth::ScramClient>(login.password);
            proto::encodeSaslInitialResponse(out, "SCRAM-SHA-256", scram->clientFirst());
            break;
        }
        case proto::AuthCode::SaslContinue: {
            if (!scram)
                throw loginError("SCRAM continue without a start");
            auto final = scram->handleServerFirst(text(request->data));
            if (!final)
                throw loginError("SCRAM: " + final.error());
            proto::encodeSaslResponse(out, final.value());
            break;
        }
        case proto::AuthCode::SaslFinal: {
            if (!scram)
                throw loginError("SCRAM final without a start");
            if (auto ok = scram->handleServerFinal(text(request->data)); !ok)
                throw loginError("SCRAM: " + ok.error() + " — the database could not prove it knows the task's verifier");
            continue;
        }
        default:
            // Cleartext and md5 would hand the derived password to whoever answers: task roles use SCRAM only.
            throw loginError("the database asked for an authentication method other than SCRAM-SHA-256 (code "
                             + std::to_string(static_cast<int>(request->code)) + "); configure scram-sha-256 in pg_hba.conf");
        }
        co_await link.stream->writeAll(out);
    }
}

} // namespace

asio::awaitable<std::unique_ptr<UpstreamLink>> connectUpstream(const UpstreamConfig &config, const UpstreamLogin &login,
                                                               asio::ssl::context &tls)
{
    auto link = std::make_unique<UpstreamLink>();
    asio::ip::tcp::socket socket = co_await connectTcp(config);
    link->stream = std::make_unique<Stream>(std::move(socket));
    co_await negotiateTls(*link->stream, config, tls);
    std::vector<std::uint8_t> startup;
    proto::encodeStartup(startup, {{"user", login.role}, {"database", login.database}, {"application_name", login.applicationName},
                                   {"client_encoding", "UTF8"}});
    co_await link->stream->writeAll(startup);
    co_await authenticate(*link, login);
    // After AuthenticationOk: parameters, key data, then ReadyForQuery (or a FATAL error).
    for (;;) {
        const proto::Frame frame = co_await readFrame(*link->stream, link->decoder);
        switch (frame.tag) {
        case proto::be::ParameterStatus:
            if (auto p = proto::decodeParameterStatus(frame.body))
                link->parameterStatus.push_back(std::move(*p));
            break;
        case proto::be::BackendKeyData:
            if (const auto k = proto::decodeBackendKeyData(frame.body))
                link->key = {k->first, k->second};
            break;
        case proto::be::NoticeResponse:
            break;
        case proto::be::ReadyForQuery:
            link->transactionStatus = proto::decodeReadyForQuery(frame.body).value_or('I');
            co_return link;
        case proto::be::ErrorResponse: {
            auto error = proto::decodeError(frame.body).value_or(proto::ErrorFields{"FATAL", "08006", "login failed", "", "", 0});
            throw UpstreamError(error);
        }
        default:
            throw loginError(std::string("unexpected message '") + frame.tag + "' after login");
        }
    }
}

asio::awaitable<SimpleQueryResult> runSimpleQuery(UpstreamLink &link, const std::string &sql)
{
    std::vector<std::uint8_t> out;
    proto::encodeQuery(out, sql);
    co_await link.stream->writeAll(out);
    SimpleQueryResult result;
    for (;;) {
        const proto::Frame frame = co_await readFrame(*link.stream, link.decoder);
        if (frame.tag == proto::be::DataRow) {
            if (const auto v = proto::firstColumnOfDataRow(frame.body))
                result.firstColumn.emplace_back(*v);
        } else if (frame.tag == proto::be::ErrorResponse && result.error.empty()) {
            result.error = proto::decodeError(frame.body).value_or(proto::ErrorFields{}).message;
            if (result.error.empty())
                result.error = "error";
        } else if (frame.tag == proto::be::ReadyForQuery) {
            link.transactionStatus = proto::decodeReadyForQuery(frame.body).value_or('E');
            co_return result;
        }
    }
}

asio::awaitable<void> cancelUpstream(const UpstreamConfig &config, UpstreamKey key)
{
    try {
        asio::ip::tcp::socket socket = co_await connectTcp(config);
        std::vector<std::uint8_t> request;
        proto::encodeCancelRequest(request, key.pid, key.key);
        Stream stream(std::move(socket));
        co_await stream.writeAll(request);
        // The server closes the connection when done; nothing to read.
    } catch (const std::exception &) {
        // Cancelling is best effort, for the server as for libpq.
    }
}

} // namespace writ::gateway
