// SPDX-License-Identifier: Apache-2.0
#pragma once

// The CLI side of identity::loadSigningKeyFile: prints its warning and maps failures to exit codes.

#include "identity/key.h"

#include <optional>
#include <string>

namespace writ::cli {

/// nullopt with `error` set (a sentence) and `exitCode` (ExitEnvironment / ExitDiagnostics) on failure.
std::optional<identity::PrivateKey> loadSigningKey(const std::string &path, const std::string &kid, std::string &error,
                                                   int &exitCode);

} // namespace writ::cli
