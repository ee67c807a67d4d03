// SPDX-License-Identifier: Apache-2.0
#pragma once

// Reading whole frames from a Stream through a FrameDecoder (session code only: pulls in Asio).

#include "gateway/protocol/frame_decoder.h"
#include "gateway/transport/stream.h"

#include <array>
#include <stdexcept>

namespace writ::gateway {

/// The peer broke the protocol; the message says how (for the log and, where possible, the peer).
class ProtocolViolation : public std::runtime_error
{
public:
    using std::runtime_error::runtime_error;
};

/// Waits for the next whole frame. Throws ProtocolViolation on a framing error and asio's
/// system_error when the connection ends.
inline asio::awaitable<protocol::Frame> readFrame(Stream &stream, protocol::FrameDecoder &decoder)
{
    protocol::Frame frame;
    for (;;) {
        switch (decoder.next(frame)) {
        case protocol::FrameDecoder::Status::Frame:
            co_return frame;
        case protocol::FrameDecoder::Status::Error:
            throw ProtocolViolation(decoder.error());
        case protocol::FrameDecoder::Status::NeedMore:
            break;
        }
        std::array<std::uint8_t, 16384> buffer;
        const std::size_t n = co_await stream.readSome(buffer);
        decoder.feed({buffer.data(), n});
    }
}

} // namespace writ::gateway
