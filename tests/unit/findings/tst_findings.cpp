// SPDX-License-Identifier: Apache-2.0
// Findings on current grants, over catalogs built in code: one case per kind of finding, and the
// look-alikes that must not be reported (a role with VALID UNTIL, a pinned search_path, ...).
#include "findings/classification.h"
#include "findings/findings.h"
#include "findings/findings_format.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

#include <algorithm>

using namespace writ;
using namespace writ::findings;
using catalog::AclItem;
using catalog::RelationKind;

namespace {

AclItem grant(std::string grantee, std::string privilege, std::string grantor = "owner")
{
    return {std::move(grantee), std::move(grantor), std::move(privilege), false};
}

/// The owner's full privileges, as introspection spells out a default ACL.
std::vector<AclItem> ownerAcl(const std::string &owner = "owner")
{
    std::vector<AclItem> acl;
    for (const char *p : {"SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER"})
        acl.push_back(grant(owner, p, owner));
    return acl;
}

catalog::Relation relation(std::string name, std::vector<std::string> columns, RelationKind kind = RelationKind::Table)
{
    catalog::Relation r;
    r.schema = "public";
    r.name = std::move(name);
    r.kind = kind;
    r.owner = "owner";
    int n = 0;
    for (auto &c : columns)
        r.columns.push_back({std::move(c), "text", ++n, false, {}});
    r.acl = ownerAcl();
    return r;
}

catalog::Role role(std::string name, bool login)
{
    catalog::Role r;
    r.name = std::move(name);
    r.login = login;
    return r;
}

catalog::Function function(std::string name, std::vector<std::string> config, std::vector<AclItem> acl)
{
    catalog::Function f;
    f.schema = "public";
    f.name = std::move(name);
    f.arguments = "email text";
    f.language = "sql";
    f.owner = "owner";
    f.securityDefiner = true;
    f.volatility = "stable";
    f.config = std::move(config);
    f.acl = std::move(acl);
    return f;
}

/// A catalog with nothing to report: a schema without PUBLIC CREATE, the owner role (NOLOGIN).
catalog::Catalog baseCatalog()
{
    catalog::Catalog c;
    c.database = "shop";
    c.serverVersion = "15.18";
    c.serverVersionNum = 150018;
    c.schemas = {{"public", "owner", {grant("", "USAGE"), grant("owner", "CREATE"), grant("owner", "USAGE")}}};
    c.roles = {role("owner", false)};
    return c;
}

void finish(catalog::Catalog &c)
{
    std::sort(c.relations.begin(), c.relations.end(),
        [](const auto &a, const auto &b) { return a.qualifiedName() < b.qualifiedName(); });
    std::sort(c.roles.begin(), c.roles.end(), [](const auto &a, const auto &b) { return a.name < b.name; });
    c.reindex();
}

std::vector<Finding> run(catalog::Catalog c, const SessionActivity &activity = {}, const policy::Policy *policy = nullptr)
{
    finish(c);
    return findFindings(c, activity, policy);
}

std::vector<Finding> withCode(const std::vector<Finding> &all, const std::string &code)
{
    std::vector<Finding> out;
    std::copy_if(all.begin(), all.end(), std::back_inserter(out), [&](const Finding &f) { return f.code == code; });
    return out;
}

QString describe(const std::vector<Finding> &all)
{
    QStringList lines;
    for (const auto &f : all)
        lines << QString("%1 %2 %3: %4").arg(toString(f.severity), f.code.c_str(), f.object.c_str(), f.title.c_str());
    return lines.isEmpty() ? QString("(no findings)") : lines.join('\n');
}

#define REQUIRE_ONE(var, all, code)                                                                                              \
    const auto var##_all = withCode(all, code);                                                                                  \
    QVERIFY2(var##_all.size() == 1, qPrintable(QString("expected one %1 finding in:\n%2").arg(code, describe(all))));            \
    const Finding &var = var##_all.front();

policy::Policy classifying(std::initializer_list<std::pair<const char *, const char *>> columns)
{
    policy::Policy p;
    p.name = "p";
    for (const auto &[ref, label] : columns) {
        const std::string s = ref;
        const auto last = s.rfind('.');
        const auto first = s.find('.');
        p.classify[{{s.substr(0, first), s.substr(first + 1, last - first - 1)}, s.substr(last + 1)}] = label;
    }
    return p;
}

QString q(const std::string &s)
{
    return QString::fromStdString(s);
}

} // namespace

class TestFindings : public QObject
{
    Q_OBJECT

private slots:
    void cleanCatalogHasNoFindings()
    {
        catalog::Catalog c = baseCatalog();
        c.relations.push_back(relation("tickets", {"id", "subject"}));
        c.relations.back().acl.push_back(grant("app", "SELECT"));
        c.roles.push_back(role("app", false));
        const auto all = run(c);
        QVERIFY2(all.empty(), qPrintable(describe(all)));
    }

