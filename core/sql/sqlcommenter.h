// SPDX-License-Identifier: Apache-2.0
#pragma once

// sqlcommenter (google.github.io/sqlcommenter): ORMs and tracing libraries append a comment such as
//   SELECT ... /*action='list',traceparent='00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01'*/
// to every statement. The gateway records the W3C trace id as the statement's workflow when the task's
// credential names none, so audit records join the agent's traces. Attribution only: nothing is allowed
// or refused because of it.

#include <optional>
#include <string>
#include <string_view>

namespace writ::sql {

/// The 32-hex trace id of a valid `traceparent` in the statement's trailing sqlcommenter comment;
/// nullopt when there is none or it is malformed (wrong version, lengths, non-hex, all-zero ids).
std::optional<std::string> sqlcommenterTraceId(std::string_view sql);

} // namespace writ::sql
