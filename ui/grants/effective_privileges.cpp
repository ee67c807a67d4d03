// SPDX-License-Identifier: Apache-2.0
#include "ui/grants/effective_privileges.h"

#include "catalog/catalog.h"

#include <QObject>

#include <optional>

namespace writ::ui {

namespace {

constexpr TablePrivilege kAll[] = {TablePrivilege::Select, TablePrivilege::Insert, TablePrivilege::Update,
                                   TablePrivilege::Delete, TablePrivilege::Truncate};

int privilegeIndex(const std::string &name)
{
    for (TablePrivilege p : kAll) {
        if (name == privilegeName(p))
            return int(p);
    }
    return -1;
}

void addVia(PrivilegeHold &hold, PrivilegeHold::Kind kind, const QString &via)
{
    // Direct beats Inherited beats ColumnsOnly: the strongest way of holding it decides the cell.
    auto rank = [](PrivilegeHold::Kind k) {
        switch (k) {
        case PrivilegeHold::Kind::Direct: return 3;
        case PrivilegeHold::Kind::Inherited: return 2;
        case PrivilegeHold::Kind::ColumnsOnly: return 1;
        default: return 0;
        }
    };
    if (rank(kind) > rank(hold.kind))
        hold.kind = kind;
    if (!hold.via.contains(via))
        hold.via << via;
}

} // namespace

char privilegeLetter(TablePrivilege p)
{
    return "SIUDT"[int(p)];
}

const char *privilegeName(TablePrivilege p)
{
    static const char *const names[] = {"SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE"};
    return names[int(p)];
}

QString RelationAccess::letters() const
{
    QString out;
    for (TablePrivilege p : kAll) {
        const auto kind = holds[int(p)].kind;
        if (kind == PrivilegeHold::Kind::Direct || kind == PrivilegeHold::Kind::Inherited)
            out += QLatin1Char(privilegeLetter(p));
    }
    return out;
}

bool RelationAccess::any() const
{
    for (const auto &h : holds) {
        if (h.kind != PrivilegeHold::Kind::None)
            return true;
    }
    return false;
}

EffectivePrivileges::EffectivePrivileges(const catalog::Catalog &catalog)
    : m_catalog(catalog)
{
    for (const catalog::Role &r : catalog.roles) {
        if (r.superuser)
            m_superusers.insert(r.name);
    }
}

const std::set<std::string> &EffectivePrivileges::inheritedRoles(const std::string &role) const
{
    if (auto it = m_closure.find(role); it != m_closure.end())
        return it->second;
    std::set<std::string> closure {role};
    const catalog::Role *start = m_catalog.findRole(role);
    if (start && start->inherit) {
        std::vector<std::string> todo(start->memberOf.begin(), start->memberOf.end());
        while (!todo.empty()) {
            const std::string next = todo.back();
            todo.pop_back();
            if (!closure.insert(next).second)
                continue;
            // Privileges flow through a granted role only when that role inherits too.
            if (const catalog::Role *r = m_catalog.findRole(next); r && r->inherit)
                todo.insert(todo.end(), r->memberOf.begin(), r->memberOf.end());
        }
    }
    return m_closure.emplace(role, std::move(closure)).first->second;
}

RelationAccess EffectivePrivileges::access(const std::string &role, const catalog::Relation &relation) const
{
    RelationAccess out;
    const bool isPublic = role == kPublicRow;
    if (!isPublic && m_superusers.count(role)) {
        for (TablePrivilege p : kAll)
            addVia(out.holds[int(p)], PrivilegeHold::Kind::Direct, QObject::tr("superuser: no grant needed"));
        return out;
    }
    static const std::set<std::string> none;
    const std::set<std::string> &mine = isPublic ? none : inheritedRoles(role);
    if (!isPublic && mine.count(relation.owner)) {
        const QString via = relation.owner == role ? QObject::tr("owner") : QObject::tr("via membership in the owner %1").arg(QString::fromStdString(relation.owner));
        for (TablePrivilege p : kAll)
            addVia(out.holds[int(p)], relation.owner == role ? PrivilegeHold::Kind::Direct : PrivilegeHold::Kind::Inherited, via);
    }
    auto holderOf = [&](const catalog::AclItem &a) -> std::optional<std::pair<PrivilegeHold::Kind, QString>> {
        if (a.isPublic())
            return std::pair {isPublic ? PrivilegeHold::Kind::Direct : PrivilegeHold::Kind::Inherited, QObject::tr("via PUBLIC")};
        if (isPublic)
            return std::nullopt;
        if (a.grantee == role)
            return std::pair {PrivilegeHold::Kind::Direct, QObject::tr("granted directly")};
        if (mine.count(a.grantee))
            return std::pair {PrivilegeHold::Kind::Inherited, QObject::tr("via membership in %1").arg(QString::fromStdString(a.grantee))};
        return std::nullopt;
    };
    for (const catalog::AclItem &a : relation.acl) {
        const int index = privilegeIndex(a.privilege);
        if (index < 0)
            continue;
        if (auto holder = holderOf(a))
            addVia(out.holds[index], holder->first, holder->second);
    }
    for (const catalog::Column &column : relation.columns) {
        for (const catalog::AclItem &a : column.acl) {
            const int index = privilegeIndex(a.privilege);
            if (index < 0)
                continue;
            if (auto holder = holderOf(a)) {
                PrivilegeHold &hold = out.holds[index];
                addVia(hold, PrivilegeHold::Kind::ColumnsOnly, QObject::tr("column grant %1").arg(holder->second));
                const QString name = QString::fromStdString(column.name);
                if (!hold.columns.contains(name))
                    hold.columns << name;
            }
        }
    }
    return out;
}

} // namespace writ::ui
