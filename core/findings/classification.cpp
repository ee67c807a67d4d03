// SPDX-License-Identifier: Apache-2.0
#include "findings/classification.h"

#include "sql/pg_parse.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <utility>
#include <vector>

namespace writ::findings {

namespace {

using nlohmann::json;

// ---------------------------------------------------------------------------------------------
// Name-based suggestions.

struct NameRule
{
    std::string_view word;
    bool prefix; ///< also matches words that start with it ("emails", "birthdate")
    std::string_view label;
};

// "card" and "dob" match whole words only: "cardinality" and "adobe" are not sensitive.
constexpr std::array<NameRule, 14> kNameRules {{
    {"email", true, "pii"},
    {"phone", true, "pii"},
    {"address", true, "pii"},
    {"birth", true, "pii"},
    {"passport", true, "pii"},
    {"ssn", false, "pii"},
    {"dob", false, "pii"},
    {"card", false, "pci"},
    {"cardnumber", true, "pci"},
    {"iban", false, "pci"},
    {"password", true, "secret"},
    {"passwd", false, "secret"},
    {"token", true, "secret"},
    {"secret", true, "secret"},
}};

// A last word that makes the column a reference, a counter or a flag about the data, not the data.
constexpr std::array<std::string_view, 12> kNotDataSuffixes {
    "id", "ids", "count", "type", "kind", "status", "verified", "confirmed", "at", "on", "format", "enabled"};

std::vector<std::string> words(std::string_view name)
{
    std::vector<std::string> out;
    std::string current;
    for (const char c : name) {
        if (std::isalnum(static_cast<unsigned char>(c))) {
            current += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        } else if (!current.empty()) {
            out.push_back(std::move(current));
            current.clear();
        }
    }
    if (!current.empty())
        out.push_back(std::move(current));
    return out;
}

// ---------------------------------------------------------------------------------------------
// View lineage: which base columns each output column of a view is computed from.

using Sources = std::set<std::pair<std::string, std::string>>; ///< (schema.relation, column)

struct Output
{
    std::string name;
    Sources sources;
};

/// A FROM item visible at one query level: a relation, or a sub-select with its output columns.
struct Visible
{
    std::string qualifier;
    const catalog::Relation *relation = nullptr;
    std::vector<Output> subselect; ///< when relation is null
};

using Scopes = std::vector<std::vector<Visible>>;

constexpr int kMaxDepth = 200;

class LineageReader
{
public:
    LineageReader(const catalog::Catalog &cat, std::string viewSchema)
        : m_catalog(cat)
        , m_viewSchema(std::move(viewSchema))
    { }

    std::vector<Output> select(const json &stmt, Scopes &scopes, int depth);

private:
    void from(const json &item, std::vector<Visible> &level, Scopes &scopes, int depth);
    void collect(const json &node, Scopes &scopes, Sources &out, int depth);
    void resolve(const json &columnRef, const Scopes &scopes, Sources &out) const;
    const catalog::Relation *findRelation(const std::string &schema, const std::string &name) const;

