// SPDX-License-Identifier: Apache-2.0
// Row filters and checks: parsed with libpg_query inside `SELECT 1 FROM <relation> WHERE (...)`,
// then every relation and column they name is resolved against the catalog, innermost query first.

#include "check/policy_checker.h"

#include "common/text.h"
#include "policy/policy_loader.h"
#include "sql/pg_parse.h"

#include <nlohmann/json.hpp>

namespace writ::check {

namespace {

using nlohmann::json;

/// A relation visible in one query level, by the name its columns can be qualified with.
struct Visible
{
    std::string qualifier; ///< alias, or the bare relation name
    const catalog::Relation *relation = nullptr; ///< null for sub-selects and functions: columns not checked
};

class FilterResolver
{
public:
    FilterResolver(const catalog::Catalog &cat, std::string_view filter, std::size_t prefixLength, const SourceLocation &at)
        : m_catalog(cat), m_filter(filter), m_prefix(prefixLength), m_at(at)
    {
    }

    void walk(const json &node, std::vector<std::vector<Visible>> &scopes, int depth = 0);
    Diagnostics take() { return std::move(m_diag); }

private:
    SourceLocation place(const json &node) const;
    void collectFrom(const json &fromItem, std::vector<Visible> &level, int depth);
    void resolveColumn(const json &columnRef, const std::vector<std::vector<Visible>> &scopes);

