// SPDX-License-Identifier: Apache-2.0
#include "catalog/catalog.h"

#include <algorithm>
#include <array>
#include <utility>

namespace writ::catalog {

namespace {

constexpr std::array<std::pair<RelationKind, const char *>, 6> kRelationKindNames {{
    {RelationKind::Table, "table"},
    {RelationKind::PartitionedTable, "partitioned_table"},
    {RelationKind::View, "view"},
    {RelationKind::MaterializedView, "materialized_view"},
    {RelationKind::ForeignTable, "foreign_table"},
    {RelationKind::Sequence, "sequence"},
}};

std::string indexKey(std::string_view schema, std::string_view name)
{
    std::string key;
    key.reserve(schema.size() + name.size() + 1);
    key.append(schema).append(1, '.').append(name);
    return key;
}

} // namespace

const Column *Relation::findColumn(std::string_view column) const
{
    const auto it = std::find_if(columns.begin(), columns.end(), [&](const Column &c) { return c.name == column; });
    return it == columns.end() ? nullptr : &*it;
}

const Relation *Catalog::findRelation(std::string_view schema, std::string_view name) const
{
    // The index may be stale if relations changed since reindex(): trust a hit only when the
    // entry it points at still carries that name. A miss is trusted while the relations look as they
    // did at reindex() (same count, same first and last; the analyzer misses often: every search-path
    // schema before the right one); otherwise fall back to a scan.
    if (const auto it = m_relationIndex.find(indexKey(schema, name)); it != m_relationIndex.end()) {
        if (it->second < relations.size()) {
            const Relation &r = relations[it->second];
            if (r.schema == schema && r.name == name)
                return &r;
        }
    } else if (indexLooksCurrent()) {
        return nullptr;
    }
    const auto it = std::find_if(
        relations.begin(), relations.end(), [&](const Relation &r) { return r.schema == schema && r.name == name; });
    return it == relations.end() ? nullptr : &*it;
}

const Role *Catalog::findRole(std::string_view name) const
{
    const auto it = std::find_if(roles.begin(), roles.end(), [&](const Role &r) { return r.name == name; });
    return it == roles.end() ? nullptr : &*it;
}

const Schema *Catalog::findSchema(std::string_view name) const
{
    const auto it = std::find_if(schemas.begin(), schemas.end(), [&](const Schema &s) { return s.name == name; });
    return it == schemas.end() ? nullptr : &*it;
}

void Catalog::reindex()
{
    m_relationIndex.clear();
    for (std::size_t i = 0; i < relations.size(); ++i)
        m_relationIndex.emplace(indexKey(relations[i].schema, relations[i].name), i);
    m_indexedCount = relations.size();
    m_indexedEnds = relations.empty() ? std::string() : indexKey(relations.front().schema, relations.front().name) + "|"
                                                            + indexKey(relations.back().schema, relations.back().name);
}

bool Catalog::indexLooksCurrent() const
{
    if (relations.size() != m_indexedCount)
        return false;
    if (relations.empty())
        return true;
    return m_indexedEnds == indexKey(relations.front().schema, relations.front().name) + "|"
                                + indexKey(relations.back().schema, relations.back().name);
}

bool Catalog::operator==(const Catalog &other) const
{
    // The name index is derived data; two catalogs are equal when what they describe is.
    return database == other.database && serverVersion == other.serverVersion && serverVersionNum == other.serverVersionNum
        && schemas == other.schemas && relations == other.relations && roles == other.roles && functions == other.functions
        && defaultAcls == other.defaultAcls;
}

const char *toString(RelationKind k)
{
    for (const auto &[kind, name] : kRelationKindNames) {
        if (kind == k)
            return name;
    }
    return "table";
}

std::optional<RelationKind> parseRelationKind(std::string_view s)
{
    for (const auto &[kind, name] : kRelationKindNames) {
        if (s == name)
            return kind;
    }
    return std::nullopt;
}

} // namespace writ::catalog
