// SPDX-License-Identifier: Apache-2.0
#pragma once

// What tests and the fuzz harness ask about libpg_query's raw parse tree, without the PostgreSQL
// server headers (raw_tree.h, which only the analyzer's own files include).

#include <string_view>
#include <vector>

namespace writ::sql::detail {

/// Parses `sql` and returns the depth of its raw parse tree (the list of statements counts 1, every
/// node and List below it one more), -1 when it does not parse. The parse has no guard of its own:
/// callers keep to texts the nesting pre-scan admits.
int parsedTreeDepth(const char *sql);

/// Parses `sql` in a memory context of its own and drops the tree: libpg_query's share of analyze(),
/// for the benchmark that splits its cost. False when the text does not parse.
bool parseOnly(const char *sql);

/// The name of every node type the analyzer's walk knows ("SelectStmt", "RangeVar", "List", ...):
/// the node structs of the PostgreSQL 15 headers the raw parser builds its trees from.
std::vector<std::string_view> rawNodeNames();

} // namespace writ::sql::detail
