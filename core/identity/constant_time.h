// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <string_view>

namespace writ::identity {

/// Compares secrets (digests, derived passwords, bearer tokens) in time independent of where they
/// differ (OpenSSL CRYPTO_memcmp). Only the lengths may leak.
bool constantTimeEquals(std::string_view a, std::string_view b);

} // namespace writ::identity
