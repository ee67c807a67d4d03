// SPDX-License-Identifier: Apache-2.0
#pragma once

// The pieces of PostgreSQL's lexer that Writ's own scans of raw SQL text share (the nesting pre-scan,
// the literal shape): which bytes make identifiers, and where comments and quoted tokens end.

#include <cstddef>
#include <string_view>

namespace writ::sql::detail {

inline bool isIdentifierStart(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80;
}

inline bool isIdentifierPart(unsigned char c)
{
    return isIdentifierStart(c) || (c >= '0' && c <= '9') || c == '$';
}

/// From the "--" at `at`: where the line comment ends (its newline, or the end of the text).
inline std::size_t endOfLineComment(std::string_view s, std::size_t at)
{
    while (at < s.size() && s[at] != '\n' && s[at] != '\r')
        ++at;
    return at;
}

/// From the "/*" at `at`: just after its matching "*/" (block comments nest), npos when unterminated.
inline std::size_t endOfBlockComment(std::string_view s, std::size_t at)
{
    int depth = 0;
    while (at + 1 < s.size()) {
        if (s[at] == '/' && s[at + 1] == '*') {
            ++depth;
            at += 2;
        } else if (s[at] == '*' && s[at + 1] == '/') {
            at += 2;
            if (--depth == 0)
                return at;
        } else {
            ++at;
        }
    }
    return std::string_view::npos;
}

/// From just after an opening `quote`: just after the closing one (a doubled quote stands for one
/// inside), npos when unterminated. For "identifiers" and standard '...' strings.
inline std::size_t endOfQuoted(std::string_view s, std::size_t afterOpening, char quote)
{
    for (std::size_t i = afterOpening; i < s.size(); ++i) {
        if (s[i] != quote)
            continue;
        if (i + 1 < s.size() && s[i + 1] == quote) {
            ++i;
            continue;
        }
        return i + 1;
    }
    return std::string_view::npos;
}

} // namespace writ::sql::detail
