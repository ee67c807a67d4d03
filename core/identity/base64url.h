// SPDX-License-Identifier: Apache-2.0
#pragma once

// Base64url as JWS uses it (RFC 7515 §2 and appendix C): the URL-safe alphabet, no padding, and —
// stricter than most decoders — canonical only: unused trailing bits must be zero, so every byte string
// has exactly one accepted encoding and a token cannot be altered without changing its signing input.

#include "identity/result.h"

#include <cstddef>
#include <limits>
#include <string>
#include <string_view>

namespace writ::identity {

std::string base64urlEncode(std::string_view bytes);

/// Refuses padding, whitespace, characters outside [A-Za-z0-9_-], a length of 4n+1, non-zero
/// trailing bits, and input that would decode to more than `maxDecodedBytes`.
Result<std::string> base64urlDecode(std::string_view text, std::size_t maxDecodedBytes = std::numeric_limits<std::size_t>::max());

} // namespace writ::identity
