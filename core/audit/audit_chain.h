// SPDX-License-Identifier: Apache-2.0
#pragma once

// The hash chain over audit records. Each JSON line carries its sequence number, the hash of the
// previous line ("prev") and its own hash over prev + its content ("hash"). With a key the hash is
// an HMAC-SHA256, so nobody without the key can rewrite the chain after an edit; without one it is
// SHA-256, which still catches any edit, deletion or reordering not followed by recomputing every
// later hash. The first record's prev is 64 zeros.

#include "audit/audit_event.h"

#include <cstdint>
#include <string>

namespace writ::audit {

inline constexpr const char *kGenesisHash = "0000000000000000000000000000000000000000000000000000000000000000";

class AuditChain
{
public:
    explicit AuditChain(std::string key = {}) : m_key(std::move(key)) {}

    /// Continues an existing file: the last line's seq and hash.
    void resume(std::uint64_t lastSeq, std::string lastHash)
    {
        m_seq = lastSeq;
        m_prev = std::move(lastHash);
    }

    /// The sealed JSON line for `event` (no trailing newline); advances the chain.
    std::string seal(const AuditEvent &event);

    std::uint64_t lastSeq() const { return m_seq; }
    const std::string &lastHash() const { return m_prev; }

private:
    std::string m_key;
    std::uint64_t m_seq = 0;
    std::string m_prev = kGenesisHash;
};

/// hash = HMAC-SHA256(key, prev + "\n" + body) with a key, SHA-256(prev + "\n" + body) without; lower-case hex.
std::string chainHash(const std::string &key, const std::string &prev, const std::string &body);

} // namespace writ::audit
