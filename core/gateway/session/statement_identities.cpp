// SPDX-License-Identifier: Apache-2.0
#include "gateway/session/statement_identities.h"

#include "common/text.h"
#include "compile/naming.h"
#include "sql/analyzer.h"
#include "sql/literal_shape.h"

#include <cstdio>

namespace writ::gateway {

namespace {

/// Looks `key` up in its shard; computes and stores it (outside the lock, as computing parses) when missing.
template <typename Value, typename Compute>
Value cached(std::array<StatementIdentities::Shard<Value>, StatementIdentities::kShards> &shards, std::size_t capacityPerShard,
             const std::string &key, Compute compute)
{
    auto &shard = shards[std::hash<std::string>{}(key) % StatementIdentities::kShards];
    {
        std::lock_guard lock(shard.mutex);
        if (const auto it = shard.map.find(key); it != shard.map.end())
            return it->second;
    }
    Value value = compute();
    std::lock_guard lock(shard.mutex);
    if (shard.map.size() >= capacityPerShard)
        shard.map.clear();
    shard.map.emplace(key, value);
    return value;
}

} // namespace

std::shared_ptr<const StatementIdentity> StatementIdentities::lookup(const std::string &sql, const std::optional<sql::LiteralShape> *known)
{
    // Statements that differ only in plain constants share a shape, and with it the normalized
    // text, which is kept only when libpg_query replaced exactly the shape's constants: then the
    // text holds no constant of any statement, and it is what normalizing any of them gives.
    std::optional<sql::LiteralShape> computed;
    if (!known)
        computed = sql::literalShape(sql);
    const std::optional<sql::LiteralShape> &shape = known ? *known : computed;
    const std::string key = shape ? shape->key : "T" + sql;
    auto &shard = m_byText[std::hash<std::string>{}(key) % kShards];
    {
        std::lock_guard lock(shard.mutex);
        if (const auto it = shard.map.find(key); it != shard.map.end())
            return it->second;
    }
    std::string normalized;
    auto identity = std::make_shared<const StatementIdentity>(compute(sql, normalized));
    if (shape && normalized != shape->normalized())
        return identity; // libpg_query saw other constants than the shape did: not shared
    std::lock_guard lock(shard.mutex);
    if (shard.map.size() >= m_capacityPerShard)
        shard.map.clear();
    shard.map.emplace(key, identity);
    return identity;
}

StatementIdentity StatementIdentities::compute(const std::string &sql, std::string &normalized)
{
    StatementIdentity id;
    normalized = sql::normalize(sql);
    if (normalized.empty()) { // no literal can be told from the rest: keep none of it
        id.query = "(text that does not parse, " + std::to_string(sql.size()) + " bytes, sha256 " + compile::sha256Hex(sql) + ")";
        return id;
    }
    id.query = clipText(normalized, 4096);
    // Statements that differ only in their constants (every pgbench -S, every ORM query with literals)
    // share one normalized text: its fingerprint is computed once, not parsed again for each of them.
    id.fingerprint = cached(m_fingerprintByShape, m_capacityPerShard, normalized, [&] {
        const auto fp = sql::fingerprint(normalized);
        if (!fp)
            return std::string();
        char hex[17];
        std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(*fp));
        return std::string(hex);
    });
    return id;
}

} // namespace writ::gateway