    // --- public-grant ------------------------------------------------------------------------

    void publicSelectOnTableIsReported()
    {
        catalog::Catalog c = baseCatalog();
        c.relations.push_back(relation("internal_notes", {"id", "body"}));
        c.relations.back().acl.push_back(grant("", "SELECT"));
        const auto all = run(c);
        REQUIRE_ONE(f, all, "public-grant");
        QCOMPARE(f.severity, Severity::Medium); // nothing classified by name
        QCOMPARE(q(f.object), QString("public.internal_notes"));
        QVERIFY(q(f.title).contains("SELECT on table public.internal_notes is granted to PUBLIC"));
        QVERIFY(q(f.fix).startsWith("REVOKE SELECT ON TABLE \"public\".\"internal_notes\" FROM PUBLIC;"));
        QVERIFY(!f.why.empty());
    }

    void publicSelectReachingClassifiedColumnIsHigh()
    {
        catalog::Catalog c = baseCatalog();
        c.relations.push_back(relation("internal_notes", {"id", "body"}));
        c.relations.back().acl.push_back(grant("", "SELECT"));
        const policy::Policy p = classifying({{"public.internal_notes.body", "confidential"}});
        const auto all = run(c, {}, &p);
        REQUIRE_ONE(f, all, "public-grant");
        QCOMPARE(f.severity, Severity::High);
        QVERIFY2(std::any_of(f.details.begin(), f.details.end(),
                     [](const std::string &d) { return d.find("body (confidential)") != std::string::npos; }),
            qPrintable(describe(all)));
    }

    void publicSelectOnTableWithRowSecurityIsMedium()
    {
        catalog::Catalog c = baseCatalog();
        c.relations.push_back(relation("customers", {"id", "email"}));
        c.relations.back().acl.push_back(grant("", "SELECT"));
        c.relations.back().rlsEnabled = true;
        c.relations.back().policies.push_back({"own_rows", "SELECT", true, {"public"}, "id = 1", ""});
        const auto all = run(c);
        REQUIRE_ONE(f, all, "public-grant");
        QCOMPARE(f.severity, Severity::Medium);
    }

    void publicWriteIsHigh()
    {
        catalog::Catalog c = baseCatalog();
        c.relations.push_back(relation("tickets", {"id", "subject"}));
        c.relations.back().acl.push_back(grant("", "UPDATE"));
        const auto all = run(c);
        REQUIRE_ONE(f, all, "public-grant");
        QCOMPARE(f.severity, Severity::High);
    }

    void publicColumnGrantIsReported()
    {
        catalog::Catalog c = baseCatalog();
        c.relations.push_back(relation("customers", {"id", "email"}));
        c.relations.back().columns[1].acl.push_back(grant("", "SELECT"));
        const auto all = run(c);
        REQUIRE_ONE(f, all, "public-grant");
        QCOMPARE(q(f.object), QString("public.customers.email"));
        QCOMPARE(f.severity, Severity::High); // email is classified by its name
        QCOMPARE(q(f.fix), QString("REVOKE SELECT (\"email\") ON TABLE \"public\".\"customers\" FROM PUBLIC;"));
    }

    void publicSequenceGrantIsLow()
    {
        catalog::Catalog c = baseCatalog();
        c.relations.push_back(relation("tickets_id_seq", {}, RelationKind::Sequence));
        c.relations.back().acl = {grant("owner", "USAGE"), grant("", "USAGE")};
        const auto all = run(c);
        REQUIRE_ONE(f, all, "public-grant");
        QCOMPARE(f.severity, Severity::Low);
        QVERIFY(q(f.fix).startsWith("REVOKE USAGE ON SEQUENCE \"public\".\"tickets_id_seq\" FROM PUBLIC;"));
    }

    void tableWithoutPublicGrantsIsClean()
    {
        catalog::Catalog c = baseCatalog();
        c.relations.push_back(relation("internal_notes", {"id", "body"}));
        const auto all = run(c);
        QVERIFY2(withCode(all, "public-grant").empty(), qPrintable(describe(all)));
    }

    // --- public-schema-create ----------------------------------------------------------------

