// SPDX-License-Identifier: Apache-2.0
#include "gateway/transport/stream.h"

#include "gateway/transport/draining_read.h"

#include <asio/read.hpp>
#include <asio/use_awaitable.hpp>
#include <asio/write.hpp>

#include <unistd.h>

namespace writ::gateway {

asio::awaitable<void> Stream::acceptTls(asio::ssl::context &context)
{
    m_tls = std::make_unique<asio::ssl::stream<asio::ip::tcp::socket &>>(m_socket, context);
    co_await m_tls->async_handshake(asio::ssl::stream_base::server, asio::use_awaitable);
}

asio::awaitable<void> Stream::connectTls(asio::ssl::context &context, const std::string &serverName)
{
    m_tls = std::make_unique<asio::ssl::stream<asio::ip::tcp::socket &>>(m_socket, context);
    SSL_set_tlsext_host_name(m_tls->native_handle(), serverName.c_str());
    co_await m_tls->async_handshake(asio::ssl::stream_base::client, asio::use_awaitable);
}

asio::awaitable<std::size_t> Stream::readSome(std::span<std::uint8_t> buffer)
{
    const auto b = asio::buffer(buffer.data(), buffer.size());
    if (m_tls)
        co_return co_await m_tls->async_read_some(b, asio::use_awaitable);
    // Plain TCP: a read that empties the socket lets the next one wait instead of failing a recv first.
    co_return co_await m_socket.async_read_some(DrainingBuffer(b), asio::use_awaitable);
}

asio::awaitable<void> Stream::writeAll(std::span<const std::uint8_t> bytes)
{
    if (m_tls) {
        co_await asio::async_write(*m_tls, asio::buffer(bytes.data(), bytes.size()), asio::use_awaitable);
        co_return;
    }
    // Plain TCP: a statement's messages nearly always fit the socket's send buffer. Sent at once with a
    // non-blocking send, they cost no asynchronous operation and no turn of the I/O loop; only what the
    // socket does not take now waits for it to drain.
    const std::size_t sent = sendNow(bytes);
    if (sent < bytes.size())
        co_await asio::async_write(m_socket, asio::buffer(bytes.data() + sent, bytes.size() - sent), asio::use_awaitable);
}

std::size_t Stream::sendNow(std::span<const std::uint8_t> bytes)
{
    asio::error_code ec;
    if (!m_socket.non_blocking())
        m_socket.non_blocking(true, ec);
    if (ec)
        return 0; // the asynchronous write reports it
    const std::size_t sent = m_socket.write_some(asio::buffer(bytes.data(), bytes.size()), ec);
    return ec ? 0 : sent; // would block, or an error the asynchronous write reports
}

bool moveSocket(asio::ip::tcp::socket &socket, const asio::any_io_executor &executor)
{
    if (socket.get_executor() == executor)
        return true;
    asio::error_code ec;
    const auto protocol = socket.local_endpoint(ec).protocol();
    const auto handle = ec ? -1 : socket.release(ec); // deregisters from the old thread's reactor, keeps the descriptor
    if (ec) {
        socket.close(ec);
        return false;
    }
    asio::ip::tcp::socket moved(executor);
    moved.assign(protocol, handle, ec);
    if (ec) {
        ::close(handle);
        return false;
    }
    socket = std::move(moved);
    return true;
}

bool Stream::moveTo(const asio::any_io_executor &executor)
{
    if (m_tls || !m_socket.is_open())
        return false;
    return moveSocket(m_socket, executor); // on failure closed: the caller connects anew
}

void Stream::close()
{
    asio::error_code ignored;
    m_socket.shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
    m_socket.close(ignored);
}

std::string Stream::remoteAddress() const
{
    asio::error_code ec;
    const auto ep = m_socket.remote_endpoint(ec);
    if (ec)
        return {};
    return ep.address().to_string() + ":" + std::to_string(ep.port());
}

} // namespace writ::gateway
