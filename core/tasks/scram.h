// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <string>

namespace writ::tasks {

/// A SCRAM-SHA-256 verifier (RFC 5802/7677) in PostgreSQL's stored form
/// "SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>". Sending the verifier instead of the
/// password keeps the password out of server logs and pg_stat_statements.
std::string scramVerifier(const std::string &password, int iterations = 4096);

/// `bytes` random bytes from the OS CSPRNG, hex-encoded. Throws std::runtime_error if it fails.
std::string randomHex(std::size_t bytes);

/// A random password of URL-safe characters carrying `bytes` bytes of entropy.
std::string randomPassword(std::size_t bytes = 24);

} // namespace writ::tasks
