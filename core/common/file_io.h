// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstddef>
#include <optional>
#include <string>

namespace writ {

/// Reads a whole file. On failure returns nullopt and sets `error` to a sentence (strerror, size limit).
std::optional<std::string> readTextFile(const std::string &path, std::string &error,
                                        std::size_t maxBytes = 64 * 1024 * 1024);

/// Writes through a temporary file in the same directory, fsyncs and renames over `path`, keeping
/// the old file's permissions: readers see the old content or the new, never half of it.
bool writeFileAtomically(const std::string &path, const std::string &content, std::string &error);

} // namespace writ
