// SPDX-License-Identifier: Apache-2.0
// What the grants matrix computes for one cell: a role's own grants, those inherited through
// memberships (only when inheriting), PUBLIC's, ownership, superuser, and column-only grants.
#include "ui/grants/effective_privileges.h"

#include "catalog/catalog.h"

#include <QTest>

using namespace writ;
using namespace writ::ui;

namespace {

catalog::Catalog makeCatalog()
{
    catalog::Catalog cat;
    auto role = [&](std::string name, bool login, std::vector<std::string> memberOf, bool inherit = true, bool super = false) {
        catalog::Role r;
        r.name = std::move(name);
        r.login = login;
        r.memberOf = std::move(memberOf);
        r.inherit = inherit;
        r.superuser = super;
        cat.roles.push_back(r);
    };
    role("admin", true, {}, true, true);
    role("app", true, {"writers"});
    role("writers", false, {"readers"});
    role("readers", false, {});
    role("noinherit", true, {"readers"}, false);
    role("owner_role", false, {});
    role("member_of_owner", true, {"owner_role"});
    role("analyst", true, {});

    catalog::Relation t;
    t.schema = "public";
    t.name = "orders";
    t.owner = "owner_role";
    t.columns = {{"id", "bigint", 1, true, {}}, {"total", "numeric", 2, false, {{"analyst", "owner_role", "SELECT", false}}}};
    t.acl = {{"readers", "owner_role", "SELECT", false}, {"writers", "owner_role", "INSERT", false},
             {"app", "owner_role", "DELETE", false}, {"", "owner_role", "TRUNCATE", false}};
    cat.relations.push_back(t);
    cat.reindex();
    return cat;
}

} // namespace

class TestEffectivePrivileges : public QObject
{
    Q_OBJECT

private slots:
    void membershipsAreFollowedTransitively()
    {
        const catalog::Catalog cat = makeCatalog();
        EffectivePrivileges privileges(cat);
        const RelationAccess app = privileges.access("app", cat.relations[0]);
        QCOMPARE(app.letters(), QStringLiteral("SIDT"));
        QCOMPARE(app[TablePrivilege::Delete].kind, PrivilegeHold::Kind::Direct);
        QCOMPARE(app[TablePrivilege::Insert].kind, PrivilegeHold::Kind::Inherited);
        QVERIFY(app[TablePrivilege::Insert].via.contains(QStringLiteral("via membership in writers")));
        QVERIFY(app[TablePrivilege::Select].via.contains(QStringLiteral("via membership in readers")));
        QVERIFY(app[TablePrivilege::Truncate].via.contains(QStringLiteral("via PUBLIC")));
        QCOMPARE(app[TablePrivilege::Update].kind, PrivilegeHold::Kind::None);
    }

    void noInheritRolesGetOnlyTheirOwnAndPublic()
    {
        const catalog::Catalog cat = makeCatalog();
        EffectivePrivileges privileges(cat);
        QCOMPARE(privileges.access("noinherit", cat.relations[0]).letters(), QStringLiteral("T"));
        QCOMPARE(privileges.access(kPublicRow, cat.relations[0]).letters(), QStringLiteral("T"));
        QCOMPARE(privileges.access(kPublicRow, cat.relations[0])[TablePrivilege::Truncate].kind, PrivilegeHold::Kind::Direct);
    }

    void ownersAndSuperusersNeedNoGrant()
    {
        const catalog::Catalog cat = makeCatalog();
        EffectivePrivileges privileges(cat);
        QCOMPARE(privileges.access("admin", cat.relations[0]).letters(), QStringLiteral("SIUDT"));
        QCOMPARE(privileges.access("owner_role", cat.relations[0]).letters(), QStringLiteral("SIUDT"));
        const RelationAccess member = privileges.access("member_of_owner", cat.relations[0]);
        QCOMPARE(member.letters(), QStringLiteral("SIUDT"));
        QCOMPARE(member[TablePrivilege::Update].kind, PrivilegeHold::Kind::Inherited);
    }

    void columnGrantsAreKeptApart()
    {
        const catalog::Catalog cat = makeCatalog();
        EffectivePrivileges privileges(cat);
        const RelationAccess analyst = privileges.access("analyst", cat.relations[0]);
        QCOMPARE(analyst.letters(), QStringLiteral("T")); // SELECT on some columns only is not a table grant
        QCOMPARE(analyst[TablePrivilege::Select].kind, PrivilegeHold::Kind::ColumnsOnly);
        QCOMPARE(analyst[TablePrivilege::Select].columns, QStringList {QStringLiteral("total")});
    }
};

QTEST_MAIN(TestEffectivePrivileges)
#include "tst_effective_privileges.moc"
