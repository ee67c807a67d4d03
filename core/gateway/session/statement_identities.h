// SPDX-License-Identifier: Apache-2.0
#pragma once

// How the audit log names a statement: libpg_query's fingerprint and the normalized text (literals
// replaced by $n), never the literals an agent sent. Computing them parses the text again, so they
// are cached gateway-wide by statement text (bounded; a full cache starts over) — agents repeat
// their statements, and the cached path is a hash lookup.

#include <array>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

namespace writ::gateway {

struct StatementIdentity
{
    std::string fingerprint; ///< 16 hex digits; empty when the text does not parse
    std::string query;       ///< normalized text (at most 4 KiB), or, for text that does not parse, a note with its SHA-256
};

class StatementIdentities
{
public:
    explicit StatementIdentities(std::size_t capacity = 20000) : m_capacityPerShard(capacity / kShards + 1) {}

    std::shared_ptr<const StatementIdentity> lookup(const std::string &sql);

private:
    static constexpr std::size_t kShards = 16;
    struct Shard
    {
        std::mutex mutex;
        std::unordered_map<std::string, std::shared_ptr<const StatementIdentity>> map;
    };
    std::array<Shard, kShards> m_shards;
    std::size_t m_capacityPerShard;
};

} // namespace writ::gateway
