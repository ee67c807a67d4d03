// SPDX-License-Identifier: Apache-2.0
#pragma once

// A statement's text with its plain constants cut out: the key under which statements that differ
// only in their constants (every pgbench -S, every ORM query with inlined values) share one
// normalized text for the audit, without asking libpg_query to normalize each of them again.
//
// Only the simplest constants count: unsigned numbers and '...' strings without backslashes, each
// delimited by punctuation or blanks. A text with any other kind of constant (E'', $$, B'', X'',
// U&'', a string continued on the next line) or a NUL byte has no shape. The caller keeps a shape's
// normalized text only after checking that libpg_query replaced exactly these constants by $n, so a
// cached text never holds a constant of any statement.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace writ::sql {

struct LiteralShape
{
    std::string key;          ///< "S", then the text with each constant replaced by a NUL byte and its kind
    int constants = 0;        ///< how many constants were cut out
    std::vector<int> offsets; ///< where each cut-out constant starts in the text, in text order
    int highestParameter = 0; ///< the highest $n the text already uses

    /// The text with its constants replaced by $n, numbered after highestParameter, as
    /// libpg_query's normalization numbers them.
    std::string normalized() const;
};

std::optional<LiteralShape> literalShape(std::string_view sql);

} // namespace writ::sql
