// SPDX-License-Identifier: Apache-2.0
#pragma once

// The statement class of every PostgreSQL 15 statement node (libpg_query 15-4.0.0), as one table
// in statement_class.cpp. The analyzer refines a few classes from the statement's content
// (SELECT INTO, data-modifying WITH, COPY direction, EXPLAIN/PREPARE/DECLARE take their inner
// statement's class); everything else is decided here.

#include "sql/statement_facts.h"

#include <optional>
#include <string_view>
#include <vector>

namespace writ::sql {

struct StatementClassEntry
{
    std::string_view nodeType; ///< libpg_query's node name, e.g. "CreateStmt"
    StatementClass kind;
    std::string_view note;     ///< why, where it is not obvious
};

/// The class of a statement node (by libpg_query node name); nullopt for a node that is not a
/// statement kind the table knows (the analyzer then reports Ddl with unknownKind).
std::optional<StatementClass> statementClassOf(std::string_view nodeType);

/// The whole table, in the order of statement_class.cpp (documentation and tests).
const std::vector<StatementClassEntry> &statementClassTable();

} // namespace writ::sql