    const catalog::Catalog &m_catalog;
    std::string m_viewSchema;
};

const catalog::Relation *LineageReader::findRelation(const std::string &schema, const std::string &name) const
{
    if (!schema.empty())
        return m_catalog.findRelation(schema, name);
    // pg_get_viewdef leaves names unqualified when the search_path finds them: normally public.
    for (const std::string &s : {std::string("public"), m_viewSchema}) {
        if (const auto *r = m_catalog.findRelation(s, name))
            return r;
    }
    const auto it = std::find_if(
        m_catalog.relations.begin(), m_catalog.relations.end(), [&](const catalog::Relation &r) { return r.name == name; });
    return it == m_catalog.relations.end() ? nullptr : &*it;
}

void addAll(const Visible &v, Sources &out)
{
    if (v.relation) {
        for (const auto &c : v.relation->columns)
            out.emplace(v.relation->qualifiedName(), c.name);
    } else {
        for (const auto &o : v.subselect)
            out.insert(o.sources.begin(), o.sources.end());
    }
}

void LineageReader::resolve(const json &ref, const Scopes &scopes, Sources &out) const
{
    std::vector<std::string> parts;
    bool star = false;
    for (const auto &field : ref.value("fields", json::array())) {
        if (field.contains("A_Star"))
            star = true;
        else if (const auto s = field.find("String"); s != field.end())
            parts.push_back(s->value("sval", std::string()));
    }
    if (star) {
        // t.* or * (whole-row references): every column of the qualified relation, or of all in scope.
        const std::string qualifier = parts.empty() ? std::string() : parts.back();
        for (auto level = scopes.rbegin(); level != scopes.rend(); ++level) {
            bool matched = false;
            for (const auto &v : *level) {
                if (qualifier.empty() || v.qualifier == qualifier) {
                    addAll(v, out);
                    matched = true;
                }
            }
            if (matched)
                return;
        }
        return;
    }
    if (parts.empty())
        return;
    const std::string &column = parts.back();
    const std::string qualifier = parts.size() >= 2 ? parts[parts.size() - 2] : std::string();
    for (auto level = scopes.rbegin(); level != scopes.rend(); ++level) {
        for (const auto &v : *level) {
            if (!qualifier.empty() && v.qualifier != qualifier)
                continue;
            if (v.relation && v.relation->findColumn(column)) {
                out.emplace(v.relation->qualifiedName(), column);
                return;
            }
            for (const auto &o : v.subselect) {
                if (o.name == column) {
                    out.insert(o.sources.begin(), o.sources.end());
                    return;
                }
            }
            if (!qualifier.empty())
                return; // the qualified relation has no such column: nothing to follow
        }
    }
    // Unqualified and not a column: may be a whole-row reference by relation name.
    for (auto level = scopes.rbegin(); level != scopes.rend(); ++level)
        for (const auto &v : *level)
            if (qualifier.empty() && v.qualifier == column) {
                addAll(v, out);
                return;
            }
}

void LineageReader::collect(const json &node, Scopes &scopes, Sources &out, int depth)
{
    if (depth > kMaxDepth)
        return;
    if (node.is_array()) {
        for (const auto &item : node)
            collect(item, scopes, out, depth + 1);
        return;
    }
    if (!node.is_object())
        return;
    if (const auto sel = node.find("SelectStmt"); sel != node.end()) {
        for (const Output &o : select(*sel, scopes, depth + 1))
            out.insert(o.sources.begin(), o.sources.end());
        return;
    }
    if (const auto ref = node.find("ColumnRef"); ref != node.end()) {
        resolve(*ref, scopes, out);
        return;
    }
    for (const auto &[key, value] : node.items())
        collect(value, scopes, out, depth + 1);
}

void LineageReader::from(const json &item, std::vector<Visible> &level, Scopes &scopes, int depth)
{
    if (!item.is_object() || depth > kMaxDepth)
        return;
    if (const auto rv = item.find("RangeVar"); rv != item.end()) {
        Visible v;
        const std::string name = rv->value("relname", std::string());
        v.relation = findRelation(rv->value("schemaname", std::string()), name);
        v.qualifier = name;
        if (const auto alias = rv->find("alias"); alias != rv->end())
            v.qualifier = alias->value("aliasname", name);
        level.push_back(std::move(v));
        return;
    }
    if (const auto join = item.find("JoinExpr"); join != item.end()) {
        for (const char *side : {"larg", "rarg"})
            if (const auto it = join->find(side); it != join->end())
                from(*it, level, scopes, depth + 1);
        return;
    }
    if (const auto sub = item.find("RangeSubselect"); sub != item.end()) {
        Visible v;
        if (const auto alias = sub->find("alias"); alias != sub->end())
            v.qualifier = alias->value("aliasname", std::string());
        if (const auto q = sub->find("subquery"); q != sub->end())
            if (const auto sel = q->find("SelectStmt"); sel != q->end())
                v.subselect = select(*sel, scopes, depth + 1);
        level.push_back(std::move(v));
        return;
    }
    if (const auto fn = item.find("RangeFunction"); fn != item.end()) {
        Visible v;
        if (const auto alias = fn->find("alias"); alias != fn->end())
            v.qualifier = alias->value("aliasname", std::string());
        level.push_back(std::move(v));
    }
}

std::vector<Output> LineageReader::select(const json &stmt, Scopes &scopes, int depth)
{
    if (depth > kMaxDepth)
        return {};
    if (stmt.contains("larg") && stmt.contains("rarg")) {
        // UNION / INTERSECT / EXCEPT: names from the left branch, values from both.
        std::vector<Output> left = select(stmt["larg"], scopes, depth + 1);
        const std::vector<Output> right = select(stmt["rarg"], scopes, depth + 1);
        for (std::size_t i = 0; i < left.size() && i < right.size(); ++i)
            left[i].sources.insert(right[i].sources.begin(), right[i].sources.end());
        return left;
    }
    std::vector<Visible> level;
    for (const auto &item : stmt.value("fromClause", json::array()))
        from(item, level, scopes, depth + 1);
    scopes.push_back(std::move(level));
    std::vector<Output> outputs;
    for (const auto &target : stmt.value("targetList", json::array())) {
        const auto rt = target.find("ResTarget");
        if (rt == target.end())
            continue;
        const json val = rt->value("val", json::object());
        Output o;
        o.name = rt->value("name", std::string());
        if (o.name.empty()) {
            if (const auto ref = val.find("ColumnRef"); ref != val.end()) {
                const auto fields = ref->value("fields", json::array());
                if (!fields.empty() && fields.back().contains("String"))
                    o.name = fields.back()["String"].value("sval", std::string());
            }
        }
        collect(val, scopes, o.sources, depth + 1);
        outputs.push_back(std::move(o));
    }
    scopes.pop_back();
    return outputs;
}

/// Per output column of a view (in order), the base columns it is computed from; empty when the
/// definition cannot be read.
std::vector<Sources> viewLineage(const catalog::Catalog &cat, const catalog::Relation &view)
{
    if (view.viewDefinition.empty())
        return {};
    const sql::JsonParse parsed = sql::parseToJson(view.viewDefinition);
    if (parsed.error)
        return {};
    try {
        const json tree = json::parse(parsed.json);
        const auto &stmts = tree.at("stmts");
        if (stmts.empty())
            return {};
        const auto &stmt = stmts.at(0).at("stmt");
        const auto sel = stmt.find("SelectStmt");
        if (sel == stmt.end())
            return {};
        LineageReader reader(cat, view.schema);
        Scopes scopes;
        std::vector<Sources> out;
        for (Output &o : reader.select(*sel, scopes, 0))
            out.push_back(std::move(o.sources));
        return out;
    } catch (const json::exception &) {
        return {};
    }
}

bool isView(const catalog::Relation &r)
{
    return r.kind == catalog::RelationKind::View || r.kind == catalog::RelationKind::MaterializedView;
}

} // namespace

std::optional<std::string> suggestedLabel(std::string_view columnName)
{
    const std::vector<std::string> w = words(columnName);
    if (w.empty())
        return std::nullopt;
    if (w.size() > 1 && std::find(kNotDataSuffixes.begin(), kNotDataSuffixes.end(), w.back()) != kNotDataSuffixes.end())
        return std::nullopt;
    for (const std::string &word : w) {
        for (const NameRule &rule : kNameRules) {
            if (word == rule.word || (rule.prefix && word.rfind(rule.word, 0) == 0))
                return std::string(rule.label);
        }
    }
    return std::nullopt;
}

Classifier::Classifier(const catalog::Catalog &catalog, const policy::Policy *policy)
    : m_catalog(catalog)
    , m_policy(policy)
{ }

std::map<std::string, ColumnLabel> Classifier::labels(const catalog::Relation &relation) const
{
    std::set<std::string> visiting;
    return labels(relation, visiting);
}

std::map<std::string, ColumnLabel> Classifier::tableLabels(const catalog::Relation &relation) const
{
    std::map<std::string, ColumnLabel> out;
    if (m_policy) {
        // A partition holds its parent's rows: the parent's classification applies to it too.
        std::vector<std::pair<std::string, std::string>> names {{relation.schema, relation.name}};
        if (const auto dot = relation.partitionOf.find('.'); dot != std::string::npos)
            names.emplace_back(relation.partitionOf.substr(0, dot), relation.partitionOf.substr(dot + 1));
        for (const auto &[ref, label] : m_policy->classify) {
            for (const auto &[schema, name] : names) {
                if (ref.relation.schema == schema && ref.relation.name == name && relation.findColumn(ref.column))
                    out.emplace(ref.column, ColumnLabel {label, false, {}});
            }
        }
        return out;
    }
    for (const auto &c : relation.columns) {
        if (auto label = suggestedLabel(c.name))
            out.emplace(c.name, ColumnLabel {*label, true, {}});
    }
    return out;
}

std::map<std::string, ColumnLabel> Classifier::labels(const catalog::Relation &relation, std::set<std::string> &visiting) const
{
    if (!isView(relation))
        return tableLabels(relation);
    if (!visiting.insert(relation.qualifiedName()).second || visiting.size() > 32)
        return {}; // a cycle cannot happen in PostgreSQL, but a hand-written snapshot may hold one

    std::map<std::string, ColumnLabel> out;
    const std::vector<Sources> lineage = viewLineage(m_catalog, relation);
    if (lineage.size() == relation.columns.size()) {
        std::map<std::string, std::map<std::string, ColumnLabel>> baseLabels; // memo per base relation
        for (std::size_t i = 0; i < lineage.size(); ++i) {
            for (const auto &[baseName, baseColumn] : lineage[i]) {
                auto it = baseLabels.find(baseName);
                if (it == baseLabels.end()) {
                    const auto dot = baseName.find('.');
                    const catalog::Relation *base = m_catalog.findRelation(baseName.substr(0, dot), baseName.substr(dot + 1));
                    it = baseLabels.emplace(baseName, base ? labels(*base, visiting) : std::map<std::string, ColumnLabel> {})
                             .first;
                }
                if (const auto l = it->second.find(baseColumn); l != it->second.end()) {
                    ColumnLabel label = l->second;
                    if (label.source.empty())
                        label.source = baseName + "." + baseColumn;
                    out.emplace(relation.columns[i].name, std::move(label));
                    break;
                }
            }
        }
    }
    if (!m_policy) {
        for (const auto &c : relation.columns) {
            if (auto label = suggestedLabel(c.name))
                out.emplace(c.name, ColumnLabel {*label, true, {}});
        }
    }
    visiting.erase(relation.qualifiedName());
    return out;
}

} // namespace writ::findings
