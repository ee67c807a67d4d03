// SPDX-License-Identifier: Apache-2.0
#pragma once

// Standard base64 (RFC 4648 §4: '+' and '/', padded), the encoding SCRAM uses for salts, proofs and
// signatures. Built on identity/base64url: the same strict decoder, another alphabet and padding.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace writ::gateway::auth {

std::string base64Encode(std::string_view bytes);

/// Refuses characters outside the standard alphabet (also '-', '_' and whitespace), missing or
/// misplaced padding, non-zero unused bits and input decoding to more than `maxDecodedBytes`.
std::optional<std::string> base64Decode(std::string_view text, std::size_t maxDecodedBytes);

} // namespace writ::gateway::auth