    void publicCreateOnSchemaIsReported()
    {
        catalog::Catalog c = baseCatalog();
        c.schemas.front().acl.push_back(grant("", "CREATE"));
        const auto all = run(c);
        REQUIRE_ONE(f, all, "public-schema-create");
        QCOMPARE(f.severity, Severity::High);
        QCOMPARE(q(f.object), QString("schema public"));
        QCOMPARE(q(f.fix), QString("REVOKE CREATE ON SCHEMA \"public\" FROM PUBLIC;"));
    }

    void publicUsageOnSchemaIsNotReported()
    {
        const auto all = run(baseCatalog()); // PUBLIC has USAGE only, as on PostgreSQL 15
        QVERIFY2(withCode(all, "public-schema-create").empty(), qPrintable(describe(all)));
    }

    // --- logins ------------------------------------------------------------------------------

    void loginWithoutExpiryIsMedium()
    {
        catalog::Catalog c = baseCatalog();
        c.roles.push_back(role("helpdesk_app", true));
        const auto all = run(c);
        REQUIRE_ONE(f, all, "login-no-expiry");
        QCOMPARE(f.severity, Severity::Medium);
        QCOMPARE(q(f.object), QString("role helpdesk_app"));
        QVERIFY(q(f.fix).contains("\nALTER ROLE \"helpdesk_app\" VALID UNTIL 'YYYY-MM-DD';\n"));
    }

    void loginWithValidUntilIsClean()
    {
        catalog::Catalog c = baseCatalog();
        c.roles.push_back(role("nightly_export", true));
        c.roles.back().validUntil = "2030-01-01T00:00:00Z";
        c.roles.push_back(role("reporting", false)); // NOLOGIN: no password to expire
        const auto all = run(c);
        QVERIFY2(all.empty(), qPrintable(describe(all)));
    }

    void superuserLoginIsHighAndNotAlsoNoExpiry()
    {
        catalog::Catalog c = baseCatalog();
        c.roles.push_back(role("postgres", true));
        c.roles.back().superuser = true;
        const auto all = run(c);
        REQUIRE_ONE(f, all, "superuser-login");
        QCOMPARE(f.severity, Severity::High);
        QVERIFY(q(f.fix).startsWith("ALTER ROLE \"postgres\" NOSUPERUSER;"));
        QVERIFY2(withCode(all, "login-no-expiry").empty(), qPrintable(describe(all)));
    }

    void bypassRlsLoginIsHigh()
    {
        catalog::Catalog c = baseCatalog();
        c.roles.push_back(role("etl", true));
        c.roles.back().bypassRls = true;
        c.roles.back().validUntil = "2030-01-01T00:00:00Z";
        const auto all = run(c);
        REQUIRE_ONE(f, all, "bypassrls-login");
        QCOMPARE(f.severity, Severity::High);
        QCOMPARE(q(f.fix), QString("ALTER ROLE \"etl\" NOBYPASSRLS;"));
        QCOMPARE(all.size(), std::size_t(1));
    }

    void membershipInSuperuserGroupIsReported()
    {
        catalog::Catalog c = baseCatalog();
        c.roles.push_back(role("admins", false));
        c.roles.back().superuser = true;
        c.roles.push_back(role("ops", false));
        c.roles.back().memberOf = {"admins"};
        c.roles.push_back(role("alice", true));
        c.roles.back().memberOf = {"ops"};
        c.roles.back().validUntil = "2030-01-01T00:00:00Z";
        const auto all = run(c);
        REQUIRE_ONE(f, all, "superuser-login");
        QCOMPARE(q(f.object), QString("role alice"));
        QCOMPARE(q(f.fix), QString("REVOKE \"admins\" FROM \"alice\";"));
    }

    void predefinedRoleMembershipIsReported()
    {
        catalog::Catalog c = baseCatalog();
        c.roles.push_back(role("bi", true));
        c.roles.back().memberOf = {"pg_read_all_data"};
        c.roles.back().validUntil = "2030-01-01T00:00:00Z";
        const auto all = run(c);
        REQUIRE_ONE(f, all, "predefined-role-login");
        QCOMPARE(f.severity, Severity::High);
        QCOMPARE(q(f.fix), QString("REVOKE \"pg_read_all_data\" FROM \"bi\";"));
    }

    void roleNamesAreQuotedInFixes()
    {
        catalog::Catalog c = baseCatalog();
        c.roles.push_back(role("App \"One\"", true));
        const auto all = run(c);
        REQUIRE_ONE(f, all, "login-no-expiry");
        QVERIFY2(q(f.fix).contains("ALTER ROLE \"App \"\"One\"\"\" VALID UNTIL"), qPrintable(q(f.fix)));
    }

