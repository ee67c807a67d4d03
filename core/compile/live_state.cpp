// SPDX-License-Identifier: Apache-2.0
#include "compile/live_state.h"

#include "compile/naming.h"

#include <algorithm>
#include <set>

namespace writ::compile {

bool writEnabledRls(const catalog::Relation &rel)
{
    if (!rel.rlsEnabled || rel.policies.empty())
        return false;
    // Pass-through policies exist only where Writ turned RLS on, so they mark it as Writ's even after
    // someone adds a policy of their own: that must not cost the existing users their pass-through.
    if (std::any_of(rel.policies.begin(), rel.policies.end(),
                    [](const catalog::RlsPolicy &p) { return p.name.rfind("writ_keep:", 0) == 0; }))
        return true;
    return std::all_of(rel.policies.begin(), rel.policies.end(), [](const catalog::RlsPolicy &p) { return isManagedName(p.name); });
}

namespace {

bool isTaskTypeRole(const catalog::Role &r)
{
    return isManagedName(r.name) && r.comment.rfind(std::string(kManagedComment) + " ", 0) == 0 && r.name != kViewOwnerRole
        && r.name != kRuntimeRole;
}

} // namespace

DesiredState liveState(const catalog::Catalog &catalog)
{
    DesiredState s;
    std::set<std::string> managed = {kViewOwnerRole};
    for (const auto &r : catalog.roles) {
        if (!isTaskTypeRole(r))
            continue;
        managed.insert(r.name);
        s.roles.push_back({r.name, r.comment.substr(std::string(kManagedComment).size() + 1)});
        for (const auto &m : r.memberOf)
            s.memberships.push_back({m, r.name});
    }
    for (const auto &schema : catalog.schemas) {
        if (schema.name == "writ")
            continue; // the runtime schema's grants come with runtime.sql, not with a policy
        if (schema.name.rfind("writ_v_", 0) == 0)
            s.schemas.push_back({schema.name});
        for (const auto &item : schema.acl)
            if (managed.count(item.grantee) && item.grantee != schema.owner)
                s.grants.push_back({item.grantee, schema.name, "", "", item.privilege});
    }
    for (const auto &rel : catalog.relations) {
        for (const auto &item : rel.acl)
            if (managed.count(item.grantee) && item.grantee != rel.owner)
                s.grants.push_back({item.grantee, rel.schema, rel.name, "", item.privilege});
        for (const auto &c : rel.columns)
            for (const auto &item : c.acl)
                if (managed.count(item.grantee))
                    s.grants.push_back({item.grantee, rel.schema, rel.name, c.name, item.privilege});
        if (writEnabledRls(rel))
            s.rls.push_back({rel.schema, rel.name});
        for (const auto &p : rel.policies) {
            if (!isManagedName(p.name))
                continue;
            PolicyFact f{rel.schema, rel.name, p.name, p.command, p.roles.empty() ? std::string() : p.roles.front(),
                         p.usingExpr, p.checkExpr, p.name.rfind("writ_keep:", 0) == 0};
            s.policies.push_back(std::move(f));
        }
        if (rel.kind == catalog::RelationKind::View && rel.schema.rfind("writ_v_", 0) == 0)
            s.views.push_back({rel.schema, rel.name, rel.viewDefinition});
    }
    s.normalize();
    return s;
}

} // namespace writ::compile
