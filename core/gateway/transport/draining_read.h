// SPDX-License-Identifier: Apache-2.0
#pragma once

// A socket read that tells Asio's reactor when it emptied the socket, so the next read waits for the
// socket to become readable instead of first trying a recv that fails with EAGAIN. Included by
// stream.cpp only: it specializes an Asio internal.
//
// Why: the gateway relays request and answer. Right after it forwards a statement, neither the client
// nor the database has anything more to say, yet Asio 1.22 starts every read with a non-blocking recv
// ("speculative") and only then waits. That recv fails for nearly every statement, on both sockets:
// two system calls per statement out of eight. Asio's epoll reactor already knows how to skip it —
// a read that reports "done and exhausted" turns speculation off for that socket until its next
// readiness event — but its stream receive reports that only at end of stream.
//
// A read that returned less than it asked for took everything the socket held: TCP's recv copies
// until the request is filled or the receive queue is empty. Data that arrives later, or that the
// kernel queued while this recv held the socket, raises a new edge-triggered EPOLLIN, and the
// reactor turns speculation back on when it sees that event, whether or not a read is waiting. So
// reporting a short read as exhausted loses no data and no wake-up; it only skips the recv that
// would have found nothing.

#include <asio/buffer.hpp>
#include <asio/socket_base.hpp>
#include <asio/detail/reactive_socket_recv_op.hpp>
#include <asio/version.hpp>

namespace writ::gateway {

/// One receive buffer, as a buffer sequence of its own type so that its reads can be told apart.
class DrainingBuffer
{
public:
    explicit DrainingBuffer(asio::mutable_buffer buffer) : m_buffer(buffer) {}
    const asio::mutable_buffer *begin() const { return &m_buffer; }
    const asio::mutable_buffer *end() const { return &m_buffer + 1; }

private:
    asio::mutable_buffer m_buffer;
};

} // namespace writ::gateway

// The receive operation's base as Asio 1.22 declares it (detail/reactive_socket_recv_op.hpp), with
// one change: a short read counts as exhausted. Other Asio versions use the stock operation (a
// DrainingBuffer is an ordinary buffer sequence there), which is correct, only one recv dearer.
#if ASIO_VERSION >= 102200 && ASIO_VERSION < 102300 && !defined(ASIO_HAS_IO_URING_AS_DEFAULT) && !defined(_WIN32)
#define WRIT_DRAINING_READ 1

namespace asio::detail {

template <>
class reactive_socket_recv_op_base<writ::gateway::DrainingBuffer> : public reactor_op
{
public:
    reactive_socket_recv_op_base(const asio::error_code &success_ec, socket_type socket, socket_ops::state_type state,
                                 const writ::gateway::DrainingBuffer &buffers, socket_base::message_flags flags,
                                 func_type complete_func)
        : reactor_op(success_ec, &reactive_socket_recv_op_base::do_perform, complete_func)
        , socket_(socket)
        , state_(state)
        , buffer_(*buffers.begin())
        , flags_(flags)
    {
    }

    static status do_perform(reactor_op *base)
    {
        auto *o = static_cast<reactive_socket_recv_op_base *>(base);
        const bool stream = (o->state_ & socket_ops::stream_oriented) != 0;
        if (!socket_ops::non_blocking_recv1(o->socket_, o->buffer_.data(), o->buffer_.size(), o->flags_, stream, o->ec_,
                                            o->bytes_transferred_))
            return not_done; // would block: the reactor waits for readiness
        // Asio itself says exhausted on a stream read of nothing (end of stream or an error).
        if (stream && o->bytes_transferred_ < o->buffer_.size())
            return done_and_exhausted;
        return done;
    }

private:
    socket_type socket_;
    socket_ops::state_type state_;
    asio::mutable_buffer buffer_;
    socket_base::message_flags flags_;
};

} // namespace asio::detail
#endif