    // --- shared-principal --------------------------------------------------------------------

    void loginUsedByTwoApplicationsIsShared()
    {
        catalog::Catalog c = baseCatalog();
        c.roles.push_back(role("helpdesk_app", true));
        c.roles.back().validUntil = "2030-01-01T00:00:00Z";
        SessionActivity a;
        a.collected = true;
        a.observer = "postgres";
        a.logins = {{"helpdesk_app", {"helpdesk-web", "mail-importer"}, {"127.0.0.1"}, 2, 0}};
        const auto all = run(c, a);
        REQUIRE_ONE(f, all, "shared-principal");
        QCOMPARE(f.severity, Severity::Medium);
        QCOMPARE(q(f.object), QString("role helpdesk_app"));
        QVERIFY(q(f.title).contains("2 applications"));
        QVERIFY(std::find(f.details.begin(), f.details.end(), "applications: helpdesk-web, mail-importer") != f.details.end());
    }

    void loginUsedFromTwoHostsIsShared()
    {
        SessionActivity a;
        a.collected = true;
        a.logins = {{"app", {"web"}, {"10.0.0.5", "10.0.0.6"}, 2, 0}};
        const auto all = run(baseCatalog(), a);
        REQUIRE_ONE(f, all, "shared-principal");
        QVERIFY(q(f.title).contains("2 hosts"));
    }

    void oneApplicationOnTheDatabaseHostIsNotShared()
    {
        SessionActivity a;
        a.collected = true;
        // The socket and both loopback addresses are the same machine.
        a.logins = {{"app", {"web"}, {"127.0.0.1", "::1", "local"}, 3, 0}, {"batch", {}, {"10.0.0.7"}, 1, 0}};
        const auto all = run(baseCatalog(), a);
        QVERIFY2(all.empty(), qPrintable(describe(all)));
    }

    void restrictedActivityIsNoted()
    {
        SessionActivity a;
        a.collected = true;
        a.observer = "auditor";
        a.seesAllSessions = false;
        const auto all = run(baseCatalog(), a);
        REQUIRE_ONE(f, all, "session-activity-restricted");
        QCOMPARE(f.severity, Severity::Info);
        QVERIFY(q(f.fix).startsWith("GRANT pg_read_all_stats TO \"auditor\";"));
    }

    void activityNotCollectedGivesNoSessionFindings()
    {
        SessionActivity a; // collected = false: an offline review
        a.seesAllSessions = false;
        a.logins = {{"app", {"a", "b"}, {}, 2, 0}};
        const auto all = run(baseCatalog(), a);
        QVERIFY2(all.empty(), qPrintable(describe(all)));
    }

    // --- classified-column-exposed -----------------------------------------------------------

    void classifiedColumnsReadableWithoutRowSecurity()
    {
        catalog::Catalog c = baseCatalog();
        c.relations.push_back(relation("customers", {"id", "name", "email", "phone"}));
        c.relations.back().acl.push_back(grant("helpdesk_app", "SELECT"));
        c.roles.push_back(role("helpdesk_app", false));
        const policy::Policy p = classifying({{"public.customers.email", "pii"}, {"public.customers.phone", "pii"}});
        const auto all = run(c, {}, &p);
        REQUIRE_ONE(f, all, "classified-column-exposed");
        QCOMPARE(f.severity, Severity::Medium);
        QCOMPARE(q(f.object), QString("public.customers"));
        QVERIFY(q(f.title).contains("readable in full by helpdesk_app"));
        QVERIFY2(q(f.fix).contains("REVOKE SELECT ON TABLE \"public\".\"customers\" FROM \"helpdesk_app\";\n"
                                   "GRANT SELECT (\"id\", \"name\") ON TABLE \"public\".\"customers\" TO \"helpdesk_app\";"),
            qPrintable(q(f.fix)));
    }

    void columnNamesSuggestClassificationWithoutPolicy()
    {
        catalog::Catalog c = baseCatalog();
        c.relations.push_back(relation("customers", {"id", "address_id", "email", "birth_date"}));
        c.relations.back().acl.push_back(grant("app", "SELECT"));
        c.roles.push_back(role("app", false));
        const auto all = run(c);
        REQUIRE_ONE(f, all, "classified-column-exposed");
        QVERIFY2(
            std::find(f.details.begin(), f.details.end(), "classified columns: birth_date (pii), email (pii)") != f.details.end(),
            qPrintable(q(f.details.front())));
    }

