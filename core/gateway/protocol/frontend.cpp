// SPDX-License-Identifier: Apache-2.0
#include "gateway/protocol/frontend.h"

#include "gateway/protocol/byte_reader.h"
#include "gateway/protocol/message_builder.h"
#include "gateway/protocol/tags.h"

namespace writ::gateway::protocol {

namespace {

/// A decoded value counts only when the body held exactly it: no missing bytes, none left over.
template <typename T>
std::optional<T> whole(const ByteReader &r, T value)
{
    if (!r.ok() || !r.atEnd())
        return std::nullopt;
    return value;
}

bool validKind(char k) { return k == 'S' || k == 'P'; }

} // namespace

std::string StartupPacket::parameter(std::string_view name) const
{
    for (const auto &[k, v] : parameters)
        if (k == name)
            return v;
    return {};
}

std::optional<StartupPacket> decodeStartup(std::span<const std::uint8_t> body)
{
    ByteReader r(body);
    StartupPacket p;
    const std::int32_t code = r.int32();
    if (!r.ok())
        return std::nullopt;
    switch (code) {
    case kSslRequestCode:
        p.kind = StartupPacket::Kind::SslRequest;
        return whole(r, p);
    case kGssEncRequestCode:
        p.kind = StartupPacket::Kind::GssEncRequest;
        return whole(r, p);
    case kCancelRequestCode:
        p.kind = StartupPacket::Kind::CancelRequest;
        p.cancelPid = r.int32();
        p.cancelKey = r.int32();
        return whole(r, p);
    default:
        break;
    }
    p.kind = StartupPacket::Kind::Startup;
    p.version = code;
    if ((code >> 16) != 3)
        return p; // the caller answers with an error naming the version
    // name\0value\0 ... \0
    while (r.ok()) {
        const std::string_view name = r.cstring();
        if (!r.ok())
            return std::nullopt;
        if (name.empty())
            break;
        const std::string_view value = r.cstring();
        if (!r.ok() || p.parameters.size() >= 64)
            return std::nullopt;
        p.parameters.emplace_back(std::string(name), std::string(value));
    }
    return whole(r, p);
}

std::optional<QueryMessage> decodeQuery(std::span<const std::uint8_t> body)
{
    ByteReader r(body);
    QueryMessage m{r.cstring()};
    return whole(r, m);
}

std::optional<ParseMessage> decodeParse(std::span<const std::uint8_t> body)
{
    ByteReader r(body);
    ParseMessage m;
    m.name = r.cstring();
    m.sql = r.cstring();
    const std::int16_t count = r.int16();
    if (!r.ok() || count < 0 || static_cast<std::size_t>(count) * 4 > r.remaining())
        return std::nullopt;
    m.parameterTypes.reserve(static_cast<std::size_t>(count));
    for (int i = 0; i < count; ++i)
        m.parameterTypes.push_back(r.int32());
    return whole(r, std::move(m));
}

namespace {

/// Bind, checked whole; its formats and values are collected only when `Collect`.
template<bool Collect>
std::optional<BindMessage> readBind(std::span<const std::uint8_t> body)
{
    ByteReader r(body);
    BindMessage m;
    m.portal = r.cstring();
    m.statement = r.cstring();
    // Every count is checked against the bytes left before anything is reserved for it.
    const std::int16_t formats = r.int16();
    if (!r.ok() || formats < 0 || static_cast<std::size_t>(formats) * 2 > r.remaining())
        return std::nullopt;
    for (int i = 0; i < formats; ++i) {
        const std::int16_t format = r.int16();
        if constexpr (Collect)
            m.parameterFormats.push_back(format);
    }
    const std::int16_t params = r.int16();
    if (!r.ok() || params < 0 || static_cast<std::size_t>(params) * 4 > r.remaining())
        return std::nullopt;
    if constexpr (Collect)
        m.parameters.reserve(static_cast<std::size_t>(params));
    for (int i = 0; i < params; ++i) {
        const std::int32_t length = r.int32();
        if (length == -1) {
            if constexpr (Collect)
                m.parameters.emplace_back(std::nullopt);
            continue;
        }
        if (length < 0 || static_cast<std::size_t>(length) > r.remaining())
            return std::nullopt;
        const auto value = r.bytes(static_cast<std::size_t>(length));
        if constexpr (Collect)
            m.parameters.emplace_back(value);
    }
    const std::int16_t results = r.int16();
    if (!r.ok() || results < 0 || static_cast<std::size_t>(results) * 2 > r.remaining())
        return std::nullopt;
    for (int i = 0; i < results; ++i) {
        const std::int16_t format = r.int16();
        if constexpr (Collect)
            m.resultFormats.push_back(format);
    }
    return whole(r, std::move(m));
}

} // namespace

std::optional<BindMessage> decodeBind(std::span<const std::uint8_t> body) { return readBind<true>(body); }

std::optional<BindTarget> decodeBindTarget(std::span<const std::uint8_t> body)
{
    const auto m = readBind<false>(body);
    if (!m)
        return std::nullopt;
    return BindTarget{m->portal, m->statement};
}

std::optional<DescribeMessage> decodeDescribe(std::span<const std::uint8_t> body)
{
    ByteReader r(body);
    DescribeMessage m;
    m.kind = static_cast<char>(r.byte());
    m.name = r.cstring();
    if (!validKind(m.kind))
        return std::nullopt;
    return whole(r, m);
}

std::optional<CloseMessage> decodeClose(std::span<const std::uint8_t> body)
{
    ByteReader r(body);
    CloseMessage m;
    m.kind = static_cast<char>(r.byte());
    m.name = r.cstring();
    if (!validKind(m.kind))
        return std::nullopt;
    return whole(r, m);
}

std::optional<ExecuteMessage> decodeExecute(std::span<const std::uint8_t> body)
{
    ByteReader r(body);
    ExecuteMessage m;
    m.portal = r.cstring();
    m.maxRows = r.int32();
    return whole(r, m);
}

std::optional<PasswordMessage> decodePassword(std::span<const std::uint8_t> body)
{
    ByteReader r(body);
    PasswordMessage m{r.cstring()};
    return whole(r, m);
}

std::optional<CopyFailMessage> decodeCopyFail(std::span<const std::uint8_t> body)
{
    ByteReader r(body);
    CopyFailMessage m{r.cstring()};
    return whole(r, m);
}

void encodeStartup(std::vector<std::uint8_t> &out, const std::vector<std::pair<std::string, std::string>> &parameters)
{
    MessageBuilder b(out, 0);
    b.int32(kProtocol30);
    for (const auto &[k, v] : parameters)
        b.cstring(k).cstring(v);
    b.byte(0);
}

void encodeCancelRequest(std::vector<std::uint8_t> &out, std::int32_t pid, std::int32_t key)
{
    MessageBuilder(out, 0).int32(kCancelRequestCode).int32(pid).int32(key);
}

void encodeSslRequest(std::vector<std::uint8_t> &out) { MessageBuilder(out, 0).int32(kSslRequestCode); }

void encodeQuery(std::vector<std::uint8_t> &out, std::string_view sql) { MessageBuilder(out, fe::Query).cstring(sql); }

void encodeParse(std::vector<std::uint8_t> &out, std::string_view name, std::string_view sql, const std::vector<std::int32_t> &parameterTypes)
{
    MessageBuilder b(out, fe::Parse);
    b.cstring(name).cstring(sql).int16(static_cast<std::int16_t>(parameterTypes.size()));
    for (const std::int32_t type : parameterTypes)
        b.int32(type);
}

void encodePassword(std::vector<std::uint8_t> &out, std::string_view password)
{
    MessageBuilder(out, fe::Password).cstring(password);
}

void encodeSaslInitialResponse(std::vector<std::uint8_t> &out, std::string_view mechanism, std::string_view data)
{
    MessageBuilder(out, fe::Password).cstring(mechanism).int32(static_cast<std::int32_t>(data.size())).bytes(data);
}

void encodeSaslResponse(std::vector<std::uint8_t> &out, std::string_view data) { MessageBuilder(out, fe::Password).bytes(data); }

void encodeSync(std::vector<std::uint8_t> &out) { MessageBuilder(out, fe::Sync); }

void encodeTerminate(std::vector<std::uint8_t> &out) { MessageBuilder(out, fe::Terminate); }

void encodeRaw(std::vector<std::uint8_t> &out, char tag, std::span<const std::uint8_t> body)
{
    MessageBuilder(out, tag).bytes(body);
}

} // namespace writ::gateway::protocol
