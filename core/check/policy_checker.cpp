// SPDX-License-Identifier: Apache-2.0
#include "check/policy_checker.h"

#include "common/text.h"

namespace writ::check {

using policy::QualifiedName;

namespace {

std::vector<std::string> columnNames(const catalog::Relation &r)
{
    std::vector<std::string> names;
    names.reserve(r.columns.size());
    for (const auto &c : r.columns)
        names.push_back(c.name);
    return names;
}

std::vector<std::string> relationNamesIn(const catalog::Catalog &cat, const std::string &schema)
{
    std::vector<std::string> names;
    for (const auto &r : cat.relations)
        if (r.schema == schema)
            names.push_back(r.name);
    return names;
}

class Checker
{
public:
    Checker(const policy::Policy &p, const policy::SourceMap &s, const catalog::Catalog &c)
        : m_policy(p), m_sources(s), m_catalog(c)
    {
    }

    Diagnostics run();

private:
    const catalog::Relation *relation(const QualifiedName &name, const SourceLocation &at, const std::string &usedBy);
    /// `listPath` is the source-map path of the list; each item is recorded under listPath/<name>.
    void checkColumns(const catalog::Relation &rel, const std::vector<std::string> &columns, const std::string &listPath,
                      const std::string &what);
    void checkScope(const policy::Agent &a, const policy::TaskType &t, const policy::Scope &s);

    const policy::Policy &m_policy;
    const policy::SourceMap &m_sources;
    const catalog::Catalog &m_catalog;
    Diagnostics m_diag;
};

const catalog::Relation *Checker::relation(const QualifiedName &name, const SourceLocation &at, const std::string &usedBy)
{
    if (const auto *r = m_catalog.findRelation(name.schema, name.name))
        return r;
    std::string hint;
    if (!m_catalog.findSchema(name.schema)) {
        hint = "schema '" + name.schema + "' does not exist in database " + m_catalog.database;
    } else {
        const auto names = relationNamesIn(m_catalog, name.schema);
        if (auto near = closestMatch(name.name, names))
            hint = "did you mean " + name.schema + "." + *near + "?";
        else
            hint = "check the name with `writ catalog`, or create the relation first";
    }
    m_diag.error("check.unknown-relation", "relation " + name.toString() + " (" + usedBy + ") does not exist", hint, at);
    return nullptr;
}

void Checker::checkColumns(const catalog::Relation &rel, const std::vector<std::string> &columns, const std::string &listPath,
                           const std::string &what)
{
    const auto names = columnNames(rel);
    for (const auto &c : columns) {
        if (rel.findColumn(c))
            continue;
        std::string hint = "columns of " + rel.qualifiedName() + ": " + joinList(names);
        if (auto near = closestMatch(c, names))
            hint = "did you mean '" + *near + "'? " + hint;
        m_diag.error("check.unknown-column", "column '" + c + "' in " + what + " does not exist in " + rel.qualifiedName(), hint,
                     m_sources.find(listPath + "/" + c));
    }
}

void Checker::checkScope(const policy::Agent &a, const policy::TaskType &t, const policy::Scope &s)
{
    const std::string path = policy::scopePath(a.id, t.id, s.relation.toString());
    const SourceLocation at = m_sources.find(path);
    const std::string owner = a.id + "/" + t.id;
    const catalog::Relation *rel = relation(s.relation, at, "in the access of " + owner);
    if (!rel)
        return;
    if (rel->kind == catalog::RelationKind::Sequence) {
        m_diag.error("check.not-a-table", s.relation.toString() + " is a sequence, not a table or view",
                     "scopes apply to tables, views and materialized views", at);
        return;
    }
    const bool writes = s.ops.count(policy::Operation::Insert) || s.ops.count(policy::Operation::Update)
                     || s.ops.count(policy::Operation::Delete);
    if (writes && rel->kind == catalog::RelationKind::MaterializedView)
        m_diag.error("check.write-to-matview", "a materialized view cannot be written; " + owner + " asks to write "
                                                   + s.relation.toString(),
                     "allow only select on it", at);
    if (s.columns)
        checkColumns(*rel, *s.columns, path + "/columns", "the columns of " + owner);
    checkColumns(*rel, s.updateColumns, path + "/update_columns", "update_columns of " + owner);
    for (const auto &[column, mask] : s.masks)
        checkColumns(*rel, {column}, path + "/mask", "the masks of " + owner);
    if (s.rows)
        m_diag.append(checkRowFilter(*s.rows, s.relation, m_catalog, m_sources.find(path + "/rows")));
    if (s.check)
        m_diag.append(checkRowFilter(*s.check, s.relation, m_catalog, m_sources.find(path + "/check")));
}

Diagnostics Checker::run()
{
    if (!m_policy.database.empty() && !m_catalog.database.empty() && m_policy.database != m_catalog.database)
        m_diag.warning("check.database-mismatch",
                       "the policy is for database '" + m_policy.database + "' but the catalog is of '" + m_catalog.database + "'",
                       "connect to the right database, or fix `database:` in the policy", m_sources.find("database"));
    for (const auto &[column, label] : m_policy.classify) {
        const SourceLocation at = m_sources.find("classify/" + column.toString());
        if (const auto *rel = m_catalog.findRelation(column.relation.schema, column.relation.name)) {
            if (!rel->findColumn(column.column))
                m_diag.warning("check.unknown-column", "classified column " + column.toString() + " does not exist",
                               "remove it from classify or fix the name", at);
        } else {
            m_diag.warning("check.unknown-relation", "classified column " + column.toString() + " is in a relation that does not exist",
                           "remove it from classify or fix the name", at);
        }
    }
    for (const auto &a : m_policy.agents)
        for (const auto &t : a.tasks)
            for (const auto &s : t.access)
                checkScope(a, t, s);
    m_diag.sortByLocation();
    return std::move(m_diag);
}

} // namespace

Diagnostics checkPolicyAgainstCatalog(const policy::Policy &policy, const policy::SourceMap &sources,
                                      const catalog::Catalog &catalog)
{
    return Checker(policy, sources, catalog).run();
}

} // namespace writ::check
