// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <string>

namespace writ::identity {

/// "3m 12s", "1h 0m 5s", "0s" (the sign is dropped) — for expiry messages.
std::string humanDuration(long long seconds);

/// RFC 3339 UTC, e.g. 2024-05-01T12:00:00Z; the bare number when out of range.
std::string formatUtc(long long unixSeconds);

} // namespace writ::identity
