// SPDX-License-Identifier: Apache-2.0
#pragma once

// Qualified names of masked relations, pointed at the task's masked view. An unqualified `customers`
// reaches the view because the view schema comes first on the JIT role's search_path; a qualified
// `public.customers` names the base table, whose masked columns the role was never granted. For a
// statement that reads those columns the gateway sends the same text with the schema spelled as the
// view schema, so both spellings return the masked values.

#include "decide/task_index.h"
#include "sql/statement_facts.h"

#include <optional>
#include <string>
#include <string_view>

namespace writ::decide {

/// `sql` with every spelling of a masked relation's schema replaced by the task's view schema, for
/// the relations `analysis` shows read (only read) with at least one masked column under a
/// qualified name. nullopt when there is nothing to rewrite, and when a relation that needs it is
/// also written (a masked view does not take writes) or a spelling is not where the analysis says:
/// the text then runs as sent, and PostgreSQL refuses the base column (42501).
std::optional<std::string> pointQualifiedNamesAtMaskedViews(std::string_view sql, const sql::Analysis &analysis,
                                                            const TaskIndex &task);

} // namespace writ::decide
