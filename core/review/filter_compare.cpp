// SPDX-License-Identifier: Apache-2.0
#include "review/filter_compare.h"

#include "policy/policy_loader.h"
#include "sql/pg_parse.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <map>
#include <optional>
#include <set>

namespace writ::review {

namespace {

using nlohmann::json;

/// `$key` -> `$N`, numbering keys by name through `numbers`, so both versions agree on which
/// parameter is which. The parser cannot read `$name`; `$N` keeps the parameter's identity.
std::string numberParameters(const std::string &filter, std::map<std::string, int> &numbers)
{
    std::string out;
    std::size_t last = 0;
    for (const auto &param : policy::contextParameters(filter)) {
        out.append(filter, last, param.offset - last);
        const auto [it, inserted] = numbers.emplace(param.name, static_cast<int>(numbers.size()) + 1);
        out += "$" + std::to_string(it->second);
        last = param.offset + param.name.size() + 1;
    }
    out.append(filter, last, std::string::npos);
    return out;
}

void dropLocations(json &node)
{
    if (node.is_object()) {
        node.erase("location");
        for (auto &[key, value] : node.items())
            dropLocations(value);
    } else if (node.is_array()) {
        for (auto &item : node)
            dropLocations(item);
    }
}

/// The WHERE expression of `SELECT 1 WHERE (filter)`, without positions; nullopt when the text is
/// not exactly one expression.
std::optional<json> expressionTree(const std::string &filter, std::map<std::string, int> &numbers)
{
    const std::string sql = "SELECT 1 WHERE (" + numberParameters(filter, numbers) + "\n)";
    const sql::JsonParse parsed = sql::parseToJson(sql);
    if (parsed.error)
        return std::nullopt;
    json tree = json::parse(parsed.json, nullptr, false);
    if (tree.is_discarded())
        return std::nullopt;
    const json &stmts = tree.value("stmts", json::array());
    if (stmts.size() != 1)
        return std::nullopt;
    const json *select = nullptr;
    if (const auto stmt = stmts[0].find("stmt"); stmt != stmts[0].end())
        if (const auto s = stmt->find("SelectStmt"); s != stmt->end())
            select = &*s;
    if (!select || !select->contains("whereClause"))
        return std::nullopt;
    // Text that closes the parenthesis and goes on (a UNION, an ORDER BY, ...) is not a filter.
    for (const auto &[key, value] : select->items())
        if (key != "targetList" && key != "whereClause" && key != "limitOption" && !(key == "op" && value == "SETOP_NONE"))
            return std::nullopt;
    json where = (*select)["whereClause"];
    dropLocations(where);
    return where;
}

bool isTrueConstant(const json &node)
{
    const auto c = node.find("A_Const");
    if (c == node.end())
        return false;
    const auto b = c->find("boolval");
    return b != c->end() && b->value("boolval", false);
}

/// The AND-ed terms of an expression, nested ANDs flattened; a literal `true` term adds nothing.
void conjuncts(const json &node, std::set<std::string> &out)
{
    if (const auto b = node.find("BoolExpr"); b != node.end() && b->value("boolop", std::string()) == "AND_EXPR") {
        for (const auto &arg : b->value("args", json::array()))
            conjuncts(arg, out);
        return;
    }
    if (!isTrueConstant(node))
        out.insert(node.dump());
}

} // namespace

FilterRelation compareFilters(const std::string &oldFilter, const std::string &newFilter)
{
    std::map<std::string, int> numbers;
    const auto oldTree = expressionTree(oldFilter, numbers);
    const auto newTree = expressionTree(newFilter, numbers);
    if (!oldTree || !newTree)
        return oldFilter == newFilter ? FilterRelation::Same : FilterRelation::Different;
    if (*oldTree == *newTree)
        return FilterRelation::Same;
    std::set<std::string> oldTerms, newTerms;
    conjuncts(*oldTree, oldTerms);
    conjuncts(*newTree, newTerms);
    if (oldTerms == newTerms)
        return FilterRelation::Same; // the same terms in another order
    if (std::includes(newTerms.begin(), newTerms.end(), oldTerms.begin(), oldTerms.end()))
        return FilterRelation::Stronger;
    if (std::includes(oldTerms.begin(), oldTerms.end(), newTerms.begin(), newTerms.end()))
        return FilterRelation::Weaker;
    return FilterRelation::Different;
}

} // namespace writ::review
