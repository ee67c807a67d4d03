// SPDX-License-Identifier: Apache-2.0
#pragma once

// How the audit log names a statement: the normalized text (literals replaced by $n) and its
// libpg_query fingerprint, never the literals an agent sent. Computing them parses the text again, so
// they are cached gateway-wide (bounded; a full cache starts over): by the statement's literal shape
// (sql/literal_shape.h), as statements that differ only in plain constants normalize alike, or by its
// exact text when it has none; and the fingerprint by normalized text.

#include <array>
#include <cstddef>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace writ::sql {
struct LiteralShape;
}

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

    /// `shape`: the text's literal shape when the caller has it already (DecisionEngine::ShapeSeen),
    /// computed here otherwise.
    std::shared_ptr<const StatementIdentity> lookup(const std::string &sql, const std::optional<sql::LiteralShape> *shape = nullptr);

    static constexpr std::size_t kShards = 16;
    template <typename Value>
    struct Shard
    {
        std::mutex mutex;
        std::unordered_map<std::string, Value> map;
    };

private:
    StatementIdentity compute(const std::string &sql, std::string &normalized);

    std::array<Shard<std::shared_ptr<const StatementIdentity>>, kShards> m_byText; ///< by shape ("S...") or text ("T...")
    std::array<Shard<std::string>, kShards> m_fingerprintByShape; ///< normalized text → fingerprint (hex)
    std::size_t m_capacityPerShard;
};

} // namespace writ::gateway
