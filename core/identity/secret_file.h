// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "identity/result.h"

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace writ::identity {

/// Creates `path` holding `content` with mode 0600 from its first byte on: written to a fresh temporary
/// file (mkstemp, mode 0600, fchmod against a permissive umask), fsynced, then linked into place —
/// never replacing an existing file — and the directory fsynced. A reader sees no file or the whole one.
Status writeSecretFile(const std::string &path, std::string_view content);

/// Warns when a private key file is readable by group or others (as ssh does), or is not a regular file.
/// Empty when the mode is fine.
std::string secretFileModeProblem(const std::string &path);

struct SecretRead
{
    std::optional<std::string> secret; ///< set on success
    std::string error;                 ///< why not, naming the file and the fix
    std::string warning;               ///< a loose file mode, when not refused
};

/// Reads a secret (key, token, shared secret) from a file: at most `maxBytes`, trailing newlines
/// dropped, at least `minBytes` left. With `refuseLooseMode` a file readable by group or others is
/// refused (servers); without, it is only reported in `warning` (tools that just verify). Rejected
/// contents are wiped from memory.
SecretRead readSecretFile(const std::string &path, std::size_t minBytes, bool refuseLooseMode,
                          std::size_t maxBytes = 64 * 1024);

} // namespace writ::identity
