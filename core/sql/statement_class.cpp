// SPDX-License-Identifier: Apache-2.0
#include "sql/statement_class.h"

#include <algorithm>

namespace writ::sql {

namespace {

using C = StatementClass;

// Every *Stmt node type of the raw parse tree (the PostgreSQL 15 node structs libpg_query 15-4.0.0
// builds, listed in raw_nodes.inc), one row each.
// tests/unit/sql/tst_statement_class.cpp checks that no statement node is missing and runs one
// SQL example per reachable row; docs/analysis.md shows this table.
const std::vector<StatementClassEntry> kTable = {
    // --- Reading rows. SELECT INTO is Ddl and a data-modifying WITH makes it Write (decided by the
    // analyzer). SetOperationStmt only exists in analyzed trees; the raw parser nests SelectStmts.
    {"SelectStmt", C::Read, "SELECT INTO -> ddl; WITH ... INSERT/UPDATE/DELETE/MERGE -> write"},
    {"SetOperationStmt", C::Read, "not produced by the raw parser"},

    // --- Writing rows. TRUNCATE is a write with its own access kind (it bypasses row security).
    {"InsertStmt", C::Write, ""},
    {"UpdateStmt", C::Write, ""},
    {"DeleteStmt", C::Write, ""},
    {"MergeStmt", C::Write, ""},
    {"TruncateStmt", C::Write, "access truncate"},

    // --- Moving rows in bulk: the analyzer turns COPY TO into export and COPY FROM into import.
    {"CopyStmt", C::Export, "COPY FROM -> import"},

    // --- Session state: settings, prepared statements, cursors. DECLARE takes its query's class.
    {"VariableSetStmt", C::Session, "SET, RESET, SET ROLE, SET SESSION AUTHORIZATION, SET TRANSACTION"},
    {"VariableShowStmt", C::Session, "SHOW"},
    {"DiscardStmt", C::Session, "DISCARD"},
    {"DeallocateStmt", C::Session, "DEALLOCATE"},
    {"DeclareCursorStmt", C::Read, "takes the class of its query"},
    {"FetchStmt", C::Session, "FETCH and MOVE"},
    {"ClosePortalStmt", C::Session, "CLOSE"},

    // --- Transaction control, including two-phase commit and SET CONSTRAINTS (transaction-scoped).
    {"TransactionStmt", C::Transaction, "BEGIN, START, COMMIT, ROLLBACK, SAVEPOINT, RELEASE, PREPARE TRANSACTION, COMMIT/ROLLBACK PREPARED"},
    {"ConstraintsSetStmt", C::Transaction, "SET CONSTRAINTS"},

    // --- Utilities: they neither define objects nor read or write rows through a scope.
    // EXPLAIN and PREPARE take their inner statement's class; EXECUTE is decided by what was prepared.
    {"ExplainStmt", C::Read, "takes the class of the explained statement"},
    {"PrepareStmt", C::Read, "takes the class of the prepared statement"},
    {"ExecuteStmt", C::Utility, "facts come from the PREPARE"},
    {"LockStmt", C::Utility, "access lock"},
    {"ListenStmt", C::Utility, "listenNotify"},
    {"NotifyStmt", C::Utility, "listenNotify"},
    {"UnlistenStmt", C::Utility, "listenNotify"},
    {"VacuumStmt", C::Utility, "VACUUM and ANALYZE: maintenance, no rows change"},
    {"CheckPointStmt", C::Utility, "CHECKPOINT"},
    {"LoadStmt", C::Utility, "LOAD of a shared library"},

    // --- Procedural code: the body runs with whatever the code does.
    {"DoStmt", C::Procedural, "DO"},
    {"CallStmt", C::Procedural, "CALL (the procedure is a function use)"},
    {"ReturnStmt", C::Procedural, "SQL function bodies only"},
    {"PLAssignStmt", C::Procedural, "PL/pgSQL assignments only"},

    // --- DDL: relations, views, indexes, sequences and their maintenance that changes them.
    {"CreateStmt", C::Ddl, "CREATE TABLE"},
    {"CreateTableAsStmt", C::Ddl, "CREATE TABLE AS, CREATE MATERIALIZED VIEW"},
    {"CreateForeignTableStmt", C::Ddl, ""},
    {"ViewStmt", C::Ddl, "CREATE VIEW"},
    {"AlterTableStmt", C::Ddl, "ALTER TABLE/INDEX/VIEW/SEQUENCE/..."},
    {"AlterTableMoveAllStmt", C::Ddl, "ALTER TABLE ALL IN TABLESPACE"},
    {"ReplicaIdentityStmt", C::Ddl, "a subcommand of ALTER TABLE"},
    {"IndexStmt", C::Ddl, "CREATE INDEX"},
    {"ReindexStmt", C::Ddl, "REINDEX rebuilds indexes"},
    {"ClusterStmt", C::Ddl, "CLUSTER rewrites the table"},
    {"RefreshMatViewStmt", C::Ddl, "REFRESH MATERIALIZED VIEW replaces its rows"},
    {"CreateSeqStmt", C::Ddl, ""},
    {"AlterSeqStmt", C::Ddl, ""},
    {"CreateStatsStmt", C::Ddl, "CREATE STATISTICS"},
    {"AlterStatsStmt", C::Ddl, ""},
    {"RuleStmt", C::Ddl, "CREATE RULE"},
    {"CreateTrigStmt", C::Ddl, "CREATE TRIGGER"},
    {"CreatePolicyStmt", C::Ddl, "row-level security policies"},
    {"AlterPolicyStmt", C::Ddl, ""},

    // --- DDL: generic object statements (any object type).
    {"DropStmt", C::Ddl, "DROP of most object types"},
    {"RenameStmt", C::Ddl, "ALTER ... RENAME"},
    {"AlterObjectSchemaStmt", C::Ddl, "ALTER ... SET SCHEMA"},
    {"AlterOwnerStmt", C::Ddl, "ALTER ... OWNER TO"},
    {"AlterObjectDependsStmt", C::Ddl, "ALTER ... DEPENDS ON EXTENSION"},
    {"CommentStmt", C::Ddl, "COMMENT ON"},
    {"SecLabelStmt", C::Ddl, "SECURITY LABEL"},
    {"DefineStmt", C::Ddl, "CREATE AGGREGATE/OPERATOR/TYPE/COLLATION/TEXT SEARCH ..."},

    // --- DDL: privileges and roles.
    {"GrantStmt", C::Ddl, "GRANT and REVOKE on objects"},
    {"GrantRoleStmt", C::Ddl, "GRANT and REVOKE of role membership"},
    {"AlterDefaultPrivilegesStmt", C::Ddl, ""},
    {"CreateRoleStmt", C::Ddl, "CREATE ROLE/USER/GROUP"},
    {"AlterRoleStmt", C::Ddl, ""},
    {"AlterRoleSetStmt", C::Ddl, "ALTER ROLE ... SET (a setting for later sessions)"},
    {"DropRoleStmt", C::Ddl, ""},
    {"DropOwnedStmt", C::Ddl, "DROP OWNED"},
    {"ReassignOwnedStmt", C::Ddl, "REASSIGN OWNED"},

    // --- DDL: functions, procedures, languages, casts, operators, types, domains.
    {"CreateFunctionStmt", C::Ddl, "CREATE FUNCTION/PROCEDURE"},
    {"AlterFunctionStmt", C::Ddl, ""},
    {"CreatePLangStmt", C::Ddl, "CREATE LANGUAGE"},
    {"CreateTransformStmt", C::Ddl, ""},
    {"CreateCastStmt", C::Ddl, ""},
    {"CreateConversionStmt", C::Ddl, ""},
    {"CreateOpClassStmt", C::Ddl, ""},
    {"CreateOpFamilyStmt", C::Ddl, ""},
    {"AlterOpFamilyStmt", C::Ddl, ""},
    {"AlterOperatorStmt", C::Ddl, ""},
    {"CompositeTypeStmt", C::Ddl, "CREATE TYPE ... AS (...)"},
    {"CreateEnumStmt", C::Ddl, ""},
    {"CreateRangeStmt", C::Ddl, ""},
    {"AlterEnumStmt", C::Ddl, ""},
    {"AlterTypeStmt", C::Ddl, ""},
    {"CreateDomainStmt", C::Ddl, ""},
    {"AlterDomainStmt", C::Ddl, ""},
    {"AlterCollationStmt", C::Ddl, "ALTER COLLATION ... REFRESH VERSION"},
    {"AlterTSDictionaryStmt", C::Ddl, ""},
    {"AlterTSConfigurationStmt", C::Ddl, ""},
    {"CreateAmStmt", C::Ddl, "CREATE ACCESS METHOD"},

    // --- DDL: schemas, databases, tablespaces, extensions, server configuration.
    {"CreateSchemaStmt", C::Ddl, ""},
    {"CreatedbStmt", C::Ddl, "CREATE DATABASE"},
    {"AlterDatabaseStmt", C::Ddl, ""},
    {"AlterDatabaseRefreshCollStmt", C::Ddl, ""},
    {"AlterDatabaseSetStmt", C::Ddl, "ALTER DATABASE ... SET (a setting for later sessions)"},
    {"DropdbStmt", C::Ddl, "DROP DATABASE"},
    {"CreateTableSpaceStmt", C::Ddl, ""},
    {"DropTableSpaceStmt", C::Ddl, ""},
    {"AlterTableSpaceOptionsStmt", C::Ddl, ""},
    {"CreateExtensionStmt", C::Ddl, ""},
    {"AlterExtensionStmt", C::Ddl, ""},
    {"AlterExtensionContentsStmt", C::Ddl, ""},
    {"AlterSystemStmt", C::Ddl, "ALTER SYSTEM changes the server configuration"},
    {"CreateEventTrigStmt", C::Ddl, ""},
    {"AlterEventTrigStmt", C::Ddl, ""},

    // --- DDL: foreign data, replication.
    {"CreateFdwStmt", C::Ddl, "CREATE FOREIGN DATA WRAPPER"},
    {"AlterFdwStmt", C::Ddl, ""},
    {"CreateForeignServerStmt", C::Ddl, ""},
    {"AlterForeignServerStmt", C::Ddl, ""},
    {"CreateUserMappingStmt", C::Ddl, ""},
    {"AlterUserMappingStmt", C::Ddl, ""},
    {"DropUserMappingStmt", C::Ddl, ""},
    {"ImportForeignSchemaStmt", C::Ddl, ""},
    {"CreatePublicationStmt", C::Ddl, ""},
    {"AlterPublicationStmt", C::Ddl, ""},
    {"CreateSubscriptionStmt", C::Ddl, ""},
    {"AlterSubscriptionStmt", C::Ddl, ""},
    {"DropSubscriptionStmt", C::Ddl, ""},

    // RawStmt is the wrapper around every statement, never a statement itself: it is absent on
    // purpose, so meeting one would be reported as an unknown kind.
};

} // namespace

std::optional<StatementClass> statementClassOf(std::string_view nodeType)
{
    // ~120 rows, looked up once per statement: a sorted index keeps it to a few comparisons.
    static const std::vector<const StatementClassEntry *> sorted = [] {
        std::vector<const StatementClassEntry *> v;
        for (const auto &e : kTable)
            v.push_back(&e);
        std::sort(v.begin(), v.end(), [](const auto *a, const auto *b) { return a->nodeType < b->nodeType; });
        return v;
    }();
    const auto it = std::lower_bound(
        sorted.begin(), sorted.end(), nodeType, [](const StatementClassEntry *e, std::string_view n) { return e->nodeType < n; });
    if (it == sorted.end() || (*it)->nodeType != nodeType)
        return std::nullopt;
    return (*it)->kind;
}

const std::vector<StatementClassEntry> &statementClassTable()
{
    return kTable;
}

} // namespace writ::sql
