// SPDX-License-Identifier: Apache-2.0
#include "sql/pg_parse.h"

#include <pg_query.h>

#include <memory>

namespace writ::sql {

namespace {

/// Frees a libpg_query result however the call returns.
template <typename Result, void (*Free)(Result)>
struct ResultGuard
{
    Result r;
    ~ResultGuard() { Free(r); }
};

std::optional<ParseError> errorOf(const PgQueryError *e)
{
    if (!e)
        return std::nullopt;
    ParseError out;
    out.message = e->message ? e->message : "syntax error";
    out.offset = e->cursorpos > 0 ? static_cast<std::size_t>(e->cursorpos - 1) : 0;
    return out;
}

} // namespace

JsonParse parseToJson(std::string_view sql)
{
    JsonParse out;
    if (sql.size() > kMaxParseBytes) {
        out.error = ParseError{"statement is larger than " + std::to_string(kMaxParseBytes) + " bytes", 0};
        return out;
    }
    if (sql.find('\0') != std::string_view::npos) {
        out.error = ParseError{"statement contains a NUL byte", sql.find('\0')};
        return out;
    }
    const std::string text(sql); // libpg_query needs a NUL-terminated string
    ResultGuard<PgQueryParseResult, pg_query_free_parse_result> guard{pg_query_parse(text.c_str())};
    out.error = errorOf(guard.r.error);
    if (!out.error && guard.r.parse_tree)
        out.json = guard.r.parse_tree;
    return out;
}

} // namespace writ::sql
