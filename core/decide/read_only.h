// SPDX-License-Identifier: Apache-2.0
#pragma once

// Whether running a statement can change anything, so that the gateway may send it to the database
// before its decision record is on file (the record is still on file before any of its answer reaches
// the client). Deliberately narrow: one plain SELECT reading relations (no FOR UPDATE/SHARE, no INTO,
// no data-modifying WITH), no settings, and no function but a short list of built-ins that compute
// and touch nothing, and Writ's own context and mask functions. Anything else — other built-ins, user
// functions, EXPLAIN, cursors, PREPARE and EXECUTE — counts as able to change something, and keeps its
// record on file before it runs.
//
// Functions the database's own objects call on their own (a view's, a type's, an operator's) are the
// schema owner's design rather than the statement's; they are not visible here.

#include "sql/statement_facts.h"

#include <string_view>

namespace writ::decide {

/// `schema` resolved ("pg_catalog" for built-ins), `name` lower-case.
bool isSideEffectFreeBuiltin(std::string_view schema, std::string_view name);

bool changesNothingWhenRun(const sql::StatementFacts &facts);

} // namespace writ::decide
