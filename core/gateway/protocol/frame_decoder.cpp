// SPDX-License-Identifier: Apache-2.0
#include "gateway/protocol/frame_decoder.h"

#include "gateway/protocol/tags.h"

#include <algorithm>

namespace writ::gateway::protocol {

namespace {

std::uint32_t readLength(const std::uint8_t *p)
{
    return (std::uint32_t(p[0]) << 24) | (std::uint32_t(p[1]) << 16) | (std::uint32_t(p[2]) << 8) | std::uint32_t(p[3]);
}

bool isPrintableTag(char c) { return c >= 0x20 && c < 0x7f; }

/// What an idle connection's buffer keeps after a large message went through.
constexpr std::size_t kKeptBuffer = 64 * 1024;

} // namespace

std::size_t FrameDecoder::stillNeeded() const
{
    const std::size_t available = m_end - m_read;
    const std::size_t header = m_phase == Phase::Startup ? 4 : 5;
    if (available < header)
        return header - available;
    const std::uint8_t *p = m_buffer.data() + m_read;
    std::size_t whole = 0;
    if (m_phase == Phase::Startup) {
        const std::uint32_t length = readLength(p);
        if (length < 8 || length > m_limits.maxStartupPacket)
            return 0; // next() refuses it: room for it would be room for an attacker
        whole = length;
    } else {
        const std::uint32_t length = readLength(p + 1);
        const std::size_t limit = static_cast<char>(p[0]) == fe::CopyData ? m_limits.maxCopyData : m_limits.maxMessage;
        if (length < 4 || length - 4 > limit)
            return 0;
        whole = std::size_t(length) + 1;
    }
    return whole > available ? whole - available : 0;
}

std::span<std::uint8_t> FrameDecoder::prepare(std::size_t minimum)
{
    // Move what is not framed yet to the front once the consumed part is worth reclaiming, so a
    // long-lived session reuses one buffer instead of growing it.
    if (m_read == m_end) {
        m_read = m_end = 0;
        if (m_buffer.size() > kKeptBuffer && minimum <= kKeptBuffer) { // after a large message: give the memory back
            m_buffer.resize(kKeptBuffer);
            m_buffer.shrink_to_fit();
        }
    } else if (m_read > 0 && (m_read > 64 * 1024 || m_buffer.size() - m_end < minimum)) {
        std::copy(m_buffer.begin() + static_cast<std::ptrdiff_t>(m_read), m_buffer.begin() + static_cast<std::ptrdiff_t>(m_end),
                  m_buffer.begin());
        m_end -= m_read;
        m_read = 0;
    }
    const std::size_t want = std::max(minimum, stillNeeded());
    if (m_buffer.size() - m_end < want)
        m_buffer.resize(m_end + want);
    return {m_buffer.data() + m_end, m_buffer.size() - m_end};
}

void FrameDecoder::feed(std::span<const std::uint8_t> bytes)
{
    const auto room = prepare(bytes.size());
    std::copy(bytes.begin(), bytes.end(), room.begin());
    commit(bytes.size());
}

FrameDecoder::Status FrameDecoder::fail(std::string message)
{
    m_error = std::move(message);
    return Status::Error;
}

bool FrameDecoder::hasFrame() const
{
    if (!m_error.empty())
        return true;
    const std::size_t available = m_end - m_read;
    const std::uint8_t *p = m_buffer.data() + m_read;
    const std::size_t header = m_phase == Phase::Startup ? 4 : 5;
    if (available < header)
        return false;
    const std::uint32_t length = readLength(m_phase == Phase::Startup ? p : p + 1);
    return available >= std::size_t(length) + header - 4 || length < 4; // a bad length is an error, ready now
}

FrameDecoder::Status FrameDecoder::next(Frame &out)
{
    if (!m_error.empty())
        return Status::Error; // a broken stream stays broken
    const std::size_t available = m_end - m_read;
    const std::uint8_t *p = m_buffer.data() + m_read;
    if (m_phase == Phase::Startup) {
        if (available < 4)
            return Status::NeedMore;
        const std::uint32_t length = readLength(p);
        if (length < 8 || length > m_limits.maxStartupPacket)
            return fail("invalid startup packet length " + std::to_string(length));
        if (available < length)
            return Status::NeedMore;
        out.tag = 0;
        out.body = {p + 4, length - 4};
        m_read += length;
        return Status::Frame;
    }
    if (available < 5)
        return Status::NeedMore;
    const char tag = static_cast<char>(p[0]);
    const std::uint32_t length = readLength(p + 1);
    if (!isPrintableTag(tag))
        return fail("invalid message type byte " + std::to_string(static_cast<unsigned char>(tag)));
    if (length < 4)
        return fail(std::string("invalid length ") + std::to_string(length) + " of message type '" + tag + "'");
    const std::size_t limit = tag == fe::CopyData ? m_limits.maxCopyData : m_limits.maxMessage;
    if (length - 4 > limit)
        return fail(std::string("message type '") + tag + "' of " + std::to_string(length) + " bytes exceeds the limit of "
                    + std::to_string(limit));
    if (available < std::size_t(length) + 1)
        return Status::NeedMore;
    out.tag = tag;
    out.body = {p + 5, length - 4};
    m_read += std::size_t(length) + 1;
    return Status::Frame;
}

} // namespace writ::gateway::protocol
