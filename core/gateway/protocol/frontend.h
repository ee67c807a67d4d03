// SPDX-License-Identifier: Apache-2.0
#pragma once

// Frontend (client -> server) messages decoded from frame bodies, and encoded for the upstream
// connection. Decoders return nullopt for a malformed body (missing terminator, counts that do not
// fit, trailing bytes); views point into the frame body.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace writ::gateway::protocol {

struct StartupPacket
{
    enum class Kind { Startup, SslRequest, GssEncRequest, CancelRequest };
    Kind kind = Kind::Startup;
    std::int32_t version = 0;                                     ///< Startup: requested protocol version
    std::vector<std::pair<std::string, std::string>> parameters;  ///< Startup: user, database, options, ...
    std::int32_t cancelPid = 0;                                   ///< CancelRequest
    std::int32_t cancelKey = 0;

    std::string parameter(std::string_view name) const;
};

/// Decodes the first packet of a connection; nullopt when malformed. A protocol major version
/// other than 3 comes back as Kind::Startup with that version: the caller refuses it with a message.
std::optional<StartupPacket> decodeStartup(std::span<const std::uint8_t> body);

struct QueryMessage { std::string_view sql; };
struct ParseMessage
{
    std::string_view name;
    std::string_view sql;
    std::vector<std::int32_t> parameterTypes;
};
struct BindMessage
{
    std::string_view portal;
    std::string_view statement;
    std::vector<std::int16_t> parameterFormats;
    std::vector<std::optional<std::span<const std::uint8_t>>> parameters; ///< nullopt = SQL NULL
    std::vector<std::int16_t> resultFormats;
};
struct DescribeMessage { char kind = 'S'; std::string_view name; }; ///< kind 'S' statement, 'P' portal
struct CloseMessage { char kind = 'S'; std::string_view name; };
struct ExecuteMessage { std::string_view portal; std::int32_t maxRows = 0; };
struct PasswordMessage { std::string_view password; };
struct CopyFailMessage { std::string_view reason; };

std::optional<QueryMessage> decodeQuery(std::span<const std::uint8_t> body);
std::optional<ParseMessage> decodeParse(std::span<const std::uint8_t> body);
std::optional<BindMessage> decodeBind(std::span<const std::uint8_t> body);
/// What a relay needs of a Bind: the names, after the whole message is checked exactly as decodeBind
/// checks it, but without collecting its formats and values (nothing allocated).
struct BindTarget { std::string_view portal; std::string_view statement; };
std::optional<BindTarget> decodeBindTarget(std::span<const std::uint8_t> body);
std::optional<DescribeMessage> decodeDescribe(std::span<const std::uint8_t> body);
std::optional<CloseMessage> decodeClose(std::span<const std::uint8_t> body);
std::optional<ExecuteMessage> decodeExecute(std::span<const std::uint8_t> body);
std::optional<PasswordMessage> decodePassword(std::span<const std::uint8_t> body);
std::optional<CopyFailMessage> decodeCopyFail(std::span<const std::uint8_t> body);

// Encoders for the gateway's own upstream connection. Each appends one whole message to `out`.
void encodeStartup(std::vector<std::uint8_t> &out, const std::vector<std::pair<std::string, std::string>> &parameters);
void encodeCancelRequest(std::vector<std::uint8_t> &out, std::int32_t pid, std::int32_t key);
void encodeSslRequest(std::vector<std::uint8_t> &out);
void encodeQuery(std::vector<std::uint8_t> &out, std::string_view sql);
void encodeParse(std::vector<std::uint8_t> &out, std::string_view name, std::string_view sql, const std::vector<std::int32_t> &parameterTypes = {});
void encodePassword(std::vector<std::uint8_t> &out, std::string_view password);
void encodeSaslInitialResponse(std::vector<std::uint8_t> &out, std::string_view mechanism, std::string_view data);
void encodeSaslResponse(std::vector<std::uint8_t> &out, std::string_view data);
void encodeSync(std::vector<std::uint8_t> &out);
void encodeTerminate(std::vector<std::uint8_t> &out);
/// A message exactly as received (tag + body), e.g. to relay it upstream.
void encodeRaw(std::vector<std::uint8_t> &out, char tag, std::span<const std::uint8_t> body);

} // namespace writ::gateway::protocol
