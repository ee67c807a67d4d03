// SPDX-License-Identifier: Apache-2.0
#include "compile/planner.h"

#include "compile/live_state.h"
#include "compile/naming.h"
#include "compile/sql_render.h"

#include <algorithm>
#include <map>
#include <set>

namespace writ::compile {

namespace {

template <typename T>
std::vector<T> minus(const std::vector<T> &a, const std::vector<T> &b)
{
    std::vector<T> out;
    std::set_difference(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
    return out;
}

template <typename T>
bool contains(const std::vector<T> &sorted, const T &value)
{
    return std::binary_search(sorted.begin(), sorted.end(), value);
}

class Planner
{
public:
    Planner(const DesiredState &desired, const catalog::Catalog &catalog, const std::optional<Deployment> &last)
        : m_desired(desired), m_catalog(catalog), m_last(last), m_live(liveState(catalog))
    {
        if (m_last)
            m_applied = m_last->state;
        keepOnlyThisDatabasesRoles();
    }

    Plan run();

private:
    /// A fact the policy wants that is missing: drift when the last deployment had created it.
    template <typename T>
    bool missingByHand(const std::vector<T> &applied, const T &fact) const
    {
        return contains(applied, fact);
    }
    template <typename T>
    bool addedByHand(const std::vector<T> &applied, const T &fact) const
    {
        return !contains(applied, fact);
    }

    void add(std::vector<PlanStep> &phase, std::string sql, std::string why, Risk risk, bool drift)
    {
        if (drift)
            why = "drift: " + why;
        phase.push_back({std::move(sql), std::move(why), risk, drift});
    }

    void planPolicies();
    void planViews();

    /// Roles are cluster-wide, deployments are per database: a task-type role another database's policy
    /// created is not this database's to drop. Only roles this policy wants or this database's last
    /// deployment created (and their memberships) take part in the plan; grants in this database still do.
    void keepOnlyThisDatabasesRoles()
    {
        std::set<std::string> ours;
        for (const auto &r : m_desired.roles)
            ours.insert(r.name);
        for (const auto &r : m_applied.roles)
            ours.insert(r.name);
        std::erase_if(m_live.roles, [&](const RoleFact &r) { return !ours.count(r.name); });
        std::erase_if(m_live.memberships, [&](const MembershipFact &m) { return !ours.count(m.member); });
    }

    const DesiredState &m_desired;
    const catalog::Catalog &m_catalog;
    const std::optional<Deployment> &m_last;
    DesiredState m_live;
    DesiredState m_applied;

    // Phases, in the order they run.
    std::vector<PlanStep> m_dropPolicies, m_dropViews, m_revokes, m_dropMemberships, m_disableRls, m_createRoles,
        m_createMemberships, m_createSchemas, m_createViews, m_grants, m_public, m_enableRls, m_createPolicies, m_dropSchemas,
        m_dropRoles;
};

void Planner::planPolicies()
{
    std::map<std::string, const PolicyFact *> live;
    for (const auto &p : m_live.policies)
        live[recordKey(p)] = &p;
    std::map<std::string, const PolicyFact *> wanted;
    for (const auto &p : m_desired.policies)
        wanted[recordKey(p)] = &p;

    // Named references rather than structured bindings: clang 14 cannot capture bindings in lambdas.
    for (const auto &entry : live) {
        const std::string &key = entry.first;
        const PolicyFact *p = entry.second;
        if (wanted.count(key))
            continue;
        const bool byHand = !std::any_of(m_applied.policies.begin(), m_applied.policies.end(),
                                         [&](const PolicyFact &a) { return recordKey(a) == key; });
        add(m_dropPolicies, dropSql(*p), "remove " + describe(*p) + (byHand ? " (created by hand)" : ""), Risk::Medium, byHand);
    }
    for (const auto &entry : wanted) {
        const std::string &key = entry.first;
        const PolicyFact *p = entry.second;
        const auto l = live.find(key);
        if (l == live.end()) {
            const bool byHand = std::any_of(m_applied.policies.begin(), m_applied.policies.end(),
                                            [&](const PolicyFact &a) { return recordKey(a) == key; });
            add(m_createPolicies, createSql(*p),
                (p->passThrough ? "keep " + p->role + "'s " + p->command + " access: " : "create ") + describe(*p)
                    + (byHand ? " (dropped by hand)" : ""),
                p->passThrough ? Risk::Low : Risk::Medium, byHand);
            continue;
        }
        const PolicyFact &current = *l->second;
        const std::string source = p->usingSql + "\n" + p->checkSql;
        const std::string liveText = current.usingSql + "\n" + current.checkSql;
        std::string reason;
        bool drift = false;
        if (current.command != p->command || current.role != p->role) {
            reason = "command or role changed";
            drift = m_last && std::any_of(m_applied.policies.begin(), m_applied.policies.end(), [&](const PolicyFact &a) { return a == *p; });
        } else if (m_last) {
            const auto rec = m_last->recorded.find(key);
            if (rec == m_last->recorded.end()) {
                if (source != liveText)
                    reason = "not recorded by the last deployment";
            } else if (rec->second.source != source) {
                reason = "expression changed";
            } else if (rec->second.live != liveText) {
                reason = "expression edited by hand";
                drift = true;
            }
        } else if (source != liveText) {
            reason = "no deployment recorded its expression";
        }
        if (reason.empty())
            continue;
        add(m_dropPolicies, dropSql(current), "replace " + describe(*p) + ": " + reason, Risk::Medium, drift);
        add(m_createPolicies, createSql(*p), "recreate " + describe(*p), Risk::Medium, drift);
    }
}

void Planner::planViews()
{
    std::map<std::string, const ViewFact *> live, wanted;
    for (const auto &v : m_live.views)
        live[recordKey(v)] = &v;
    for (const auto &v : m_desired.views)
        wanted[recordKey(v)] = &v;
    for (const auto &entry : live)
        if (const ViewFact *v = entry.second; !wanted.count(entry.first))
            add(m_dropViews, dropSql(*v), "remove masked view " + v->schema + "." + v->name, Risk::Low, false);
    for (const auto &entry : wanted) {
        const std::string &key = entry.first;
        const ViewFact *v = entry.second;
        const auto l = live.find(key);
        if (l == live.end()) {
            add(m_createViews, createSql(*v), "create masked view " + v->schema + "." + v->name, Risk::Low, false);
            continue;
        }
        std::string reason;
        bool drift = false;
        if (m_last) {
            const auto rec = m_last->recorded.find(key);
            if (rec == m_last->recorded.end())
                reason = "not recorded by the last deployment";
            else if (rec->second.source != v->definitionSql)
                reason = "definition changed";
            else if (rec->second.live != l->second->definitionSql) {
                reason = "definition edited by hand";
                drift = true;
            }
        } else {
            reason = "no deployment recorded its definition";
        }
        if (reason.empty())
            continue;
        add(m_dropViews, dropSql(*l->second), "replace masked view " + v->schema + "." + v->name + ": " + reason, Risk::Low, drift);
        add(m_createViews, createSql(*v), "recreate masked view " + v->schema + "." + v->name, Risk::Low, drift);
        // Dropping the view dropped its grants too: grant them again.
        for (const auto &g : m_desired.grants)
            if (g.schema == v->schema && g.relation == v->name)
                add(m_grants, createSql(g), "grant " + describe(g) + " on the recreated view", Risk::Low, false);
    }
}

Plan Planner::run()
{
    Plan plan;
    // Roles.
    for (const auto &r : minus(m_desired.roles, m_live.roles))
        add(m_createRoles, createSql(r), "create role " + r.name + " for " + r.description, Risk::Low, missingByHand(m_applied.roles, r));
    for (const auto &r : minus(m_live.roles, m_desired.roles))
        add(m_dropRoles, dropSql(r), "drop role " + r.name + " (" + r.description + " is no longer in the policy)", Risk::Medium,
            addedByHand(m_applied.roles, r));
    for (const auto &m : minus(m_desired.memberships, m_live.memberships))
        add(m_createMemberships, createSql(m), "make " + m.member + " a member of " + m.role, Risk::Low, missingByHand(m_applied.memberships, m));
    for (const auto &m : minus(m_live.memberships, m_desired.memberships))
        add(m_dropMemberships, dropSql(m), "remove " + m.member + " from " + m.role, Risk::Low, addedByHand(m_applied.memberships, m));
    for (const auto &s : minus(m_desired.schemas, m_live.schemas))
        add(m_createSchemas, createSql(s), "create schema " + s.name + " for masked views", Risk::Low, missingByHand(m_applied.schemas, s));
    for (const auto &s : minus(m_live.schemas, m_desired.schemas))
        add(m_dropSchemas, dropSql(s), "drop schema " + s.name, Risk::Low, addedByHand(m_applied.schemas, s));

    planViews();

    // Grants. A grant on a view being recreated is issued by planViews.
    std::set<std::string> alreadyGranted; // one lookup per grant, not a scan of every step (10,000-table policies)
    for (const auto &s : m_grants)
        alreadyGranted.insert(s.sql);
    for (const auto &g : minus(m_desired.grants, m_live.grants)) {
        std::string sql = createSql(g);
        if (!alreadyGranted.count(sql))
            add(m_grants, std::move(sql), "grant " + describe(g), Risk::Medium, missingByHand(m_applied.grants, g));
    }
    for (const auto &g : minus(m_live.grants, m_desired.grants)) {
        // Grants inside a schema being dropped go with it.
        if (std::any_of(m_dropSchemas.begin(), m_dropSchemas.end(), [&](const PlanStep &s) { return s.sql == dropSql(SchemaFact{g.schema}); }))
            continue;
        add(m_revokes, dropSql(g), "revoke " + describeRevoke(g), Risk::Low, addedByHand(m_applied.grants, g));
        // REVOKE of a table-wide privilege also revokes that privilege on every column: grant the
        // column privileges the policy wants again, or the next plan finds them missing.
        if (!g.relation.empty() && g.column.empty())
            for (const auto &d : m_desired.grants)
                if (!d.column.empty() && d.role == g.role && d.schema == g.schema && d.relation == g.relation
                    && d.privilege == g.privilege && contains(m_live.grants, d))
                    add(m_grants, createSql(d), "grant " + describe(d) + " again (the table-wide REVOKE removes it too)", Risk::Low, false);
    }
    for (const auto &f : m_desired.functionReplacements)
        add(m_public, createSql(f), "replace PUBLIC's EXECUTE on SECURITY DEFINER function " + f.schema + "." + f.name + "(" + f.arguments
                                        + ") by explicit grants",
            Risk::High, false);
    for (const auto &p : m_desired.publicReplacements)
        add(m_public, createSql(p), "replace PUBLIC's " + p.privilege + " on " + p.schema + "." + p.relation + " by explicit grants",
            Risk::Medium, false);

    // Row-level security: enable where needed and off; disable only where Writ had enabled it.
    for (const auto &r : m_desired.rls) {
        const catalog::Relation *rel = m_catalog.findRelation(r.schema, r.relation);
        if (!rel || !rel->rlsEnabled)
            add(m_enableRls, createSql(r), "enable row-level security on " + r.schema + "." + r.relation, Risk::High,
                missingByHand(m_applied.rls, r));
    }
    for (const auto &r : minus(m_live.rls, m_desired.rls))
        add(m_disableRls, dropSql(r), "disable row-level security on " + r.schema + "." + r.relation + " (no scope needs it)", Risk::High,
            false);

    planPolicies();

    for (auto *phase : {&m_dropPolicies, &m_dropViews, &m_revokes, &m_dropMemberships, &m_disableRls, &m_createRoles,
                        &m_createMemberships, &m_createSchemas, &m_createViews, &m_grants, &m_public, &m_enableRls,
                        &m_createPolicies, &m_dropSchemas, &m_dropRoles})
        plan.steps.insert(plan.steps.end(), phase->begin(), phase->end());

    const bool runtimeInstalled = m_catalog.findSchema("writ") != nullptr;
    plan.runtimeChange = !runtimeInstalled || !m_last || m_last->runtimeSha256 != runtimeSha256();
    return plan;
}

} // namespace

std::string runtimeSha256()
{
    static const std::string sha = sha256Hex(runtimeSql());
    return sha;
}

Plan planChanges(const DesiredState &desired, const catalog::Catalog &live, const std::optional<Deployment> &last)
{
    return Planner(desired, live, last).run();
}

Plan planFromScratch(const DesiredState &desired)
{
    catalog::Catalog empty;
    Plan plan = planChanges(desired, empty, std::nullopt);
    // On an empty catalog nothing is enabled yet: every RLS fact is a creation.
    return plan;
}

} // namespace writ::compile
