// SPDX-License-Identifier: Apache-2.0
#include "compile/compiler.h"

#include "check/policy_checker.h"
#include "common/text.h"
#include "compile/filter_sql.h"
#include "compile/live_state.h"
#include "compile/naming.h"
#include "compile/sql_quote.h"

#include <algorithm>
#include <map>
#include <set>

namespace writ::compile {

using policy::Operation;

namespace {

bool isSystemRole(const std::string &name)
{
    return name.rfind("pg_", 0) == 0;
}

const char *commandOf(Operation op)
{
    switch (op) {
    case Operation::Select: return "SELECT";
    case Operation::Insert: return "INSERT";
    case Operation::Update: return "UPDATE";
    case Operation::Delete: return "DELETE";
    }
    return "SELECT";
}

/// Privileges that row-level security governs, i.e. that a pass-through policy must keep.
bool isRowCommand(const std::string &privilege)
{
    return privilege == "SELECT" || privilege == "INSERT" || privilege == "UPDATE" || privilege == "DELETE";
}

/// `USING (true)` / `WITH CHECK (true)` for an existing grantee, so enabling RLS changes nothing for it.
PolicyFact passThroughPolicy(const catalog::Relation &rel, const std::string &grantee, const std::string &command)
{
    PolicyFact p{rel.schema, rel.name, passThroughPolicyName(grantee, command), command, grantee, "", "", true};
    if (command != "INSERT")
        p.usingSql = "true";
    if (command == "INSERT" || command == "UPDATE")
        p.checkSql = "true";
    return p;
}

std::string maskExpression(const std::string &column, const policy::Mask &mask)
{
    const std::string value = quoteIdent(column) + "::text";
    switch (mask.kind) {
    case policy::MaskKind::Email: return "writ.mask_email(" + value + ")";
    case policy::MaskKind::Partial:
        return "writ.mask_partial(" + value + ", " + std::to_string(mask.keepStart) + ", " + std::to_string(mask.keepEnd) + ")";
    case policy::MaskKind::Hash: return "writ.mask_hash(" + value + ")";
    case policy::MaskKind::Redact: return "writ.redact(" + value + ")";
    case policy::MaskKind::Null: return "NULL::text";
    }
    return "NULL::text";
}

/// Everything one relation collects from all the scopes that name it.
struct RelationPlan
{
    const catalog::Relation *relation = nullptr;
    bool needsRls = false;
};

class Compiler
{
public:
    Compiler(const policy::Policy &p, const policy::SourceMap &s, const catalog::Catalog &c)
        : m_policy(p), m_sources(s), m_catalog(c)
    {
    }

    CompileResult run();

private:
    void compileTask(const policy::Agent &agent, const policy::TaskType &task);
    void compileScope(const policy::Agent &agent, const policy::TaskType &task, const std::string &role, const policy::Scope &scope);
    std::optional<std::string> filterSql(const std::string &filter, const std::string &path);
    void compileRls();
    void replacePublicGrants();
    void lintRoles();

