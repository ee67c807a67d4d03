// SPDX-License-Identifier: Apache-2.0
#pragma once

// Internal to writ::identity (never included by a public header): strict JSON parsing for untrusted
// token parts and key files, and safe quoting of untrusted text in messages.

#include "identity/limits.h"
#include "identity/result.h"
#include "identity/time_text.h"

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

namespace writ::identity::detail {

/// Parses `text` as one JSON object. Refuses syntax errors, invalid UTF-8, trailing data, duplicate
/// member names at any depth (RFC 7515 §4, RFC 7519 §4: a parser must reject them or keep only
/// the last, and "keep the last" lets two parsers see two different tokens), and anything over `limits`.
/// `what` names the input in messages ("JWS header", "JWT claims", "JWKS").
Result<nlohmann::json> parseStrictObject(std::string_view text, const TokenLimits &limits, std::string_view what);

/// Untrusted text for a message: quoted, control and non-ASCII bytes escaped, cut at 80 characters.
std::string safeQuote(std::string_view untrusted);

/// The last OpenSSL error as a sentence (and clears the queue, so errors never leak into later calls).
std::string opensslError(std::string_view context);

} // namespace writ::identity::detail