    const catalog::Catalog &m_catalog;
    std::string_view m_filter;
    std::size_t m_prefix;
    SourceLocation m_at;
    Diagnostics m_diag;
};

SourceLocation FilterResolver::place(const json &node) const
{
    SourceLocation loc = m_at;
    const auto it = node.find("location");
    if (it == node.end() || !it->is_number_integer())
        return loc;
    const long long raw = it->get<long long>();
    if (raw < static_cast<long long>(m_prefix))
        return loc;
    const std::size_t offset = static_cast<std::size_t>(raw) - m_prefix;
    const LineColumn lc = lineColumnAt(m_filter, offset);
    if (lc.line == 1) {
        loc.column += lc.column - 1;
    } else {
        loc.line += lc.line - 1;
        loc.column = lc.column;
    }
    return loc;
}

void FilterResolver::collectFrom(const json &item, std::vector<Visible> &level, int depth)
{
    if (!item.is_object())
        return;
    if (const auto rv = item.find("RangeVar"); rv != item.end()) {
        const std::string schema = rv->value("schemaname", std::string("public"));
        const std::string name = rv->value("relname", std::string());
        std::string qualifier = name;
        if (const auto alias = rv->find("alias"); alias != rv->end())
            qualifier = alias->value("aliasname", name);
        const catalog::Relation *rel = m_catalog.findRelation(schema, name);
        if (!rel) {
            std::vector<std::string> names;
            for (const auto &r : m_catalog.relations)
                if (r.schema == schema)
                    names.push_back(r.name);
            std::string hint = "a filter may only name relations that exist";
            if (auto near = closestMatch(name, names))
                hint = "did you mean " + schema + "." + *near + "?";
            m_diag.error("check.unknown-relation", "relation " + schema + "." + name + " in a row filter does not exist", hint,
                         place(*rv));
        }
        level.push_back({qualifier, rel});
        return;
    }
    if (const auto join = item.find("JoinExpr"); join != item.end()) {
        if (join->contains("larg"))
            collectFrom((*join)["larg"], level, depth);
        if (join->contains("rarg"))
            collectFrom((*join)["rarg"], level, depth);
        return;
    }
    // Sub-selects and set-returning functions in FROM: visible by alias, columns unknown.
    for (const char *kind : {"RangeSubselect", "RangeFunction"}) {
        if (const auto sub = item.find(kind); sub != item.end()) {
            std::string qualifier;
            if (const auto alias = sub->find("alias"); alias != sub->end())
                qualifier = alias->value("aliasname", std::string());
            level.push_back({qualifier, nullptr});
            return;
        }
    }
}

void FilterResolver::resolveColumn(const json &ref, const std::vector<std::vector<Visible>> &scopes)
{
    std::vector<std::string> parts;
    for (const auto &field : ref.value("fields", json::array())) {
        if (field.contains("A_Star"))
            return; // `*` is checked by the statement analyzer, not here
        if (const auto s = field.find("String"); s != field.end())
            parts.push_back(s->value("sval", std::string()));
    }
    if (parts.empty() || parts.size() > 3)
        return;
    const std::string column = parts.back();
    const std::string qualifier = parts.size() >= 2 ? parts[parts.size() - 2] : std::string();

    std::vector<std::string> searched;
    for (auto level = scopes.rbegin(); level != scopes.rend(); ++level) {
        for (const auto &v : *level) {
            if (!qualifier.empty() && v.qualifier != qualifier)
                continue;
            if (!v.relation)
                return; // sub-select or function: cannot check, accept
            if (v.relation->findColumn(column))
                return;
            searched.push_back(v.relation->qualifiedName());
            if (!qualifier.empty()) {
                std::vector<std::string> names;
                for (const auto &c : v.relation->columns)
                    names.push_back(c.name);
                std::string hint = "columns of " + v.relation->qualifiedName() + ": " + joinList(names);
                if (auto near = closestMatch(column, names))
                    hint = "did you mean '" + *near + "'? " + hint;
                m_diag.error("check.unknown-column",
                             "column " + qualifier + "." + column + " in a row filter does not exist in " + v.relation->qualifiedName(),
                             hint, place(ref));
                return;
            }
        }
    }
    if (!qualifier.empty()) {
        m_diag.error("check.unknown-qualifier", "'" + qualifier + "' in " + qualifier + "." + column + " is not a relation of this filter",
                     "qualify with the scoped relation's name or a FROM alias of the sub-query", place(ref));
        return;
    }
    std::vector<std::string> names;
    for (auto level = scopes.rbegin(); level != scopes.rend(); ++level)
        for (const auto &v : *level)
            if (v.relation)
                for (const auto &c : v.relation->columns)
                    names.push_back(c.name);
    std::string hint = "columns in reach: " + joinList(names);
    if (auto near = closestMatch(column, names))
        hint = "did you mean '" + *near + "'? " + hint;
    m_diag.error("check.unknown-column", "column '" + column + "' in a row filter does not exist in " + joinList(searched), hint,
                 place(ref));
}

void FilterResolver::walk(const json &node, std::vector<std::vector<Visible>> &scopes, int depth)
{
    if (depth > 400) { // libpg_query refuses much deeper trees already; keep our own recursion bounded too
        m_diag.error("check.filter-too-deep", "the row filter nests too deeply", "simplify the expression", m_at);
        return;
    }
    if (node.is_array()) {
        for (const auto &item : node)
            walk(item, scopes, depth + 1);
        return;
    }
    if (!node.is_object())
        return;
    if (const auto select = node.find("SelectStmt"); select != node.end()) {
        std::vector<Visible> level;
        for (const auto &item : select->value("fromClause", json::array()))
            collectFrom(item, level, depth);
        scopes.push_back(std::move(level));
        for (const auto &[key, value] : select->items())
            if (key != "fromClause")
                walk(value, scopes, depth + 1);
        // Join conditions and sub-selects in FROM see this level too.
        for (const auto &item : select->value("fromClause", json::array()))
            walk(item, scopes, depth + 1);
        scopes.pop_back();
        return;
    }
    if (const auto ref = node.find("ColumnRef"); ref != node.end()) {
        resolveColumn(*ref, scopes);
        return;
    }
    for (const auto &[key, value] : node.items())
        walk(value, scopes, depth + 1);
}

std::string quoteIdent(const std::string &s)
{
    std::string out = "\"";
    for (const char c : s)
        out += c == '"' ? std::string("\"\"") : std::string(1, c);
    return out + "\"";
}

} // namespace

Diagnostics checkRowFilter(const std::string &filter, const policy::QualifiedName &relation, const catalog::Catalog &catalog,
                           const SourceLocation &at)
{
    Diagnostics diag;
    // $key parameters become $1 padded to the same length, so parser offsets map 1:1 onto the filter.
    std::string text = filter;
    for (const auto &param : policy::contextParameters(filter)) {
        const std::size_t len = param.name.size() + 1;
        text.replace(param.offset, len, ("$1" + std::string(len > 2 ? len - 2 : 0, ' ')).substr(0, len));
    }
    const std::string prefix = "SELECT 1 FROM " + quoteIdent(relation.schema) + "." + quoteIdent(relation.name) + " WHERE (";
    const std::string sql = prefix + text + "\n)";
    const sql::JsonParse parsed = sql::parseToJson(sql);
    if (parsed.error) {
        SourceLocation loc = at;
        const std::size_t off = parsed.error->offset >= prefix.size() ? parsed.error->offset - prefix.size() : 0;
        const LineColumn lc = lineColumnAt(filter, std::min(off, filter.size()));
        if (lc.line == 1)
            loc.column += lc.column - 1;
        else {
            loc.line += lc.line - 1;
            loc.column = lc.column;
        }
        diag.error("check.filter-syntax", "row filter does not parse: " + parsed.error->message,
                   "write a SQL boolean expression over the columns of " + relation.toString() + ", e.g. customer_id = $customer_id",
                   loc);
        return diag;
    }
    json tree;
    try {
        tree = json::parse(parsed.json);
    } catch (const json::exception &e) {
        diag.error("check.filter-internal", std::string("cannot read the parse tree: ") + e.what(), {}, at);
        return diag;
    }
    const auto &stmts = tree.value("stmts", json::array());
    if (stmts.size() != 1) {
        diag.error("check.filter-multiple", "a row filter must be a single expression",
                   "remove ';' and anything after it", at);
        return diag;
    }
    FilterResolver resolver(catalog, filter, prefix.size(), at);
    std::vector<std::vector<Visible>> scopes;
    resolver.walk(stmts[0], scopes);
    return resolver.take();
}

} // namespace writ::check