    void suggestedLabels_data()
    {
        QTest::addColumn<QString>("column");
        QTest::addColumn<QString>("label");
        QTest::newRow("email") << "email"
                               << "pii";
        QTest::newRow("prefixed") << "customer_email"
                                  << "pii";
        QTest::newRow("phone number") << "phone_number"
                                      << "pii";
        QTest::newRow("address line") << "address_line"
                                      << "pii";
        QTest::newRow("birth date") << "birth_date"
                                    << "pii";
        QTest::newRow("birthdate in one word") << "birthdate"
                                               << "pii";
        QTest::newRow("ssn") << "ssn"
                             << "pii";
        QTest::newRow("card") << "card_last4"
                              << "pci";
        QTest::newRow("password") << "password"
                                  << "secret";
        QTest::newRow("password hash") << "password_hash"
                                       << "secret";
        QTest::newRow("api token") << "api_token"
                                   << "secret";
        QTest::newRow("client secret") << "client_secret"
                                       << "secret";
        QTest::newRow("camel case is one word") << "EMail"
                                                << "pii";
        QTest::newRow("foreign key to address") << "address_id"
                                                << "";
        QTest::newRow("flag about email") << "email_verified"
                                          << "";
        QTest::newRow("timestamp about password") << "password_changed_at"
                                                  << "";
        QTest::newRow("cardinality is not a card") << "cardinality"
                                                   << "";
        QTest::newRow("plain") << "subject"
                               << "";
    }

    void suggestedLabels()
    {
        QFETCH(QString, column);
        QFETCH(QString, label);
        QCOMPARE(q(suggestedLabel(column.toStdString()).value_or("")), label);
    }

    void rowSecurityLimitsTheReader()
    {
        catalog::Catalog c = baseCatalog();
        c.relations.push_back(relation("customers", {"id", "email"}));
        c.relations.back().acl.push_back(grant("app", "SELECT"));
        c.relations.back().rlsEnabled = true;
        c.relations.back().policies.push_back({"app_rows", "SELECT", true, {"app"}, "id = 42", ""});
        c.roles.push_back(role("app", false));
        const auto all = run(c);
        QVERIFY2(all.empty(), qPrintable(describe(all)));
    }

    void passThroughPolicyDoesNotLimit()
    {
        catalog::Catalog c = baseCatalog();
        c.relations.push_back(relation("customers", {"id", "email"}));
        c.relations.back().acl.push_back(grant("app", "SELECT"));
        c.relations.back().rlsEnabled = true;
        c.relations.back().policies.push_back({"app_all", "ALL", true, {"app"}, "true", ""});
        c.roles.push_back(role("app", false));
        const auto all = run(c);
        REQUIRE_ONE(f, all, "classified-column-exposed");
        QCOMPARE(q(f.object), QString("public.customers"));
    }

    void columnLevelGrantIsALimit()
    {
        catalog::Catalog c = baseCatalog();
        c.relations.push_back(relation("customers", {"id", "name", "email"}));
        c.relations.back().columns[0].acl.push_back(grant("app", "SELECT"));
        c.relations.back().columns[1].acl.push_back(grant("app", "SELECT"));
        c.roles.push_back(role("app", false));
        const auto all = run(c);
        QVERIFY2(all.empty(), qPrintable(describe(all)));
    }

    void ownerAndSuperusersAreNotReaders()
    {
        catalog::Catalog c = baseCatalog();
        c.relations.push_back(relation("customers", {"id", "email"}));
        c.relations.back().acl.push_back(grant("dba", "SELECT"));
        c.roles.push_back(role("dba", false));
        c.roles.back().superuser = true;
        const auto all = run(c);
        QVERIFY2(withCode(all, "classified-column-exposed").empty(), qPrintable(describe(all)));
    }

