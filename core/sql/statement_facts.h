// SPDX-License-Identifier: Apache-2.0
#pragma once

// What one SQL statement does, as plain values: the input of every request-time decision.
// Produced by analyze() (analyzer.h) from libpg_query's parse tree and the Catalog; nothing here
// refers to parser structures, so decisions, caches and tests never see libpg_query.

#include "catalog/catalog.h"

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace writ::sql {

/// Statement classes of ARCHITECTURE §6. Every PostgreSQL 15 statement kind maps to one;
/// a kind the analyzer does not know is classed Ddl with StatementFacts::unknownKind set.
enum class StatementClass { Read, Write, Ddl, Export, Import, Session, Transaction, Utility, Procedural };

/// How a statement touches a relation. Lock = SELECT ... FOR UPDATE/SHARE or LOCK TABLE.
/// The target of a write has only its write kinds; what the write reads from it (WHERE, SET
/// expressions, RETURNING, ON CONFLICT) is in its readColumns.
enum class Access { Read, Insert, Update, Delete, Truncate, Lock };

struct RelationUse
{
    std::string schema;       ///< resolved schema; as written (possibly empty) when not found
    std::string name;
    bool qualified = false;   ///< the statement spelled the schema
    bool found = false;       ///< exists in the Catalog (system relations are never "found")
    bool system = false;      ///< pg_catalog / information_schema relation (an unqualified name counts only when it is
                              ///< one of PostgreSQL 15's pg_catalog relations: a user table named pg_x is not system)
    catalog::RelationKind kind = catalog::RelationKind::Table; ///< meaningful when found
    std::string partitionOf;  ///< "schema.name" of the parent when this relation is a partition
    std::set<Access> access;
    std::set<std::string> readColumns;    ///< columns read anywhere: targets, WHERE, JOIN, GROUP/ORDER BY, windows, RETURNING, ON CONFLICT, ...
    std::set<std::string> writtenColumns; ///< INSERT target columns and UPDATE SET columns (and ON CONFLICT DO UPDATE SET)
    std::set<std::string> insertedColumns; ///< the part of writtenColumns an INSERT (COPY FROM, MERGE ... INSERT) writes
    std::set<std::string> updatedColumns;  ///< the part of writtenColumns an UPDATE (ON CONFLICT DO UPDATE, MERGE ... UPDATE) sets
    bool allColumns = false;  ///< `*`, `t.*` or a whole-row reference read every column
    int location = -1;        ///< byte offset of the first reference in the analyzed text
    /// Byte offsets where the text spells this relation's schema: `schema.name` as a relation
    /// (FROM, a DML target, ...) and `schema.name.column` or `schema.name.*` in expressions, each
    /// at the schema's first byte. Catalog-qualified names (`db.schema.name`) are not listed.
    std::vector<int> schemaSpellings;

    std::string qualifiedName() const { return schema.empty() ? name : schema + "." + name; }
};

struct FunctionUse
{
    std::string schema;            ///< resolved (pg_catalog for built-ins); as written when not found
    std::string name;              ///< lower-case as PostgreSQL folds it
    bool qualified = false;
    bool found = false;            ///< in the Catalog's functions (user functions); built-ins are not
    bool securityDefiner = false;  ///< when found: any overload with this name is SECURITY DEFINER
    int location = -1;

    std::string qualifiedName() const { return schema.empty() ? name : schema + "." + name; }
};

/// A run-time setting the statement changes or reads.
struct SettingUse
{
    enum class Kind { Set, Reset, ResetAll, SetConfig, Show }; ///< Show: SHOW and current_setting(name) (reads)
    Kind kind = Kind::Set;
    std::string name;          ///< lower-case; empty when not a constant (set_config with a computed name) or ResetAll
    bool local = false;        ///< SET LOCAL / set_config(..., true)
    int location = -1;
};

struct CopyFacts
{
    bool from = false;         ///< COPY ... FROM (import); otherwise TO (export)
    bool program = false;      ///< PROGRAM 'cmd' (runs a shell command on the server)
    bool serverFile = false;   ///< a file name on the server rather than STDIN/STDOUT
    bool query = false;        ///< COPY (query) TO
};

/// One statement of a (possibly multi-statement) text.
struct StatementFacts
{
    StatementClass kind = StatementClass::Ddl;
    std::string nodeType;      ///< libpg_query's node name, e.g. "SelectStmt", "CreateStmt"; EXPLAIN, PREPARE and DECLARE
                               ///< keep theirs ("ExplainStmt") while kind and the other facts are their inner statement's
    bool unknownKind = false;  ///< a statement kind the analyzer does not classify: treat as most restrictive
    std::string text;          ///< this statement's text (trimmed) within the analyzed string
    int location = 0;          ///< byte offset of the statement in the analyzed string
    std::vector<RelationUse> relations;
    std::vector<FunctionUse> functions;
    std::vector<SettingUse> settings;
    std::optional<CopyFacts> copy;
    bool explain = false;         ///< EXPLAIN: the facts are the inner statement's
    bool explainAnalyze = false;  ///< EXPLAIN ANALYZE: the inner statement runs
    std::string prepareName;      ///< PREPARE name AS ...: the facts are the inner statement's
    std::string executeName;      ///< EXECUTE name: facts come from the prepared statement
    std::string deallocateName;   ///< DEALLOCATE name ("" with deallocateAll for ALL)
    bool deallocateAll = false;
    bool listenNotify = false;    ///< LISTEN / NOTIFY / UNLISTEN (or pg_notify())
    bool hasLimit = false;        ///< top-level LIMIT with a constant
    std::int64_t limitCount = -1; ///< the constant when hasLimit
    /// A plain SELECT whose only row source is one relation — one FROM item naming it, no set
    /// operation, no WITH, no sub-select anywhere: the columns its WHERE clause's top-level AND
    /// compares with `=` to a constant or a parameter. With the relation's whole primary key among
    /// them it returns at most one row (decisions need no planner estimate for it). Empty otherwise.
    std::vector<std::string> keyEqualities;
};

/// Why a text could not be analyzed. Decisions deny such text (fail closed).
struct AnalysisError
{
    std::string message;
    int offset = -1; ///< byte offset of the problem, -1 when unknown
};

struct Analysis
{
    std::vector<StatementFacts> statements; ///< in text order; empty for an empty or comment-only text
    std::optional<AnalysisError> error;     ///< set: nothing above may be trusted
    /// Byte offsets of the constants no fact was read from, sorted: a text that differs from this one
    /// only in the constants at these offsets (same kind of token) has the same facts, apart from
    /// the text itself and the offsets it holds.
    std::vector<int> inertConstants;

    bool ok() const { return !error; }
};

const char *toString(StatementClass c);
const char *toString(Access a);

} // namespace writ::sql
