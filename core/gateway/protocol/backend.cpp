// SPDX-License-Identifier: Apache-2.0
#include "gateway/protocol/backend.h"

#include "gateway/protocol/byte_reader.h"
#include "gateway/protocol/message_builder.h"

#include <charconv>

namespace writ::gateway::protocol {

namespace {

void encodeFields(std::vector<std::uint8_t> &out, char tag, const ErrorFields &f)
{
    MessageBuilder b(out, tag);
    b.byte('S').cstring(f.severity);
    b.byte('V').cstring(f.severity);
    b.byte('C').cstring(f.code.empty() ? "XX000" : f.code);
    b.byte('M').cstring(f.message);
    if (!f.detail.empty())
        b.byte('D').cstring(f.detail);
    if (!f.hint.empty())
        b.byte('H').cstring(f.hint);
    if (f.position > 0)
        b.byte('P').cstring(std::to_string(f.position));
    b.byte(0);
}

} // namespace

void encodeAuthentication(std::vector<std::uint8_t> &out, AuthCode code, std::span<const std::uint8_t> data)
{
    MessageBuilder(out, be::Authentication).int32(static_cast<std::int32_t>(code)).bytes(data);
}

void encodeParameterStatus(std::vector<std::uint8_t> &out, std::string_view name, std::string_view value)
{
    MessageBuilder(out, be::ParameterStatus).cstring(name).cstring(value);
}

void encodeBackendKeyData(std::vector<std::uint8_t> &out, std::int32_t pid, std::int32_t key)
{
    MessageBuilder(out, be::BackendKeyData).int32(pid).int32(key);
}

void encodeReadyForQuery(std::vector<std::uint8_t> &out, char status)
{
    MessageBuilder(out, be::ReadyForQuery).byte(static_cast<std::uint8_t>(status));
}

void encodeError(std::vector<std::uint8_t> &out, const ErrorFields &fields) { encodeFields(out, be::ErrorResponse, fields); }

void encodeNotice(std::vector<std::uint8_t> &out, const ErrorFields &fields) { encodeFields(out, be::NoticeResponse, fields); }

void encodeCommandComplete(std::vector<std::uint8_t> &out, std::string_view tag)
{
    MessageBuilder(out, be::CommandComplete).cstring(tag);
}

void encodeEmptyQueryResponse(std::vector<std::uint8_t> &out) { MessageBuilder(out, be::EmptyQueryResponse); }

void encodeNegotiateProtocolVersion(std::vector<std::uint8_t> &out, std::int32_t newestMinor,
                                    const std::vector<std::string> &unsupportedOptions)
{
    MessageBuilder b(out, be::NegotiateProtocolVersion);
    b.int32(newestMinor).int32(static_cast<std::int32_t>(unsupportedOptions.size()));
    for (const auto &o : unsupportedOptions)
        b.cstring(o);
}

void encodeSslAnswer(std::vector<std::uint8_t> &out, bool willingToDoTls) { out.push_back(willingToDoTls ? 'S' : 'N'); }

std::optional<AuthenticationRequest> decodeAuthentication(std::span<const std::uint8_t> body)
{
    ByteReader r(body);
    AuthenticationRequest a;
    a.code = static_cast<AuthCode>(r.int32());
    a.data = r.rest();
    if (!r.ok())
        return std::nullopt;
    return a;
}

std::optional<ErrorFields> decodeError(std::span<const std::uint8_t> body)
{
    ByteReader r(body);
    ErrorFields f;
    f.severity.clear();
    while (r.ok()) {
        const char field = static_cast<char>(r.byte());
        if (!r.ok())
            return std::nullopt;
        if (field == 0)
            break;
        const std::string_view value = r.cstring();
        switch (field) {
        case 'V': f.severity = value; break;
        case 'S': if (f.severity.empty()) f.severity = value; break;
        case 'C': f.code = value; break;
        case 'M': f.message = value; break;
        case 'D': f.detail = value; break;
        case 'H': f.hint = value; break;
        case 'P': std::from_chars(value.data(), value.data() + value.size(), f.position); break;
        default: break; // other fields (where, schema, table, file, line, ...) are relayed, not needed here
        }
    }
    if (!r.ok() || !r.atEnd())
        return std::nullopt;
    return f;
}

std::optional<std::pair<std::int32_t, std::int32_t>> decodeBackendKeyData(std::span<const std::uint8_t> body)
{
    ByteReader r(body);
    const std::int32_t pid = r.int32();
    const std::int32_t key = r.int32();
    if (!r.ok() || !r.atEnd())
        return std::nullopt;
    return std::pair{pid, key};
}

std::optional<std::pair<std::string, std::string>> decodeParameterStatus(std::span<const std::uint8_t> body)
{
    ByteReader r(body);
    std::pair<std::string, std::string> p{std::string(r.cstring()), ""};
    p.second = r.cstring();
    if (!r.ok() || !r.atEnd())
        return std::nullopt;
    return p;
}

std::optional<char> decodeReadyForQuery(std::span<const std::uint8_t> body)
{
    ByteReader r(body);
    const char status = static_cast<char>(r.byte());
    if (!r.ok() || !r.atEnd() || (status != 'I' && status != 'T' && status != 'E'))
        return std::nullopt;
    return status;
}

std::optional<std::string_view> firstColumnOfDataRow(std::span<const std::uint8_t> body)
{
    // int16 column count, then per column an int32 length (-1 = NULL) and the bytes.
    if (body.size() < 6 || ((body[0] << 8) | body[1]) < 1)
        return std::nullopt;
    const std::int32_t length = static_cast<std::int32_t>((std::uint32_t(body[2]) << 24) | (std::uint32_t(body[3]) << 16)
                                                          | (std::uint32_t(body[4]) << 8) | std::uint32_t(body[5]));
    if (length < 0 || static_cast<std::size_t>(length) > body.size() - 6)
        return std::nullopt;
    return std::string_view(reinterpret_cast<const char *>(body.data() + 6), static_cast<std::size_t>(length));
}

std::optional<std::string_view> decodeCommandComplete(std::span<const std::uint8_t> body)
{
    ByteReader r(body);
    const std::string_view tag = r.cstring();
    if (!r.ok() || !r.atEnd())
        return std::nullopt;
    return tag;
}

std::optional<std::int64_t> rowsOfCommandTag(std::string_view tag)
{
    // The count is the last word for every tag that has one (INSERT carries an oid before it).
    const auto space = tag.rfind(' ');
    if (space == std::string_view::npos)
        return std::nullopt;
    const std::string_view verb = tag.substr(0, tag.find(' '));
    static constexpr std::string_view counted[] = {"SELECT", "INSERT", "UPDATE", "DELETE", "MERGE", "FETCH", "MOVE", "COPY"};
    bool known = false;
    for (const auto v : counted)
        known = known || verb == v;
    if (!known)
        return std::nullopt;
    std::int64_t rows = 0;
    const std::string_view digits = tag.substr(space + 1);
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), rows);
    if (ec != std::errc() || end != digits.data() + digits.size())
        return std::nullopt;
    return rows;
}

std::vector<std::string> saslMechanisms(std::span<const std::uint8_t> data)
{
    std::vector<std::string> out;
    ByteReader r(data);
    while (r.ok() && !r.atEnd()) {
        const std::string_view m = r.cstring();
        if (!r.ok() || m.empty())
            break;
        out.emplace_back(m);
    }
    return out;
}

} // namespace writ::gateway::protocol