    void viewRunningAsOwnerExposesClassifiedBaseColumns()
    {
        catalog::Catalog c = baseCatalog();
        c.relations.push_back(relation("customers", {"id", "name", "email"}));
        c.relations.push_back(relation("tickets", {"id", "customer_id", "status"}));
        catalog::Relation v = relation("open_tickets", {"id", "status", "customer_name", "contact"}, RelationKind::View);
        v.viewDefinition = " SELECT t.id,\n    t.status,\n    c.name AS customer_name,\n    lower(c.email) AS contact\n"
                           "   FROM tickets t\n     JOIN customers c ON c.id = t.customer_id\n  WHERE t.status = 'open'::text;";
        v.acl.push_back(grant("reporting", "SELECT"));
        c.relations.push_back(v);
        c.roles.push_back(role("reporting", false));
        const policy::Policy p = classifying({{"public.customers.email", "pii"}});
        const auto all = run(c, {}, &p);
        REQUIRE_ONE(f, all, "classified-column-exposed");
        QCOMPARE(q(f.object), QString("public.open_tickets"));
        QVERIFY(q(f.title).contains("view public.open_tickets shows classified columns to reporting"));
        QVERIFY2(
            std::find(f.details.begin(), f.details.end(), "contact is computed from public.customers.email") != f.details.end(),
            qPrintable(describe(all)));
        QVERIFY(q(f.fix).contains("\nALTER VIEW \"public\".\"open_tickets\" SET (security_invoker = true);\n"));
    }

    void viewLineageFollowsSubselectsUnionsAndViews()
    {
        catalog::Catalog c = baseCatalog();
        c.relations.push_back(relation("customers", {"id", "email"}));
        c.relations.push_back(relation("leads", {"id", "mail"}));
        catalog::Relation inner = relation("contacts", {"id", "addr"}, RelationKind::View);
        inner.viewDefinition = "SELECT id, email AS addr FROM customers UNION ALL SELECT l.id, l.mail FROM leads l";
        c.relations.push_back(inner);
        catalog::Relation outer = relation("contact_list", {"who"}, RelationKind::MaterializedView);
        outer.viewDefinition = "SELECT s.a AS who FROM (SELECT x.addr AS a FROM contacts x) s";
        outer.acl.push_back(grant("bi", "SELECT"));
        c.relations.push_back(outer);
        c.roles.push_back(role("bi", false));
        const policy::Policy p = classifying({{"public.leads.mail", "pii"}});
        finish(c);
        const Classifier classifier(c, &p);
        const auto labels = classifier.labels(*c.findRelation("public", "contact_list"));
        QCOMPARE(labels.size(), std::size_t(1));
        QCOMPARE(q(labels.at("who").source), QString("public.leads.mail"));
        const auto all = findFindings(c, {}, &p);
        REQUIRE_ONE(f, all, "classified-column-exposed");
        QCOMPARE(q(f.object), QString("public.contact_list"));
    }

    void securityInvokerViewIsLeftToItsTables()
    {
        catalog::Catalog c = baseCatalog();
        c.relations.push_back(relation("customers", {"id", "email"}));
        catalog::Relation v = relation("contacts", {"id", "email"}, RelationKind::View);
        v.viewDefinition = "SELECT id, email FROM customers";
        v.securityInvoker = true;
        v.acl.push_back(grant("reporting", "SELECT"));
        c.relations.push_back(v);
        c.roles.push_back(role("reporting", false));
        const auto all = run(c);
        QVERIFY2(all.empty(), qPrintable(describe(all)));
    }

    // --- secdef-search-path ------------------------------------------------------------------

    void securityDefinerWithoutSearchPathExecutableByPublicIsHigh()
    {
        catalog::Catalog c = baseCatalog();
        c.functions.push_back(function("customer_lookup", {}, {grant("", "EXECUTE"), grant("owner", "EXECUTE")}));
        const auto all = run(c);
        REQUIRE_ONE(f, all, "secdef-search-path");
        QCOMPARE(f.severity, Severity::High);
        QCOMPARE(q(f.object), QString("public.customer_lookup(email text)"));
        QVERIFY2(q(f.fix).contains(
                     "\nALTER FUNCTION \"public\".\"customer_lookup\"(email text) SET search_path = \"public\", pg_temp;\n"),
            qPrintable(q(f.fix)));
        QVERIFY(q(f.fix).contains("REVOKE EXECUTE ON FUNCTION \"public\".\"customer_lookup\"(email text) FROM PUBLIC;"));
    }

    void emptyFunctionAclMeansPublicExecute()
    {
        catalog::Catalog c = baseCatalog();
        c.functions.push_back(function("f", {}, {}));
        const auto all = run(c);
        REQUIRE_ONE(f, all, "secdef-search-path");
        QCOMPARE(f.severity, Severity::High);
    }

    void securityDefinerNotExecutableByPublicIsMedium()
    {
        catalog::Catalog c = baseCatalog();
        c.functions.push_back(function("f", {}, {grant("owner", "EXECUTE"), grant("support", "EXECUTE")}));
        const auto all = run(c);
        REQUIRE_ONE(f, all, "secdef-search-path");
        QCOMPARE(f.severity, Severity::Medium);
        QVERIFY(!q(f.fix).contains("REVOKE"));
    }

