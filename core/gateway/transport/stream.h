// SPDX-License-Identifier: Apache-2.0
#pragma once

// A connection's byte stream, plain TCP or TLS over it, behind one interface: the only place in the
// gateway that does socket I/O. Included by session code only (it pulls in Asio).

#include <asio/awaitable.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/ssl.hpp>

#include <memory>
#include <span>
#include <string>

namespace writ::gateway {

/// Hands a socket with nothing pending to `executor`'s I/O thread, keeping the connection. False when
/// it could not move; the socket is then closed.
bool moveSocket(asio::ip::tcp::socket &socket, const asio::any_io_executor &executor);

class Stream
{
public:
    explicit Stream(asio::ip::tcp::socket socket) : m_socket(std::move(socket)) {}

    /// Upgrades to TLS as the server (after answering 'S' to SSLRequest) or as the client (upstream).
    asio::awaitable<void> acceptTls(asio::ssl::context &context);
    asio::awaitable<void> connectTls(asio::ssl::context &context, const std::string &serverName);

    asio::awaitable<std::size_t> readSome(std::span<std::uint8_t> buffer);
    asio::awaitable<void> writeAll(std::span<const std::uint8_t> bytes);

    /// Moves a plain connection to `executor`'s I/O thread (moveSocket), so that a session relays it
    /// on its own thread instead of waking another one for every read. Only between uses (nothing
    /// pending) and only without TLS, whose engine keeps timers on the thread it started on: false
    /// when it stays (TLS: still usable) or when the move failed (then closed).
    bool moveTo(const asio::any_io_executor &executor);

    /// Closes at once; pending reads and writes fail. Safe to call more than once.
    void close();

    bool tls() const { return m_tls != nullptr; }
    bool isOpen() const { return m_socket.is_open(); }
    asio::ip::tcp::socket &socket() { return m_socket; }
    std::string remoteAddress() const; ///< "address:port", or "" when unknown

private:
    /// Sends what the plain socket takes without blocking; the rest is the caller's to wait for.
    std::size_t sendNow(std::span<const std::uint8_t> bytes);

    asio::ip::tcp::socket m_socket;
    std::unique_ptr<asio::ssl::stream<asio::ip::tcp::socket &>> m_tls;
};

} // namespace writ::gateway
