// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "identity/result.h"

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

} // namespace writ::identity
