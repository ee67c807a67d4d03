// SPDX-License-Identifier: Apache-2.0
#pragma once

// The policy model: plain, copyable values describing which agents may run which tasks
// and what each task may reach. Loaded from YAML by PolicyLoader, written by PolicyWriter.
// Source positions live beside the model in a SourceMap, so equality ignores formatting.

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace writ::policy {

using Duration = std::chrono::seconds;

/// schema.relation; the schema is never empty after loading (unqualified names mean "public").
struct QualifiedName
{
    std::string schema;
    std::string name;

    std::string toString() const { return schema + "." + name; }
    auto operator<=>(const QualifiedName &) const = default;
};

struct ColumnRef
{
    QualifiedName relation;
    std::string column;

    std::string toString() const { return relation.toString() + "." + column; }
    auto operator<=>(const ColumnRef &) const = default;
};

enum class Operation { Select, Insert, Update, Delete };

/// Types a context value may have; each maps to a PostgreSQL type for `$key` casts.
enum class ContextType { Int, Bigint, Numeric, Text, Uuid, Bool, Date, Timestamptz };

enum class StepUpClass { Export, Import, Ddl, BulkRead, SensitiveRead };

enum class Approval { None, Required };

enum class MaskKind { Email, Partial, Hash, Redact, Null };

struct Mask
{
    MaskKind kind = MaskKind::Redact;
    int keepStart = 0; ///< partial: characters kept at the start
    int keepEnd = 4;   ///< partial: characters kept at the end

    bool operator==(const Mask &) const = default;
};

struct ContextKey
{
    std::string name;
    ContextType type = ContextType::Text;

    bool operator==(const ContextKey &) const = default;
};

struct Identity
{
    enum class Kind { Oidc, Spiffe };
    Kind kind = Kind::Spiffe;
    std::string issuer;            ///< OIDC only
    std::string subject;           ///< OIDC only
    std::string spiffeId;          ///< SPIFFE only: spiffe://trust-domain/path
    std::vector<std::string> network; ///< CIDR ranges the agent may connect from; empty = anywhere

    bool operator==(const Identity &) const = default;
};

struct Limits
{
    std::optional<std::int64_t> rowsPerStatement;
    std::optional<std::int64_t> statements;

    bool operator==(const Limits &) const = default;
};

/// What one task type may do on one relation.
struct Scope
{
    QualifiedName relation;
    std::set<Operation> ops;
    std::optional<std::vector<std::string>> columns; ///< nullopt = every column
    std::vector<std::string> updateColumns;          ///< UPDATE may set only these (subset of columns)
    std::optional<std::string> rows;                 ///< row filter (USING), SQL with $context params
    std::optional<std::string> check;                ///< WITH CHECK for writes
    std::map<std::string, Mask> masks;               ///< column -> mask applied on read
    std::string reason;                              ///< why the task needs this; shown in reviews

    bool operator==(const Scope &) const = default;
};

struct TaskType
{
    std::string id;
    std::string description;
    std::optional<Duration> ttl;    ///< default: defaults.ttl
    std::optional<Duration> maxTtl; ///< default: defaults.maxTtl
    std::vector<std::string> contextKeys;
    Approval approval = Approval::None;
    std::vector<std::string> environments; ///< empty = any environment
    std::vector<std::string> allowLabels;  ///< classified labels readable without step-up
    std::optional<std::set<StepUpClass>> stepUp; ///< nullopt = defaults.stepUp
    std::vector<std::string> statements;   ///< allowlist mode: only these SQL templates run
    Limits limits;
    std::vector<Scope> access;

    bool operator==(const TaskType &) const = default;
};

struct Agent
{
    std::string id;
    std::string description;
    std::string owner;
    std::vector<Identity> identities;
    std::vector<TaskType> tasks;

    bool operator==(const Agent &) const = default;
};

struct Defaults
{
    Duration ttl = std::chrono::minutes(10);
    Duration maxTtl = std::chrono::hours(1);
    std::set<StepUpClass> stepUp = {StepUpClass::Export, StepUpClass::Ddl, StepUpClass::BulkRead};
    std::int64_t bulkReadRows = 10000;

    bool operator==(const Defaults &) const = default;
};

struct Policy
{
    int formatVersion = 1; ///< the `writ:` key
    std::string name;
    std::string database;
    std::string description;
    std::map<ColumnRef, std::string> classify; ///< column -> label (pii, pci, secret, ...)
    std::vector<ContextKey> context;
    Defaults defaults;
    std::vector<Agent> agents;

    const Agent *findAgent(std::string_view id) const;
    const TaskType *findTask(std::string_view agent, std::string_view task) const;
    const ContextKey *findContextKey(std::string_view name) const;

    bool operator==(const Policy &) const = default;
};

// Names as they appear in YAML, and back. The parse functions return nullopt on unknown text.
const char *toString(Operation op);
const char *toString(ContextType t);
const char *toString(StepUpClass c);
const char *toString(MaskKind k);
const char *postgresType(ContextType t); ///< the type `$key` is cast to
std::optional<Operation> parseOperation(std::string_view s);
std::optional<ContextType> parseContextType(std::string_view s);
std::optional<StepUpClass> parseStepUpClass(std::string_view s);
std::optional<Mask> parseMask(std::string_view s); ///< "email", "hash", "partial", "partial(2,4)", ...
std::string formatMask(const Mask &m);
std::optional<Duration> parseDuration(std::string_view s); ///< "90s", "5m", "1h30m", "2d"
std::string formatDuration(Duration d);                    ///< canonical: "1h30m"

/// Splits "schema.name" (or "name", schema defaulting to public). Quoted identifiers are not accepted here.
std::optional<QualifiedName> parseQualifiedName(std::string_view s);

/// Effective values after applying defaults.
Duration effectiveTtl(const Policy &p, const TaskType &t);
Duration effectiveMaxTtl(const Policy &p, const TaskType &t);
std::set<StepUpClass> effectiveStepUp(const Policy &p, const TaskType &t);

} // namespace writ::policy
