// SPDX-License-Identifier: Apache-2.0
#include "decide/masked_view_rewrite.h"

#include "compile/sql_quote.h"
#include "sql/sql_lexing.h"

#include <algorithm>
#include <set>
#include <utility>
#include <vector>

namespace writ::decide {

namespace {

/// Does `r` need its qualified spellings pointed at the view: a masked relation of the task, spelled
/// with its schema, reading a masked column (or all of them)?
bool readsMaskedThroughBase(const sql::RelationUse &r, const TaskIndex &task)
{
    if (!r.qualified || r.system || r.schema == task.viewSchema || r.schemaSpellings.empty())
        return false;
    const ScopeIndex *scope = task.findScope(r.qualifiedName());
    if (!scope || scope->scope->masks.empty())
        return false;
    if (r.allColumns)
        return true;
    return std::any_of(r.readColumns.begin(), r.readColumns.end(), [&](const std::string &c) { return scope->scope->masks.count(c) > 0; });
}

/// The length of the identifier at `at` when it spells `schema` (quoted exactly, or unquoted and
/// folded to lower case as PostgreSQL folds it); 0 when it does not.
std::size_t schemaSpellingLength(std::string_view sql, std::size_t at, std::string_view schema)
{
    if (at >= sql.size())
        return 0;
    if (sql[at] == '"') {
        const std::size_t end = sql::detail::endOfQuoted(sql, at + 1, '"');
        if (end == std::string_view::npos)
            return 0;
        std::string name;
        for (std::size_t i = at + 1; i + 1 < end; ++i) {
            name += sql[i];
            if (sql[i] == '"')
                ++i; // a doubled quote stands for one
        }
        return name == schema ? end - at : 0;
    }
    if (!sql::detail::isIdentifierStart(static_cast<unsigned char>(sql[at])))
        return 0;
    std::size_t end = at;
    std::string folded;
    while (end < sql.size() && sql::detail::isIdentifierPart(static_cast<unsigned char>(sql[end]))) {
        const char c = sql[end++];
        folded += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    }
    return folded == schema ? end - at : 0;
}

} // namespace

std::optional<std::string> pointQualifiedNamesAtMaskedViews(std::string_view sql, const sql::Analysis &analysis,
                                                            const TaskIndex &task)
{
    if (!task.hasMasks || !analysis.ok())
        return std::nullopt;
    std::vector<std::pair<std::size_t, std::size_t>> spellings; // offset, length
    for (const sql::StatementFacts &facts : analysis.statements)
        for (const sql::RelationUse &r : facts.relations) {
            if (!readsMaskedThroughBase(r, task))
                continue;
            if (r.access != std::set<sql::Access>{sql::Access::Read})
                return std::nullopt;
            for (const int location : r.schemaSpellings) {
                const auto at = static_cast<std::size_t>(location);
                const std::size_t length = location < 0 ? 0 : schemaSpellingLength(sql, at, r.schema);
                if (length == 0)
                    return std::nullopt;
                spellings.emplace_back(at, length);
            }
        }
    if (spellings.empty())
        return std::nullopt;
    std::sort(spellings.begin(), spellings.end());
    spellings.erase(std::unique(spellings.begin(), spellings.end()), spellings.end());
    const std::string view = compile::quoteIdent(task.viewSchema);
    std::string out;
    out.reserve(sql.size() + spellings.size() * view.size());
    std::size_t copied = 0;
    for (const auto &[at, length] : spellings) {
        if (at < copied)
            return std::nullopt; // overlapping spellings: not a shape the analysis produces
        out.append(sql.substr(copied, at - copied));
        out += view;
        copied = at + length;
    }
    out.append(sql.substr(copied));
    return out;
}

} // namespace writ::decide