    void pinnedSearchPathIsClean()
    {
        catalog::Catalog c = baseCatalog();
        c.functions.push_back(function("ctx", {"search_path=pg_catalog, pg_temp"}, {grant("", "EXECUTE")}));
        c.functions.push_back(function("ctx2", {"search_path=\"my schema\", pg_temp"}, {grant("", "EXECUTE")}));
        const auto all = run(c);
        QVERIFY2(all.empty(), qPrintable(describe(all)));
    }

    void searchPathWithoutPgTempLastIsLow()
    {
        catalog::Catalog c = baseCatalog();
        c.functions.push_back(function("f", {"search_path=public"}, {grant("", "EXECUTE")}));
        const auto all = run(c);
        REQUIRE_ONE(f, all, "secdef-search-path");
        QCOMPARE(f.severity, Severity::Low);
    }

    // --- default privileges ------------------------------------------------------------------

    void defaultPrivilegesToPublicAreReported()
    {
        catalog::Catalog c = baseCatalog();
        c.defaultAcls.push_back({"owner", "public", "table", {grant("", "SELECT")}});
        const auto all = run(c);
        REQUIRE_ONE(f, all, "default-public-grant");
        QCOMPARE(f.severity, Severity::High);
        QCOMPARE(q(f.object), QString("default privileges of role owner in schema public on tables"));
        QVERIFY(q(f.fix).startsWith(
            "ALTER DEFAULT PRIVILEGES FOR ROLE \"owner\" IN SCHEMA \"public\" REVOKE SELECT ON TABLES FROM PUBLIC;"));
    }

    void defaultFunctionExecuteForPublicIsPostgresDefault()
    {
        catalog::Catalog c = baseCatalog();
        // Granting EXECUTE to one role keeps PostgreSQL's own PUBLIC EXECUTE in the stored ACL.
        c.defaultAcls.push_back(
            {"owner", "", "function", {grant("", "EXECUTE"), grant("owner", "EXECUTE"), grant("app", "EXECUTE")}});
        const auto all = run(c);
        QVERIFY2(all.empty(), qPrintable(describe(all)));
    }

    void defaultAllPrivilegesOnTablesAreReported()
    {
        catalog::Catalog c = baseCatalog();
        std::vector<AclItem> acl = ownerAcl();
        for (const char *p : {"SELECT", "INSERT", "UPDATE", "DELETE"})
            acl.push_back(grant("app", p));
        acl.push_back(grant("reader", "SELECT"));
        c.defaultAcls.push_back({"owner", "", "table", acl});
        const auto all = run(c);
        REQUIRE_ONE(f, all, "default-all-privileges");
        QCOMPARE(f.severity, Severity::Medium);
        QCOMPARE(q(f.object), QString("default privileges of role owner on tables"));
        QVERIFY(q(f.fix).startsWith("ALTER DEFAULT PRIVILEGES FOR ROLE \"owner\" REVOKE ALL ON TABLES FROM \"app\";"));
    }

    // --- order and output --------------------------------------------------------------------

    void findingsAreSortedBySeverityCodeObject()
    {
        catalog::Catalog c = baseCatalog();
        c.roles.push_back(role("zeta", true));
        c.roles.push_back(role("alpha", true));
        c.relations.push_back(relation("b_notes", {"id"}));
        c.relations.back().acl.push_back(grant("", "DELETE"));
        c.relations.push_back(relation("a_notes", {"id"}));
        c.relations.back().acl.push_back(grant("", "SELECT"));
        c.functions.push_back(function("f", {}, {}));
        const auto all = run(c);
        QStringList got;
        for (const auto &f : all)
            got << QString("%1 %2 %3").arg(toString(f.severity), f.code.c_str(), f.object.c_str());
        QCOMPARE(got,
            QStringList({"high public-grant public.b_notes", "high secdef-search-path public.f(email text)",
                "medium login-no-expiry role alpha", "medium login-no-expiry role zeta", "medium public-grant public.a_notes"}));
    }

    void everyCodeHasARule()
    {
        const std::vector<std::string> codes {"public-grant", "public-schema-create", "superuser-login", "bypassrls-login",
            "predefined-role-login", "secdef-search-path", "default-public-grant", "classified-column-exposed", "login-no-expiry",
            "shared-principal", "default-all-privileges", "session-activity-restricted"};
        QCOMPARE(findingRules().size(), codes.size());
        for (const auto &code : codes)
            QVERIFY2(findRule(code), code.c_str());
        QCOMPARE(parseSeverity("medium"), std::optional<Severity>(Severity::Medium));
        QVERIFY(!parseSeverity("critical"));
    }

