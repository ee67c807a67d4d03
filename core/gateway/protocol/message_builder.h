// SPDX-License-Identifier: Apache-2.0
#pragma once

// Appends one protocol message to a byte vector and fills in its length word when done.

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace writ::gateway::protocol {

class MessageBuilder
{
public:
    /// tag 0 = a startup-phase packet (no type byte).
    MessageBuilder(std::vector<std::uint8_t> &out, char tag) : m_out(out)
    {
        if (tag)
            m_out.push_back(static_cast<std::uint8_t>(tag));
        m_lengthAt = m_out.size();
        int32(0);
    }
    ~MessageBuilder()
    {
        const auto length = static_cast<std::uint32_t>(m_out.size() - m_lengthAt);
        for (int i = 0; i < 4; ++i)
            m_out[m_lengthAt + static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(length >> (24 - 8 * i));
    }
    MessageBuilder(const MessageBuilder &) = delete;
    MessageBuilder &operator=(const MessageBuilder &) = delete;

    MessageBuilder &byte(std::uint8_t b) { m_out.push_back(b); return *this; }
    MessageBuilder &int16(std::int16_t v)
    {
        m_out.push_back(static_cast<std::uint8_t>((v >> 8) & 0xff));
        m_out.push_back(static_cast<std::uint8_t>(v & 0xff));
        return *this;
    }
    MessageBuilder &int32(std::int32_t v)
    {
        const auto u = static_cast<std::uint32_t>(v);
        for (int shift = 24; shift >= 0; shift -= 8)
            m_out.push_back(static_cast<std::uint8_t>((u >> shift) & 0xff));
        return *this;
    }
    /// Text plus its NUL terminator. Embedded NULs would corrupt the framing: they are cut there.
    MessageBuilder &cstring(std::string_view s)
    {
        const auto nul = s.find('\0');
        if (nul != std::string_view::npos)
            s = s.substr(0, nul);
        m_out.insert(m_out.end(), s.begin(), s.end());
        m_out.push_back(0);
        return *this;
    }
    MessageBuilder &bytes(std::span<const std::uint8_t> b)
    {
        m_out.insert(m_out.end(), b.begin(), b.end());
        return *this;
    }
    MessageBuilder &bytes(std::string_view b)
    {
        m_out.insert(m_out.end(), b.begin(), b.end());
        return *this;
    }

private:
    std::vector<std::uint8_t> &m_out;
    std::size_t m_lengthAt = 0;
};

} // namespace writ::gateway::protocol
