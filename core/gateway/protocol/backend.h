// SPDX-License-Identifier: Apache-2.0
#pragma once

// Backend (server -> client) messages: encoders for what the gateway says itself (authentication,
// errors, ready-for-query, ...) and decoders for what it must understand of upstream's answers
// (authentication requests, errors, command tags, key data, parameter status).

#include "gateway/protocol/tags.h"

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace writ::gateway::protocol {

/// Fields of ErrorResponse / NoticeResponse (field codes S V C M D H P ...).
struct ErrorFields
{
    std::string severity = "ERROR"; ///< S and V
    std::string code;               ///< C: SQLSTATE
    std::string message;            ///< M
    std::string detail;             ///< D
    std::string hint;               ///< H
    int position = 0;               ///< P: 1-based character position in the statement, 0 = none
};

void encodeAuthentication(std::vector<std::uint8_t> &out, AuthCode code, std::span<const std::uint8_t> data = {});
void encodeParameterStatus(std::vector<std::uint8_t> &out, std::string_view name, std::string_view value);
void encodeBackendKeyData(std::vector<std::uint8_t> &out, std::int32_t pid, std::int32_t key);
void encodeReadyForQuery(std::vector<std::uint8_t> &out, char status); ///< 'I' idle, 'T' in transaction, 'E' failed
void encodeError(std::vector<std::uint8_t> &out, const ErrorFields &fields);
void encodeNotice(std::vector<std::uint8_t> &out, const ErrorFields &fields);
void encodeCommandComplete(std::vector<std::uint8_t> &out, std::string_view tag);
void encodeEmptyQueryResponse(std::vector<std::uint8_t> &out);
void encodeNegotiateProtocolVersion(std::vector<std::uint8_t> &out, std::int32_t newestMinor,
                                    const std::vector<std::string> &unsupportedOptions);
/// The one-byte answer to SSLRequest / GSSENCRequest ('S' or 'N'); not a framed message.
void encodeSslAnswer(std::vector<std::uint8_t> &out, bool willingToDoTls);

struct AuthenticationRequest
{
    AuthCode code = AuthCode::Ok;
    std::span<const std::uint8_t> data; ///< md5 salt, SASL mechanism list, SASL challenge, ...
};

std::optional<AuthenticationRequest> decodeAuthentication(std::span<const std::uint8_t> body);
std::optional<ErrorFields> decodeError(std::span<const std::uint8_t> body); ///< also NoticeResponse
std::optional<std::pair<std::int32_t, std::int32_t>> decodeBackendKeyData(std::span<const std::uint8_t> body);
std::optional<std::pair<std::string, std::string>> decodeParameterStatus(std::span<const std::uint8_t> body);
std::optional<char> decodeReadyForQuery(std::span<const std::uint8_t> body);
std::optional<std::string_view> decodeCommandComplete(std::span<const std::uint8_t> body);
/// The first column of a DataRow; nullopt when it is NULL or the message is malformed.
std::optional<std::string_view> firstColumnOfDataRow(std::span<const std::uint8_t> body);

/// Rows a command tag reports ("SELECT 5", "INSERT 0 3", "UPDATE 2", "COPY 10"); nullopt for tags without a count.
std::optional<std::int64_t> rowsOfCommandTag(std::string_view tag);

/// SASL mechanism names of an AuthenticationSASL request.
std::vector<std::string> saslMechanisms(std::span<const std::uint8_t> data);

} // namespace writ::gateway::protocol
