// SPDX-License-Identifier: Apache-2.0
#pragma once

// Message type bytes and special request codes of PostgreSQL protocol 3.0
// (https://www.postgresql.org/docs/15/protocol-message-formats.html).

#include <cstdint>

namespace writ::gateway::protocol {

inline constexpr std::int32_t kProtocol30 = 196608;      ///< 3 << 16
inline constexpr std::int32_t kCancelRequestCode = 80877102;
inline constexpr std::int32_t kSslRequestCode = 80877103;
inline constexpr std::int32_t kGssEncRequestCode = 80877104;

/// Frontend (client -> server) message types.
namespace fe {
inline constexpr char Bind = 'B';
inline constexpr char Close = 'C';
inline constexpr char CopyData = 'd';
inline constexpr char CopyDone = 'c';
inline constexpr char CopyFail = 'f';
inline constexpr char Describe = 'D';
inline constexpr char Execute = 'E';
inline constexpr char Flush = 'H';
inline constexpr char FunctionCall = 'F';
inline constexpr char Parse = 'P';
inline constexpr char Password = 'p'; ///< also SASLInitialResponse, SASLResponse, GSSResponse
inline constexpr char Query = 'Q';
inline constexpr char Sync = 'S';
inline constexpr char Terminate = 'X';
} // namespace fe

/// Backend (server -> client) message types.
namespace be {
inline constexpr char Authentication = 'R';
inline constexpr char BackendKeyData = 'K';
inline constexpr char BindComplete = '2';
inline constexpr char CloseComplete = '3';
inline constexpr char CommandComplete = 'C';
inline constexpr char CopyData = 'd';
inline constexpr char CopyDone = 'c';
inline constexpr char CopyInResponse = 'G';
inline constexpr char CopyOutResponse = 'H';
inline constexpr char CopyBothResponse = 'W';
inline constexpr char DataRow = 'D';
inline constexpr char EmptyQueryResponse = 'I';
inline constexpr char ErrorResponse = 'E';
inline constexpr char FunctionCallResponse = 'V';
inline constexpr char NegotiateProtocolVersion = 'v';
inline constexpr char NoData = 'n';
inline constexpr char NoticeResponse = 'N';
inline constexpr char NotificationResponse = 'A';
inline constexpr char ParameterDescription = 't';
inline constexpr char ParameterStatus = 'S';
inline constexpr char ParseComplete = '1';
inline constexpr char PortalSuspended = 's';
inline constexpr char ReadyForQuery = 'Z';
inline constexpr char RowDescription = 'T';
} // namespace be

/// Authentication request codes carried by 'R' messages.
enum class AuthCode : std::int32_t {
    Ok = 0,
    CleartextPassword = 3,
    Md5Password = 5,
    Sasl = 10,
    SaslContinue = 11,
    SaslFinal = 12,
};

} // namespace writ::gateway::protocol
