// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "identity/result.h"

#include <string>
#include <string_view>

namespace writ::identity {

/// spiffe://trust-domain/path, validated by the SPIFFE ID specification's rules: lowercase scheme,
/// trust domain of [a-z0-9.-_], path segments of [A-Za-z0-9.-_] that are neither empty, "." nor "..",
/// no trailing slash, no port, user info, query or fragment, at most 2048 bytes.
struct SpiffeId
{
    std::string trustDomain;
    std::string path; ///< "" or "/a/b"

    std::string toString() const { return "spiffe://" + trustDomain + path; }
    bool operator==(const SpiffeId &) const = default;
};

Result<SpiffeId> parseSpiffeId(std::string_view text);

/// A bare trust domain name ("example.org"), as configured on a SPIFFE trust entry.
bool isValidTrustDomain(std::string_view name);

} // namespace writ::identity
