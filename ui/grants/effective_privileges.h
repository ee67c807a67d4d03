// SPDX-License-Identifier: Apache-2.0
#pragma once

// Who can do what on a relation, as PostgreSQL decides it: a role's own grants, those of every role
// it inherits from (memberships, transitively, when it inherits), PUBLIC's, and ownership or
// superuser status, which need no grant at all. Column grants are kept apart: they allow the
// privilege on those columns only.

#include <QString>
#include <QStringList>

#include <map>
#include <set>
#include <string>
#include <vector>

namespace writ::catalog {
struct Catalog;
struct Relation;
}

namespace writ::ui {

/// The five table privileges the matrix shows, in its column order: S I U D T.
enum class TablePrivilege { Select, Insert, Update, Delete, Truncate };
inline constexpr int kTablePrivilegeCount = 5;
char privilegeLetter(TablePrivilege p);
const char *privilegeName(TablePrivilege p); ///< "SELECT", ...

/// How a role holds one privilege on one relation.
struct PrivilegeHold
{
    enum class Kind { None, Direct, Inherited, ColumnsOnly };
    Kind kind = Kind::None;
    QStringList via;     ///< "granted directly", "via PUBLIC", "via membership in reporting", "owner", "superuser"
    QStringList columns; ///< ColumnsOnly: the columns granted
};

struct RelationAccess
{
    PrivilegeHold holds[kTablePrivilegeCount];

    const PrivilegeHold &operator[](TablePrivilege p) const { return holds[int(p)]; }
    /// "SIUD": every privilege held on the whole relation (directly or not); column-only grants excluded.
    QString letters() const;
    bool any() const;
};

/// The pseudo-role PUBLIC in the matrix.
inline constexpr const char *kPublicRow = "PUBLIC";

class EffectivePrivileges
{
public:
    explicit EffectivePrivileges(const catalog::Catalog &catalog);

    /// What `role` (or kPublicRow) may do on `relation`.
    RelationAccess access(const std::string &role, const catalog::Relation &relation) const;
    /// The roles whose privileges `role` uses without SET ROLE: itself and, when it inherits, its memberships (transitively).
    const std::set<std::string> &inheritedRoles(const std::string &role) const;

private:
    const catalog::Catalog &m_catalog;
    mutable std::map<std::string, std::set<std::string>> m_closure; ///< role -> inheritedRoles(), on demand
    std::set<std::string> m_superusers;
};

} // namespace writ::ui