    void textIsAligned()
    {
        std::vector<Finding> all {{Severity::High, "public-grant", "public.notes", "t1", "why one", "REVOKE a;\nGRANT b;", {"d"}},
            {Severity::Medium, "login-no-expiry", "role app", "t2", "why two", "ALTER ROLE x;", {}}};
        const QString text = q(formatText(all, {"shop", "15.18"}));
        QVERIFY(text.startsWith("findings for database shop (PostgreSQL 15.18)\n"));
        QVERIFY2(text.contains("HIGH    public-grant     public.notes\n"), qPrintable(text));
        QVERIFY2(text.contains("MEDIUM  login-no-expiry  role app\n"), qPrintable(text));
        QVERIFY2(text.contains("        fix: REVOKE a;\n             GRANT b;\n"), qPrintable(text));
        QVERIFY(text.contains("        - d\n"));
        QVERIFY(text.endsWith("2 findings: 1 high, 1 medium, 0 low, 0 info\n"));
    }

    void jsonCarriesEveryField()
    {
        std::vector<Finding> all {{Severity::Low, "public-grant", "public.s", "t", "w", "f", {"d1", "d2"}}};
        const QJsonObject root = QJsonDocument::fromJson(QByteArray::fromStdString(formatJson(all, {"shop", "15.18"}))).object();
        QCOMPARE(root["database"].toString(), QString("shop"));
        QCOMPARE(root["counts"].toObject()["low"].toInt(), 1);
        const QJsonObject f = root["findings"].toArray().at(0).toObject();
        QCOMPARE(f["severity"].toString(), QString("low"));
        QCOMPARE(f["code"].toString(), QString("public-grant"));
        QCOMPARE(f["object"].toString(), QString("public.s"));
        QCOMPARE(f["fix"].toString(), QString("f"));
        QCOMPARE(f["details"].toArray().size(), 2);
    }

    void sarifIsAValidMinimalLog()
    {
        std::vector<Finding> all {{Severity::High, "secdef-search-path", "public.f(x integer)", "t", "w", "f", {}},
            {Severity::Info, "session-activity-restricted", "pg_stat_activity", "t", "w", "f", {}}};
        QJsonParseError err;
        const QJsonDocument doc = QJsonDocument::fromJson(QByteArray::fromStdString(formatSarif(all)), &err);
        QCOMPARE(err.error, QJsonParseError::NoError);
        const QJsonObject root = doc.object();
        QCOMPARE(root["version"].toString(), QString("2.1.0"));
        QVERIFY(root["$schema"].toString().contains("sarif-schema-2.1.0"));
        const QJsonObject run = root["runs"].toArray().at(0).toObject();
        const QJsonObject driver = run["tool"].toObject()["driver"].toObject();
        QCOMPARE(driver["name"].toString(), QString("writ"));
        const QJsonArray rules = driver["rules"].toArray();
        QCOMPARE(rules.size(), static_cast<int>(findingRules().size()));
        for (const auto &r : rules) {
            QVERIFY(!r.toObject()["id"].toString().isEmpty());
            QVERIFY(!r.toObject()["shortDescription"].toObject()["text"].toString().isEmpty());
            QVERIFY(!r.toObject()["help"].toObject()["text"].toString().isEmpty());
        }
        const QJsonArray results = run["results"].toArray();
        QCOMPARE(results.size(), 2);
        const QJsonObject first = results.at(0).toObject();
        QCOMPARE(first["ruleId"].toString(), QString("secdef-search-path"));
        QCOMPARE(rules.at(first["ruleIndex"].toInt()).toObject()["id"].toString(), QString("secdef-search-path"));
        QCOMPARE(first["level"].toString(), QString("error"));
        QVERIFY(first["message"].toObject()["text"].toString().startsWith("t."));
        QCOMPARE(first["locations"]
                     .toArray()
                     .at(0)
                     .toObject()["logicalLocations"]
                     .toArray()
                     .at(0)
                     .toObject()["fullyQualifiedName"]
                     .toString(),
            QString("public.f(x integer)"));
        QCOMPARE(results.at(1).toObject()["level"].toString(), QString("note"));
    }
};

QTEST_APPLESS_MAIN(TestFindings)
#include "tst_findings.moc"
