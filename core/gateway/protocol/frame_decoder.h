// SPDX-License-Identifier: Apache-2.0
#pragma once

// Incremental framing of a PostgreSQL protocol byte stream: bytes in, whole messages out, nothing
// about sockets. The first packet of a connection has no type byte (startup, SSLRequest,
// GSSENCRequest, CancelRequest); every later one has. Lengths are checked as soon as the 4- or
// 5-byte header has arrived, so a hostile length is refused before anything is buffered for it.

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace writ::gateway::protocol {

struct Frame
{
    char tag = 0;                        ///< 0 for a startup-phase packet
    std::span<const std::uint8_t> body;  ///< after the length word; valid until the next feed() or next()
};

struct FrameLimits
{
    std::size_t maxStartupPacket = 10000;             ///< PostgreSQL's own MAX_STARTUP_PACKET_LENGTH
    std::size_t maxMessage = 1024 * 1024 + 64 * 1024; ///< a 1 MiB statement plus Parse/Bind overhead
    std::size_t maxCopyData = 64 * 1024 * 1024;       ///< one CopyData message
};

class FrameDecoder
{
public:
    enum class Phase { Startup, Messages };
    enum class Status { Frame, NeedMore, Error };

    explicit FrameDecoder(Phase phase = Phase::Startup, FrameLimits limits = {}) : m_phase(phase), m_limits(limits) {}

    void feed(std::span<const std::uint8_t> bytes);
    Status next(Frame &out);

    /// Room to receive into directly, without a copy: at least `minimum` bytes, and at least what the
    /// frame being received still needs when its length is within the limits.
    /// Frames returned earlier stay valid only until the next prepare().
    std::span<std::uint8_t> prepare(std::size_t minimum);
    /// The first `n` bytes of the last prepare()'s room were received.
    void commit(std::size_t n) { m_end += n; }

    /// True when next() would return a frame or an error without more input (callers batch their
    /// writes while this holds).
    bool hasFrame() const;

    /// After the startup packet (and after an SSLRequest answered with a handshake) the stream has type bytes.
    void setPhase(Phase phase) { m_phase = phase; }
    Phase phase() const { return m_phase; }

    const std::string &error() const { return m_error; }
    std::size_t buffered() const { return m_end - m_read; }
    /// Memory the buffer holds (what an idle connection costs).
    std::size_t heldBytes() const { return m_buffer.capacity(); }

    /// Bytes received but not yet framed (e.g. a client that pipelined data after SSLRequest).
    std::span<const std::uint8_t> pending() const { return {m_buffer.data() + m_read, m_end - m_read}; }

private:
    Status fail(std::string message);
    std::size_t stillNeeded() const;

    Phase m_phase;
    FrameLimits m_limits;
    std::vector<std::uint8_t> m_buffer; ///< [m_read, m_end) received and not yet framed; the rest is room
    std::size_t m_read = 0;
    std::size_t m_end = 0;
    std::string m_error;
};

} // namespace writ::gateway::protocol