    const policy::Policy &m_policy;
    const policy::SourceMap &m_sources;
    const catalog::Catalog &m_catalog;
    CompileResult m_out;
    std::map<std::string, RelationPlan> m_relations; ///< "schema.name" -> plan, for relations in any scope
    std::set<std::string> m_writRoles;
};

std::optional<std::string> Compiler::filterSql(const std::string &filter, const std::string &path)
{
    if (const auto problem = filterSpliceProblem(filter)) {
        m_out.diagnostics.error("compile.filter-unsafe", "this filter cannot be embedded in SQL: it contains " + *problem,
                                "write one boolean expression with balanced parentheses", m_sources.find(path));
        return std::nullopt;
    }
    return compileFilter(filter, m_policy);
}

void Compiler::compileScope(const policy::Agent &agent, const policy::TaskType &task, const std::string &role,
                            const policy::Scope &scope)
{
    const std::string path = policy::scopePath(agent.id, task.id, scope.relation.toString());
    const catalog::Relation *rel = m_catalog.findRelation(scope.relation.schema, scope.relation.name);
    if (!rel)
        return; // reported by the checker
    // Row filters and checks are row-level security policies, which PostgreSQL has only for tables:
    // on a view (or a foreign table) ENABLE ROW LEVEL SECURITY and CREATE POLICY fail at apply time,
    // and a view reads its base tables with its owner's rights anyway.
    if ((scope.rows || scope.check) && rel->kind != catalog::RelationKind::Table && rel->kind != catalog::RelationKind::PartitionedTable) {
        m_out.diagnostics.error("compile.filter-on-non-table",
                                rel->qualifiedName() + " is a " + catalog::toString(rel->kind)
                                    + ": PostgreSQL enforces rows: and check: with row-level security, which only tables have",
                                "filter the table it reads in a scope of its own, or remove rows:/check: from this scope",
                                m_sources.find(path + (scope.rows ? "/rows" : "/check")));
        return;
    }
    RelationPlan &plan = m_relations[rel->qualifiedName()];
    plan.relation = rel;

    std::optional<std::string> rows, check;
    if (scope.rows && !(rows = filterSql(*scope.rows, path + "/rows")))
        return;
    if (scope.check && !(check = filterSql(*scope.check, path + "/check")))
        return;
    if (rows || check)
        plan.needsRls = true;

    std::vector<std::string> columns;
    if (scope.columns)
        columns = *scope.columns;
    else
        for (const auto &c : rel->columns)
            columns.push_back(c.name);

    auto grant = [&](const std::string &privilege, const std::string &column) {
        m_out.state.grants.push_back({role, rel->schema, rel->name, column, privilege});
    };
    m_out.state.grants.push_back({role, rel->schema, "", "", "USAGE"});

    // Policies for every operation; USING(true) where the scope has no filter, because once any scope
    // enables RLS on the relation a role without a policy would see nothing.
    const std::string rowsSql = rows.value_or("true");
    for (const Operation op : scope.ops) {
        PolicyFact p{rel->schema, rel->name, policyName(role, policy::toString(op)), commandOf(op), role, "", "", false};
        switch (op) {
        case Operation::Select:
            p.usingSql = rowsSql;
            for (const auto &c : columns)
                if (!scope.masks.count(c))
                    grant("SELECT", c);
            break;
        case Operation::Insert:
            p.checkSql = check.value_or(rowsSql);
            for (const auto &c : columns)
                grant("INSERT", c);
            break;
        case Operation::Update:
            p.usingSql = rowsSql;
            p.checkSql = check.value_or(rowsSql);
            for (const auto &c : scope.updateColumns.empty() ? columns : scope.updateColumns)
                grant("UPDATE", c);
            break;
        case Operation::Delete:
            p.usingSql = rowsSql;
            grant("DELETE", "");
            break;
        }
        m_out.state.policies.push_back(std::move(p));
    }

    if (scope.masks.empty() || !scope.ops.count(Operation::Select))
        return;
    // Masked reads: a security-barrier view in the task type's schema, first on its roles' search_path.
    const std::string viewSchema = viewSchemaName(agent.id, task.id);
    m_out.state.schemas.push_back({viewSchema});
    m_out.state.grants.push_back({role, viewSchema, "", "", "USAGE"});
    m_out.state.grants.push_back({kViewOwnerRole, viewSchema, "", "", "CREATE"}); // needed to own views there
    m_out.state.grants.push_back({role, viewSchema, rel->name, "", "SELECT"});
    std::string select = "SELECT ";
    for (std::size_t i = 0; i < columns.size(); ++i) {
        if (i)
            select += ", ";
        const auto mask = scope.masks.find(columns[i]);
        select += mask == scope.masks.end() ? quoteIdent(columns[i]) : maskExpression(columns[i], mask->second) + " AS " + quoteIdent(columns[i]);
        // The view owner reads every column the view presents.
        m_out.state.grants.push_back({kViewOwnerRole, rel->schema, rel->name, columns[i], "SELECT"});
    }
    select += " FROM " + quoteQualified(rel->schema, rel->name);
    if (rows)
        select += " WHERE (" + *rows + ")";
    m_out.state.views.push_back({viewSchema, rel->name, select});
    m_out.state.grants.push_back({kViewOwnerRole, rel->schema, "", "", "USAGE"});
    // The view owner passes RLS on the base table: the view applies the task's filter itself.
    m_out.state.policies.push_back({rel->schema, rel->name, policyName(kViewOwnerRole, "select"), "SELECT", kViewOwnerRole, "true", "", false});
    plan.needsRls = plan.needsRls || rel->rlsEnabled;
}

void Compiler::compileTask(const policy::Agent &agent, const policy::TaskType &task)
{
    const std::string role = taskTypeRoleName(agent.id, task.id);
    m_writRoles.insert(role);
    m_out.state.roles.push_back({role, agent.id + "/" + task.id});
    m_out.state.memberships.push_back({kRuntimeRole, role});
    for (const auto &scope : task.access)
        compileScope(agent, task, role, scope);
}

void Compiler::compileRls()
{
    std::set<std::string> withoutRls; // removed in one pass at the end: per relation it would be quadratic
    for (auto &[name, plan] : m_relations) {
        const catalog::Relation &rel = *plan.relation;
        // Policies only matter where RLS is on; where Writ does not need it and it is off, drop them.
        if (!plan.needsRls && !rel.rlsEnabled) {
            withoutRls.insert(name);
            continue;
        }
        m_out.state.rls.push_back({rel.schema, rel.name});
        // RLS enabled by someone else already has its own policies for its users; RLS Writ turns on
        // (or turned on earlier: then every policy on the table is Writ's) needs pass-through policies.
        const bool writOwnsRls = !rel.rlsEnabled || writEnabledRls(rel);
        if (!writOwnsRls)
            continue;
        std::set<std::pair<std::string, std::string>> keep; // (grantee, command)
        auto collect = [&](const std::vector<catalog::AclItem> &acl) {
            for (const auto &item : acl) {
                if (item.grantee == rel.owner || isManagedName(item.grantee) || isSystemRole(item.grantee))
                    continue;
                if (isRowCommand(item.privilege))
                    keep.insert({item.grantee, item.privilege});
            }
        };
        collect(rel.acl);
        for (const auto &c : rel.columns)
            collect(c.acl);
        std::vector<std::string> kept;
        for (const auto &[grantee, command] : keep) {
            if (grantee.empty())
                continue; // PUBLIC is replaced by explicit grants (replacePublicGrants), then kept here per role
            m_out.state.policies.push_back(passThroughPolicy(rel, grantee, command));
            kept.push_back(grantee + " (" + command + ")");
        }
        if (!kept.empty()) {
            std::sort(kept.begin(), kept.end());
            kept.erase(std::unique(kept.begin(), kept.end()), kept.end());
            m_out.diagnostics.warning("compile.pass-through",
                                      "row-level security on " + name + " gets pass-through policies for existing users: " + joinList(kept),
                                      "they keep their access unchanged; review whether they should have it", {});
        }
    }
    std::erase_if(m_out.state.policies,
                  [&](const PolicyFact &p) { return withoutRls.count(p.schema + "." + p.relation) > 0; });
}

void Compiler::replacePublicGrants()
{
    std::vector<std::string> others;
    for (const auto &r : m_catalog.roles)
        if (!isManagedName(r.name) && !isSystemRole(r.name) && !r.superuser)
            others.push_back(r.name);
    // SECURITY DEFINER functions run with their owner's rights; EXECUTE to PUBLIC (PostgreSQL's default)
    // lets every agent role call past its scope.
    for (const auto &f : m_catalog.functions) {
        if (!f.securityDefiner || f.schema == "writ")
            continue;
        const bool publicExecute = std::any_of(f.acl.begin(), f.acl.end(),
                                               [](const catalog::AclItem &i) { return i.isPublic() && i.privilege == "EXECUTE"; });
        if (!publicExecute)
            continue;
        std::vector<std::string> grantees;
        for (const auto &o : others)
            if (o != f.owner)
                grantees.push_back(o);
        m_out.state.functionReplacements.push_back({f.schema, f.name, f.arguments, grantees});
        m_out.diagnostics.warning("compile.public-definer-function",
                                  "SECURITY DEFINER function " + f.signature() + " is executable by PUBLIC, so every agent role could "
                                      "call it with its owner's rights",
                                  "the plan grants EXECUTE to " + (grantees.empty() ? std::string("no other role") : joinList(grantees))
                                      + " explicitly and revokes it from PUBLIC",
                                  {});
    }
    // Every relation, not only those in scope: PUBLIC reaches every agent role wherever it is granted.
    for (const auto &rel : m_catalog.relations) {
        if (rel.schema == "writ" || rel.schema.rfind("writ_v_", 0) == 0)
            continue;
        const std::string name = rel.qualifiedName();
        const auto planned = m_relations.find(name);
        const bool rlsOn = rel.rlsEnabled || (planned != m_relations.end() && planned->second.needsRls);
        auto replace = [&](const std::vector<catalog::AclItem> &acl, const std::string &column) {
            for (const auto &item : acl) {
                if (!item.isPublic())
                    continue;
                std::vector<std::string> grantees;
                for (const auto &o : others)
                    if (o != rel.owner)
                        grantees.push_back(o);
                m_out.state.publicReplacements.push_back({rel.schema, rel.name, column, item.privilege, grantees});
                m_out.diagnostics.warning("compile.public-grant",
                                          item.privilege + " on " + name + (column.empty() ? "" : "(" + column + ")")
                                              + " is granted to PUBLIC, so every agent role would inherit it",
                                          "the plan grants it to " + (grantees.empty() ? std::string("no other role") : joinList(grantees))
                                              + " explicitly and revokes it from PUBLIC",
                                          {});
                // The roles that now hold it explicitly keep their rows too.
                if (rlsOn && isRowCommand(item.privilege))
                    for (const auto &g : grantees)
                        m_out.state.policies.push_back(passThroughPolicy(rel, g, item.privilege));
            }
        };
        replace(rel.acl, "");
        for (const auto &c : rel.columns)
            replace(c.acl, c.name);
    }
}

void Compiler::lintRoles()
{
    for (const auto &r : m_catalog.roles) {
        // Writ's roles: this policy's task types, the runtime roles, and any role carrying Writ's comment
        // (task types of other policies, task roles). Others merely named writ_... are not Writ's.
        const bool writs = m_writRoles.count(r.name) || r.name == kViewOwnerRole || r.name == kRuntimeRole
                        || r.comment.rfind(std::string(kManagedComment) + " ", 0) == 0 || r.comment.rfind("writ:task ", 0) == 0;
        if (!isManagedName(r.name) || !writs)
            continue;
        if (r.superuser || r.bypassRls)
            m_out.diagnostics.error("compile.privileged-writ-role",
                                    "role " + r.name + " is " + (r.superuser ? "SUPERUSER" : "BYPASSRLS")
                                        + ": it would see through every row filter",
                                    "ALTER ROLE " + quoteIdent(r.name) + " NOSUPERUSER NOBYPASSRLS;", {});
    }
    for (const auto &[name, plan] : m_relations) {
        const catalog::Role *owner = m_catalog.findRole(plan.relation->owner);
        if (plan.needsRls && owner && owner->login && !owner->superuser)
            m_out.diagnostics.warning("compile.owner-bypass",
                                      name + " is owned by the login role " + owner->name + ", which bypasses row-level security",
                                      "never give an agent that login; consider a NOLOGIN owner role", {});
    }
}

CompileResult Compiler::run()
{
    m_out.diagnostics = check::checkPolicyAgainstCatalog(m_policy, m_sources, m_catalog);
    for (const auto &agent : m_policy.agents)
        for (const auto &task : agent.tasks)
            compileTask(agent, task);
    replacePublicGrants();
    compileRls();
    lintRoles();
    m_out.state.normalize();
    m_out.diagnostics.sortByLocation();
    return std::move(m_out);
}

} // namespace

CompileResult compilePolicy(const policy::Policy &policy, const policy::SourceMap &sources, const catalog::Catalog &catalog)
{
    return Compiler(policy, sources, catalog).run();
}

} // namespace writ::compile
