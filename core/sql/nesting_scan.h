// SPDX-License-Identifier: Apache-2.0
#pragma once

// A lexical pre-scan that bounds how deep a text's parse tree can be, before it is parsed.
//
// The analyzer's walk of the raw parse tree and libpg_query's fingerprinting recurse once per tree
// level, so a statement like `SELECT - - - ... 1` or `SELECT 1+1+...+1` with 100,000 terms would
// overflow any stack. The scan is one pass over the bytes: it skips strings, quoted identifiers, dollar
// quotes and comments the way PostgreSQL's lexer does and counts what can nest without bound:
// brackets and CASE ... END, and at each bracket level the chains of operators and of keywords that
// build left-deep trees (NOT, IS, LIKE, IN, BETWEEN, COLLATE, AT, ::, JOIN, UNION, ...). Tokens that
// start an independent subtree (commas, AND/OR, which the parser flattens, and clause keywords)
// end a chain. The result is an upper bound by construction; the fuzz harness checks it against
// the real tree of every input it tries.

#include <cstddef>
#include <string_view>

namespace writ::sql::detail {

struct NestingEstimate
{
    int nesting = 0;           ///< deepest nesting in SQL terms: brackets, CASE and chain length (what kMaxNestingDepth bounds)
    int treeDepth = 0;         ///< upper bound of the raw parse tree's depth (nodes and List nodes)
    std::size_t deepestAt = 0; ///< byte offset where `nesting` reached its maximum
    bool exceeded = false;     ///< the scan stopped early because nesting passed `limit`
};

/// Scans `sql`; stops as soon as the nesting passes `limit` (then exceeded is set).
NestingEstimate estimateNesting(std::string_view sql, int limit);

} // namespace writ::sql::detail
