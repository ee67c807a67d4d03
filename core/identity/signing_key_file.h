// SPDX-License-Identifier: Apache-2.0
#pragma once

// Reads a private signing key (PEM from `writ keys generate`) and gives it its kid: the one asked
// for, else that of the same public key in the jwks.json beside the file, else its RFC 7638
// thumbprint. Used by `writ task start`, `writ token issue` and the gateway's tasks API.

#include "identity/key.h"

#include <optional>
#include <string>

namespace writ::identity {

struct SigningKeyLoad
{
    std::optional<PrivateKey> key;
    std::string error;       ///< a sentence naming the file, when key is empty
    bool unreadable = false; ///< the file could not be read (rather than parsed)
    std::string warning;     ///< e.g. the file is readable by others
};

SigningKeyLoad loadSigningKeyFile(const std::string &path, const std::string &kid = {});

} // namespace writ::identity
