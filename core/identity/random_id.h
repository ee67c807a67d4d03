// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "identity/result.h"

#include <cstddef>
#include <string>

namespace writ::identity {

/// `bytes` from OpenSSL's CSPRNG, base64url-encoded (16 bytes = 22 characters): jti values, task ids.
Result<std::string> randomId(std::size_t bytes = 16);

} // namespace writ::identity
