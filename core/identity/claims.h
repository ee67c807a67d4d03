// SPDX-License-Identifier: Apache-2.0
#pragma once

// JWT claims (RFC 7519 §4.1) and their validation against a trust entry's rules.

#include "identity/limits.h"
#include "identity/result.h"

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace writ::identity {

/// The time source. Tests inject a fixed clock; production uses the system clock.
using Clock = std::function<std::chrono::system_clock::time_point()>;
Clock systemClock();

inline constexpr std::chrono::seconds kDefaultLeeway {30};
inline constexpr std::chrono::seconds kMaxLeeway {60};

struct Claims
{
    std::string iss;
    std::string sub;
    std::vector<std::string> aud; ///< a single-string aud becomes one element
    std::string jti;
    std::optional<std::int64_t> exp, nbf, iat; ///< NumericDate, seconds since the epoch
    std::map<std::string, std::string> strings; ///< every other top-level claim whose value is a string
    std::string json; ///< the payload exactly as signed

    bool hasAudience(std::string_view a) const;
    /// A string claim other than the registered ones, or "" when absent.
    std::string get(std::string_view name) const;
};

/// Parses a JWT payload: one JSON object, no duplicate names, within `limits`; registered claims with
/// the types RFC 7519 gives them (iss/sub/jti strings, aud a string or an array of strings, exp/nbf/iat
/// numbers). A non-integral NumericDate is truncated towards the past.
Result<Claims> parseClaims(std::string_view payload, const TokenLimits &limits = {});

struct ClaimRules
{
    std::string issuer; ///< empty = not checked (SPIFFE entries without an issuer)
    std::string audience; ///< required: RFC 8725 §3.9 — a token for another service must not work here
    std::chrono::seconds leeway = kDefaultLeeway; ///< clock skew tolerated, at most kMaxLeeway
    std::chrono::seconds maxLifetime = std::chrono::hours(1); ///< exp - iat (or exp - now without iat)
    bool requireIat = false;
};

/// exp is required. Refuses: expired (now >= exp + leeway), not yet valid (now + leeway < nbf), issued in
/// the future (iat > now + leeway), a lifetime above maxLifetime, another issuer, an audience that
/// does not include ours (string or array form).
Status validateClaims(const Claims &claims, const ClaimRules &rules, std::chrono::system_clock::time_point now);

/// Checks leeway (0..60 s) and maxLifetime (> 0) before they are used.
Status checkRules(const ClaimRules &rules);

} // namespace writ::identity
