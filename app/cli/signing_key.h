// SPDX-License-Identifier: Apache-2.0
#pragma once

// Reads a private signing key (PEM from `writ keys generate`) and gives it its kid: the one asked
// for, else that of the same public key in the jwks.json beside the file, else its RFC 7638 thumbprint.

#include "identity/key.h"

#include <optional>
#include <string>

namespace writ::cli {

/// nullopt with `error` set (a sentence) and `exitCode` (ExitEnvironment / ExitDiagnostics) on failure.
std::optional<identity::PrivateKey> loadSigningKey(const std::string &path, const std::string &kid, std::string &error,
                                                   int &exitCode);

} // namespace writ::cli
