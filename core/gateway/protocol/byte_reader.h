// SPDX-License-Identifier: Apache-2.0
#pragma once

// Bounds-checked reads from one message body. Every read either succeeds or marks the reader
// failed and returns an empty value; callers check ok() once at the end, so a hostile length or a
// missing terminator can never read past the buffer.

#include <cstdint>
#include <cstring>
#include <span>
#include <string_view>

namespace writ::gateway::protocol {

class ByteReader
{
public:
    explicit ByteReader(std::span<const std::uint8_t> bytes) : m_bytes(bytes) {}

    bool ok() const { return !m_failed; }
    bool atEnd() const { return m_pos == m_bytes.size(); }
    std::size_t remaining() const { return m_bytes.size() - m_pos; }

    std::uint8_t byte()
    {
        if (!need(1))
            return 0;
        return m_bytes[m_pos++];
    }

    std::int16_t int16()
    {
        if (!need(2))
            return 0;
        const auto v = static_cast<std::int16_t>((m_bytes[m_pos] << 8) | m_bytes[m_pos + 1]);
        m_pos += 2;
        return v;
    }

    std::int32_t int32()
    {
        if (!need(4))
            return 0;
        const std::uint32_t v = (std::uint32_t(m_bytes[m_pos]) << 24) | (std::uint32_t(m_bytes[m_pos + 1]) << 16)
                                | (std::uint32_t(m_bytes[m_pos + 2]) << 8) | std::uint32_t(m_bytes[m_pos + 3]);
        m_pos += 4;
        return static_cast<std::int32_t>(v);
    }

    /// A NUL-terminated string (the NUL is consumed, not returned).
    std::string_view cstring()
    {
        if (m_failed)
            return {};
        const void *nul = std::memchr(m_bytes.data() + m_pos, 0, m_bytes.size() - m_pos);
        if (!nul) {
            m_failed = true;
            return {};
        }
        const auto end = static_cast<std::size_t>(static_cast<const std::uint8_t *>(nul) - m_bytes.data());
        std::string_view s(reinterpret_cast<const char *>(m_bytes.data() + m_pos), end - m_pos);
        m_pos = end + 1;
        return s;
    }

    std::span<const std::uint8_t> bytes(std::size_t n)
    {
        if (!need(n))
            return {};
        auto s = m_bytes.subspan(m_pos, n);
        m_pos += n;
        return s;
    }

    std::span<const std::uint8_t> rest() { return bytes(remaining()); }

private:
    bool need(std::size_t n)
    {
        if (m_failed || m_bytes.size() - m_pos < n) {
            m_failed = true;
            return false;
        }
        return true;
    }

    std::span<const std::uint8_t> m_bytes;
    std::size_t m_pos = 0;
    bool m_failed = false;
};

} // namespace writ::gateway::protocol
