// SPDX-License-Identifier: Apache-2.0
#pragma once

// The hash chain over audit records. Each JSON line carries its sequence number, the hash of the
// previous line ("prev") and its own hash over prev + its content ("hash"). With a key the hash is
// an HMAC-SHA256, so nobody without the key can rewrite the chain after an edit; without one it is
// SHA-256, which still catches any edit, deletion or reordering not followed by recomputing every
// later hash. The first record's prev is 64 zeros.

#include "audit/audit_event.h"

#include <openssl/types.h>

#include <cstdint>
#include <string>
#include <string_view>

namespace writ::audit {

struct RecordDraft;

/// hash = HMAC-SHA256(key, prev + "\n" + body) with a key, SHA-256(prev + "\n" + body) without; lower-case hex.
/// The keyed MAC is set up once and reset for each record: a gateway seals one record per statement,
/// and looking the algorithm up and keying it again for every record cost more than hashing the record.
/// One hasher serves one chain at a time (not thread-safe).
class ChainHasher
{
public:
    explicit ChainHasher(const std::string &key);
    ~ChainHasher();
    ChainHasher(const ChainHasher &) = delete;
    ChainHasher &operator=(const ChainHasher &) = delete;

    std::string operator()(std::string_view prev, std::string_view body) const;
    /// The same into `hex` (64 characters, not terminated); false when it could not be computed.
    bool hexDigest(std::string_view prev, std::string_view body, char *hex) const;
    bool keyed() const { return m_keyed != nullptr; }

private:
    EVP_MAC_CTX *m_keyed = nullptr; ///< HMAC-SHA256 with the key, reset for each record. Null without a key.
};

inline constexpr const char *kGenesisHash = "0000000000000000000000000000000000000000000000000000000000000000";

class AuditChain
{
public:
    explicit AuditChain(const std::string &key = {}) : m_hash(key) {}

    /// Continues an existing file: the last line's seq and hash.
    void resume(std::uint64_t lastSeq, std::string lastHash)
    {
        m_seq = lastSeq;
        m_prev = std::move(lastHash);
    }

    /// The sealed JSON line for `event` (no trailing newline); advances the chain.
    std::string seal(const AuditEvent &event);
    /// Appends the sealed line for a record serialized beforehand (no trailing newline); advances the chain.
    void sealInto(std::string &out, const RecordDraft &draft);

    std::uint64_t lastSeq() const { return m_seq; }
    const std::string &lastHash() const { return m_prev; }

private:
    ChainHasher m_hash;
    std::uint64_t m_seq = 0;
    std::string m_prev = kGenesisHash;
};

} // namespace writ::audit
