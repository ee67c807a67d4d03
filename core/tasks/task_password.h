// SPDX-License-Identifier: Apache-2.0
#pragma once

// Derived JIT passwords: every gateway sharing one secret can compute the password of any task's
// role from the task id alone, so no password is stored anywhere. The database keeps only the
// SCRAM verifier (writ::tasks::scramVerifier).

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace writ::tasks {

inline constexpr std::size_t kMinTaskPasswordSecretBytes = 32;
inline constexpr std::size_t kMaxTaskPasswordSecretBytes = 64 * 1024;

/// base64url(HMAC-SHA-256(secret, "writ-task-password:" + taskId)), unpadded: 43 characters of
/// [A-Za-z0-9_-]. Deterministic; the secret should carry at least kMinTaskPasswordSecretBytes bytes.
std::string derivedTaskPassword(std::string_view secret, std::string_view taskId);

/// Reads the shared secret from `path`: a regular file readable by its owner only (mode 0600 or
/// stricter) of at most kMaxTaskPasswordSecretBytes, holding at least kMinTaskPasswordSecretBytes bytes
/// once trailing line endings ('\n', '\r') are removed — so `openssl rand -base64 48 > FILE` works, and every reader
/// of the same file (the CLI, each gateway) derives the same passwords.
/// On failure returns nullopt and sets `error` to a sentence naming the file and the fix.
std::optional<std::string> loadTaskPasswordSecret(const std::string &path, std::string &error);

} // namespace writ::tasks
