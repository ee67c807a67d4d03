// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstddef>

namespace writ::identity {

/// Bounds applied to every token before and while it is parsed, so a hostile token costs little to
/// refuse. The defaults fit OIDC ID tokens, SPIFFE JWT-SVIDs and Writ task credentials with room to spare.
struct TokenLimits
{
    std::size_t maxTokenBytes = 16 * 1024; ///< the compact serialization as received
    std::size_t maxHeaderBytes = 2 * 1024; ///< the decoded protected header
    std::size_t maxStringBytes = 1024; ///< every JSON string and member name in header and payload
    std::size_t maxArrayItems = 32; ///< every JSON array (e.g. aud)
    std::size_t maxMembers = 64; ///< members of every JSON object
    std::size_t maxDepth = 4; ///< nesting of objects and arrays (the top-level object is 1)
};

} // namespace writ::identity
