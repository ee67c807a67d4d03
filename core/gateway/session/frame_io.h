// SPDX-License-Identifier: Apache-2.0
#pragma once

// Reading whole frames from a Stream through a FrameDecoder (session code only: pulls in Asio).

#include "gateway/protocol/frame_decoder.h"
#include "gateway/transport/stream.h"

#include <stdexcept>

namespace writ::gateway {

/// The peer broke the protocol; the message says how (for the log and, where possible, the peer).
class ProtocolViolation : public std::runtime_error
{
public:
    using std::runtime_error::runtime_error;
};

/// What one read asks for at least: a small result in one call, and little memory per idle connection.
inline constexpr std::size_t kReadChunk = 8 * 1024;

/// The next frame when it is already buffered (most messages arrive several to a read): taken without
/// the coroutine frame a call of readFrame allocates. False when readFrame has to wait or report an error.
inline bool takeBufferedFrame(protocol::FrameDecoder &decoder, protocol::Frame &frame)
{
    return decoder.next(frame) == protocol::FrameDecoder::Status::Frame;
}

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
        // Straight into the decoder's buffer: no copy, and no read buffer in this coroutine's frame,
        // which is allocated for every frame read.
        const std::span<std::uint8_t> room = decoder.prepare(kReadChunk);
        const std::size_t n = co_await stream.readSome(room);
        decoder.commit(n);
    }
}

} // namespace writ::gateway
