// SPDX-License-Identifier: Apache-2.0
#include "compile/sql_quote.h"

namespace writ::compile {

namespace {

std::string quoteWith(std::string_view text, char quote)
{
    std::string out;
    out.reserve(text.size() + 2);
    out += quote;
    for (const char c : text) {
        out += c;
        if (c == quote)
            out += quote;
    }
    out += quote;
    return out;
}

} // namespace

std::string quoteIdent(std::string_view name)
{
    return quoteWith(name, '"');
}

std::string quoteQualified(std::string_view schema, std::string_view name)
{
    return quoteIdent(schema) + "." + quoteIdent(name);
}

std::string quoteLiteral(std::string_view text)
{
    return quoteWith(text, '\'');
}

} // namespace writ::compile
