// SPDX-License-Identifier: Apache-2.0
#include "gateway/session/statement_identities.h"

#include "common/text.h"
#include "compile/naming.h"
#include "sql/analyzer.h"

#include <cstdio>

namespace writ::gateway {

namespace {

StatementIdentity compute(const std::string &sql)
{
    StatementIdentity id;
    const sql::StatementIdentity s = sql::identify(sql);
    if (s.fingerprint) {
        char hex[17];
        std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(*s.fingerprint));
        id.fingerprint = hex;
    }
    if (!s.normalized.empty())
        id.query = clipText(s.normalized, 4096);
    else // no literal can be told from the rest: keep none of it
        id.query = "(text that does not parse, " + std::to_string(sql.size()) + " bytes, sha256 " + compile::sha256Hex(sql) + ")";
    return id;
}

} // namespace

std::shared_ptr<const StatementIdentity> StatementIdentities::lookup(const std::string &sql)
{
    Shard &shard = m_shards[std::hash<std::string>{}(sql) % kShards];
    {
        std::lock_guard lock(shard.mutex);
        if (const auto it = shard.map.find(sql); it != shard.map.end())
            return it->second;
    }
    auto id = std::make_shared<const StatementIdentity>(compute(sql)); // outside the lock: it parses
    std::lock_guard lock(shard.mutex);
    if (shard.map.size() >= m_capacityPerShard)
        shard.map.clear();
    shard.map.emplace(sql, id);
    return id;
}

} // namespace writ::gateway
