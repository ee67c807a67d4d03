// SPDX-License-Identifier: Apache-2.0
#pragma once

// The catalog model: what a PostgreSQL database holds that matters for access control.
// Filled by Introspector (a fixed number of queries), saved and loaded as a JSON snapshot
// so tests and offline review need no database. Objects refer to each other by name.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace writ::catalog {

/// One privilege entry of an ACL. An empty grantee means PUBLIC.
struct AclItem
{
    std::string grantee;
    std::string grantor;
    std::string privilege; ///< "SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER", "USAGE", "CREATE", "EXECUTE", ...
    bool grantable = false;

    bool isPublic() const { return grantee.empty(); }
    auto operator<=>(const AclItem &) const = default;
};

struct Column
{
    std::string name;
    std::string type; ///< format_type() text, e.g. "character varying(200)"
    int attnum = 0;
    bool notNull = false;
    std::vector<AclItem> acl; ///< column-level grants

    bool operator==(const Column &) const = default;
};

struct ForeignKey
{
    std::string name;
    std::vector<std::string> columns;
    std::string refSchema;
    std::string refRelation;
    std::vector<std::string> refColumns;

    bool operator==(const ForeignKey &) const = default;
};

struct RlsPolicy
{
    std::string name;
    std::string command; ///< "ALL", "SELECT", "INSERT", "UPDATE", "DELETE"
    bool permissive = true;
    std::vector<std::string> roles; ///< empty or {"public"} = PUBLIC
    std::string usingExpr;          ///< pg_get_expr text, empty when absent
    std::string checkExpr;

    bool operator==(const RlsPolicy &) const = default;
};

enum class RelationKind { Table, PartitionedTable, View, MaterializedView, ForeignTable, Sequence };

struct Relation
{
    std::string schema;
    std::string name;
    RelationKind kind = RelationKind::Table;
    std::string owner;
    std::vector<Column> columns; ///< in attnum order, dropped columns excluded
    std::vector<std::string> primaryKey;
    std::vector<ForeignKey> foreignKeys;
    double reltuples = -1; ///< planner estimate; -1 = never analyzed
    bool rlsEnabled = false;
    bool rlsForced = false;
    bool securityBarrier = false; ///< views: security_barrier option
    bool securityInvoker = false; ///< views: security_invoker option (PostgreSQL 15+); false = checks run as the view owner
    std::string partitionOf;      ///< "schema.name" of the parent when this is a partition
    std::string viewDefinition;   ///< views and materialized views
    std::string comment;
    std::vector<AclItem> acl; ///< explicit even when the catalog holds the default (owner's privileges)
    std::vector<RlsPolicy> policies;

    std::string qualifiedName() const { return schema + "." + name; }
    const Column *findColumn(std::string_view column) const;
    bool operator==(const Relation &) const = default;
};

struct Role
{
    std::string name;
    bool login = false;
    bool superuser = false;
    bool bypassRls = false;
    bool createRole = false;
    bool createDb = false;
    bool inherit = true;
    int connectionLimit = -1;
    std::optional<std::string> validUntil; ///< ISO timestamp; nullopt = never expires
    std::vector<std::string> memberOf;     ///< roles this role is a direct member of
    std::string comment;

    bool operator==(const Role &) const = default;
};

struct Function
{
    std::string schema;
    std::string name;
    std::string arguments; ///< pg_get_function_identity_arguments text
    std::string returns;
    std::string language;
    std::string owner;
    bool securityDefiner = false;
    std::string volatility; ///< "immutable", "stable", "volatile"
    std::vector<std::string> config; ///< proconfig, e.g. "search_path=pg_catalog"
    std::vector<AclItem> acl;        ///< introspection spells out the default (owner + EXECUTE to PUBLIC); an empty list
                                     ///< in a hand-written snapshot means the default too

    std::string signature() const { return schema + "." + name + "(" + arguments + ")"; }
    bool operator==(const Function &) const = default;
};

struct Schema
{
    std::string name;
    std::string owner;
    std::vector<AclItem> acl;

    bool operator==(const Schema &) const = default;
};

struct DefaultAcl
{
    std::string role;       ///< whose future objects
    std::string schema;     ///< empty = every schema
    std::string objectType; ///< "table", "sequence", "function", "type", "schema"
    std::vector<AclItem> acl;

    bool operator==(const DefaultAcl &) const = default;
};

struct Catalog
{
    std::string database;
    std::string serverVersion; ///< e.g. "15.18"
    int serverVersionNum = 0;  ///< e.g. 150018
    std::vector<Schema> schemas;
    std::vector<Relation> relations; ///< sorted by schema, name
    std::vector<Role> roles;         ///< sorted by name
    std::vector<Function> functions; ///< sorted by signature
    std::vector<DefaultAcl> defaultAcls;

    const Relation *findRelation(std::string_view schema, std::string_view name) const;
    const Role *findRole(std::string_view name) const;
    const Schema *findSchema(std::string_view name) const;

    /// Builds the name index used by the find* functions; call after filling or changing relations.
    void reindex();
    bool operator==(const Catalog &other) const;

private:
    std::map<std::string, std::size_t, std::less<>> m_relationIndex; ///< "schema.name" -> index
    std::size_t m_indexedCount = static_cast<std::size_t>(-1);       ///< relations.size() at the last reindex()
    std::string m_indexedEnds;                                       ///< first and last "schema.name" then

    bool indexLooksCurrent() const;
};

const char *toString(RelationKind k);
std::optional<RelationKind> parseRelationKind(std::string_view s);

} // namespace writ::catalog
