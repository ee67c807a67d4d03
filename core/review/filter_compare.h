// SPDX-License-Identifier: Apache-2.0
#pragma once

// How two versions of a row filter relate, judged on libpg_query parse trees (positions dropped,
// `$key` parameters kept by name), so whitespace, parentheses and keyword case do not count.
// Only one relation is proven: a pure strengthening, where the new filter is the old one AND more
// conditions. Everything else that is not the same expression is treated as possibly wider, since
// deciding implication between two SQL expressions in general is not possible.

#include <string>

namespace writ::review {

enum class FilterRelation {
    Same, ///< the same expression, written differently
    Stronger, ///< new = old AND x: every row the new filter admits, the old one admitted
    Weaker, ///< old = new AND x: the new filter dropped conditions
    Different, ///< anything else (including text that does not parse)
};

FilterRelation compareFilters(const std::string &oldFilter, const std::string &newFilter);

} // namespace writ::review
