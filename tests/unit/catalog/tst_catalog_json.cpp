// SPDX-License-Identifier: Apache-2.0
#include "catalog/catalog.h"
#include "catalog/catalog_error.h"
#include "catalog/catalog_json.h"

#include <QTemporaryDir>
#include <QTest>

#include <fstream>

using namespace writ::catalog;

namespace {

QString q(const std::string &s)
{
    return QString::fromStdString(s);
}

// A small catalog exercising every field, including the awkward ones (PUBLIC grantee,
// partition parent, view definition with newlines, non-ASCII names, optional validUntil).
Catalog sampleCatalog()
{
    Catalog c;
    c.database = "supportdesk";
    c.serverVersion = "15.18";
    c.serverVersionNum = 150018;
    c.schemas.push_back({"public", "pg_database_owner",
        {{"", "pg_database_owner", "USAGE", false}, {"pg_database_owner", "pg_database_owner", "CREATE", false}}});
    c.schemas.push_back({"reporting", "owner", {}});

    Relation customers;
    customers.schema = "public";
    customers.name = "customers";
    customers.owner = "owner";
    customers.reltuples = 1200;
    customers.rlsEnabled = true;
    customers.comment = "people who open tickets";
    customers.columns = {{"id", "integer", 1, true, {}},
        {"email", "character varying(200)", 2, false, {{"helpdesk_app", "owner", "SELECT", false}}},
        {"näme", "text", 4, false, {}}};
    customers.primaryKey = {"id"};
    customers.acl = {{"", "owner", "SELECT", false}, {"owner", "owner", "INSERT", true}};
    customers.policies = {{"own_rows", "SELECT", true, {"helpdesk_app"}, "(id = current_setting('app.id')::integer)", ""},
        {"no_writes", "ALL", false, {"public"}, "false", "false"}};
    c.relations.push_back(customers);

    Relation payments;
    payments.schema = "public";
    payments.name = "payments";
    payments.kind = RelationKind::PartitionedTable;
    payments.owner = "owner";
    payments.columns = {{"id", "bigint", 1, true, {}}, {"customer_id", "integer", 2, true, {}}};
    payments.foreignKeys = {{"payments_customer_fk", {"customer_id"}, "public", "customers", {"id"}}};
    c.relations.push_back(payments);

    Relation part = payments;
    part.name = "payments_2024";
    part.kind = RelationKind::Table;
    part.partitionOf = "public.payments";
    part.reltuples = -1;
    c.relations.push_back(part);

    Relation view;
    view.schema = "reporting";
    view.name = "open_tickets";
    view.kind = RelationKind::View;
    view.securityBarrier = true;
    view.securityInvoker = true;
    view.viewDefinition = " SELECT t.id\n   FROM tickets t\n  WHERE t.status = 'open'::text;";
    view.columns = {{"id", "integer", 1, false, {}}};
    c.relations.push_back(view);

    Relation seq;
    seq.schema = "reporting";
    seq.name = "ids";
    seq.kind = RelationKind::Sequence;
    c.relations.push_back(seq);

    Role app;
    app.name = "helpdesk_app";
    app.login = true;
    app.connectionLimit = 20;
    app.memberOf = {"pg_read_all_data", "support"};
    Role owner;
    owner.name = "owner";
    owner.createDb = true;
    owner.validUntil = "2030-01-01T00:00:00Z";
    owner.comment = "owns everything";
    Role admin;
    admin.name = "superadmin";
    admin.superuser = true;
    admin.bypassRls = true;
    admin.createRole = true;
    admin.inherit = false;
    c.roles = {app, owner, admin};

    Function f;
    f.schema = "public";
    f.name = "close_ticket";
    f.arguments = "ticket_id integer";
    f.returns = "void";
    f.language = "plpgsql";
    f.owner = "owner";
    f.securityDefiner = true;
    f.volatility = "volatile";
    f.config = {"search_path=pg_catalog, pg_temp"};
    f.acl = {{"", "owner", "EXECUTE", false}};
    c.functions.push_back(f);

    c.defaultAcls.push_back({"owner", "public", "table", {{"helpdesk_app", "owner", "SELECT", false}}});
    c.defaultAcls.push_back({"owner", "", "function", {}});
    c.reindex();
    return c;
}

std::string errorOf(std::string_view text)
{
    try {
        catalogFromJson(text);
    } catch (const CatalogError &e) {
        if (e.kind() != CatalogError::Kind::Malformed)
            return "wrong kind: " + std::string(e.what());
        return e.what();
    }
    return "no error";
}

} // namespace

class TestCatalogJson : public QObject
{
    Q_OBJECT

private slots:
    void roundTripPreservesEveryField()
    {
        const Catalog original = sampleCatalog();
        const std::string text = toJson(original);
        const Catalog loaded = catalogFromJson(text);
        QVERIFY(loaded == original);
        // Writing what was read gives the same bytes: snapshots diff cleanly.
        QCOMPARE(q(toJson(loaded)), q(text));
    }

    void outputIsPrettyVersionedAndEndsWithNewline()
    {
        const std::string text = toJson(sampleCatalog());
        QVERIFY(text.rfind("{\n  \"writ_catalog\": 1,\n  \"database\": \"supportdesk\",\n", 0) == 0);
        QVERIFY(text.size() > 2 && text.back() == '\n' && text[text.size() - 2] == '}');
        // UTF-8 is written as is, not \u-escaped, so reviewers read names.
        QVERIFY(text.find("\"näme\"") != std::string::npos);
    }

    void emptyCatalogRoundTrips()
    {
        const Catalog empty;
        QVERIFY(catalogFromJson(toJson(empty)) == empty);
    }

    void minimalSnapshotTakesModelDefaults()
    {
        const Catalog c = catalogFromJson(R"({"writ_catalog": 1,
            "relations": [{"schema": "public", "name": "t", "columns": [{"name": "a"}, {"name": "b"}]}],
            "roles": [{"name": "r"}],
            "functions": [{"schema": "public", "name": "f"}]})");
        QCOMPARE(c.relations.size(), std::size_t(1));
        const Relation *t = c.findRelation("public", "t");
        QVERIFY(t);
        QCOMPARE(t->kind, RelationKind::Table);
        QCOMPARE(t->reltuples, -1.0);
        QCOMPARE(t->columns.at(1).attnum, 2);
        const Role *r = c.findRole("r");
        QVERIFY(r);
        QVERIFY(r->inherit);
        QCOMPARE(r->connectionLimit, -1);
        QVERIFY(!r->validUntil);
        QCOMPARE(q(c.functions.at(0).volatility), QString("volatile"));
    }

    void unknownKeysAreIgnored()
    {
        const Catalog c = catalogFromJson(R"({"writ_catalog": 1, "generatedBy": "x", "roles": [{"name": "r", "colour": 3}]})");
        QVERIFY(c.findRole("r"));
    }

    void malformedInputIsRejected_data()
    {
        QTest::addColumn<QString>("input");
        QTest::addColumn<QString>("expected");
        QTest::newRow("not JSON") << "hello"
                                  << "not valid JSON at line 1, column 1";
        QTest::newRow("error on a later line") << "{\"writ_catalog\": 1,\n  \"roles\": [,]}"
                                               << "line 2, column 13";
        QTest::newRow("truncated") << "{\"writ_catalog\": 1, \"roles\": [{\"name\": \"r\""
                                   << "looks truncated";
        QTest::newRow("empty file") << ""
                                    << "not valid JSON";
        QTest::newRow("top level array") << "[1, 2]"
                                         << "top level: expected an object, got an array";
        QTest::newRow("missing version") << "{\"relations\": []}"
                                         << "missing \"writ_catalog\"";
        QTest::newRow("version not a number") << "{\"writ_catalog\": \"1\"}"
                                              << "writ_catalog: expected an integer, got a string";
        QTest::newRow("future version") << "{\"writ_catalog\": 2}"
                                        << "format version 2 is not supported";
        QTest::newRow("relations not an array") << "{\"writ_catalog\": 1, \"relations\": {}}"
                                                << "relations: expected an array, got an object";
        QTest::newRow("relation not an object") << "{\"writ_catalog\": 1, \"relations\": [\"public.t\"]}"
                                                << "relations[0]: expected an object, got a string";
        QTest::newRow("missing relation name") << "{\"writ_catalog\": 1, \"relations\": [{\"schema\": \"public\"}]}"
                                               << "relations[0]: missing required field \"name\"";
        QTest::newRow("wrong column field type")
            << "{\"writ_catalog\": 1, \"relations\": [{\"schema\": \"s\", \"name\": \"t\", \"columns\": [{\"name\": \"a\"}, "
               "{\"name\": \"b\", \"notNull\": \"yes\"}]}]}"
            << "relations[0].columns[1].notNull: expected a boolean, got a string";
        QTest::newRow("unknown relation kind")
            << "{\"writ_catalog\": 1, \"relations\": [{\"schema\": \"s\", \"name\": \"t\", \"kind\": \"tabel\"}]}"
            << "relations[0].kind: unknown relation kind \"tabel\"";
        QTest::newRow("acl item without privilege")
            << "{\"writ_catalog\": 1, \"schemas\": [{\"name\": \"s\", \"acl\": [{\"grantee\": \"\"}]}]}"
            << "schemas[0].acl[0]: missing required field \"privilege\"";
        QTest::newRow("validUntil a number") << "{\"writ_catalog\": 1, \"roles\": [{\"name\": \"r\", \"validUntil\": 5}]}"
                                             << "roles[0].validUntil: expected a string or null, got an integer";
        QTest::newRow("reltuples a string")
            << "{\"writ_catalog\": 1, \"relations\": [{\"schema\": \"s\", \"name\": \"t\", \"reltuples\": \"9\"}]}"
            << "relations[0].reltuples: expected a number, got a string";
        QTest::newRow("memberOf holds a number")
            << "{\"writ_catalog\": 1, \"roles\": [{\"name\": \"r\", \"memberOf\": [\"a\", 1]}]}"
            << "roles[0].memberOf[1]: expected a string, got an integer";
    }

    void malformedInputIsRejected()
    {
        QFETCH(QString, input);
        QFETCH(QString, expected);
        const QString message = q(errorOf(input.toStdString()));
        QVERIFY2(message.contains(expected), qPrintable("got: " + message));
    }

    void fileRoundTripAndErrorsNameTheFile()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const std::string path = dir.filePath("catalog.json").toStdString();
        const Catalog original = sampleCatalog();
        saveCatalogFile(path, original);
        QVERIFY(loadCatalogFile(path) == original);

        const std::string missing = dir.filePath("nope.json").toStdString();
        try {
            loadCatalogFile(missing);
            QFAIL("loading a missing file did not throw");
        } catch (const CatalogError &e) {
            QCOMPARE(e.kind(), CatalogError::Kind::Io);
            QVERIFY2(q(e.what()).contains(q(missing)), e.what());
        }

        const std::string broken = dir.filePath("broken.json").toStdString();
        std::ofstream(broken) << "{\"writ_catalog\": 1, \"roles\": [";
        try {
            loadCatalogFile(broken);
            QFAIL("loading a truncated file did not throw");
        } catch (const CatalogError &e) {
            QCOMPARE(e.kind(), CatalogError::Kind::Malformed);
            QVERIFY2(q(e.what()).startsWith(q(broken) + ": "), e.what());
        }

        try {
            saveCatalogFile(dir.filePath("no/such/dir/c.json").toStdString(), original);
            QFAIL("saving into a missing directory did not throw");
        } catch (const CatalogError &e) {
            QCOMPARE(e.kind(), CatalogError::Kind::Io);
        }
    }

    void findFunctionsUseTheIndexAndSurviveStaleness()
    {
        Catalog c = sampleCatalog();
        const Relation *customers = c.findRelation("public", "customers");
        QVERIFY(customers);
        QCOMPARE(q(customers->qualifiedName()), QString("public.customers"));
        QVERIFY(customers->findColumn("email"));
        QCOMPARE(q(customers->findColumn("email")->type), QString("character varying(200)"));
        QVERIFY(!customers->findColumn("phone"));
        QVERIFY(!c.findRelation("public", "nope"));
        QVERIFY(!c.findRelation("reporting", "customers"));
        QCOMPARE(q(c.findRelation("reporting", "open_tickets")->viewDefinition).contains("FROM tickets"), true);
        QVERIFY(c.findRole("helpdesk_app") && c.findRole("helpdesk_app")->login);
        QVERIFY(!c.findRole("nobody"));
        QVERIFY(c.findSchema("reporting"));
        QVERIFY(!c.findSchema("pg_catalog"));

        // Changed without reindex(): lookups stay correct, never point at the wrong relation.
        c.relations.erase(c.relations.begin());
        Relation extra;
        extra.schema = "public";
        extra.name = "late";
        c.relations.push_back(extra);
        QVERIFY(!c.findRelation("public", "customers"));
        QVERIFY(c.findRelation("public", "late"));
        QCOMPARE(q(c.findRelation("public", "payments")->name), QString("payments"));
        c.reindex();
        QVERIFY(c.findRelation("public", "late"));
    }

    void equalityComparesDataNotIndex()
    {
        Catalog indexed = sampleCatalog();
        Catalog unindexed;
        unindexed.database = indexed.database;
        unindexed.serverVersion = indexed.serverVersion;
        unindexed.serverVersionNum = indexed.serverVersionNum;
        unindexed.schemas = indexed.schemas;
        unindexed.relations = indexed.relations;
        unindexed.roles = indexed.roles;
        unindexed.functions = indexed.functions;
        unindexed.defaultAcls = indexed.defaultAcls;
        QVERIFY(unindexed == indexed);
        unindexed.roles[0].login = false;
        QVERIFY(!(unindexed == indexed));
    }

    void relationKindNamesRoundTrip()
    {
        for (RelationKind k : {RelationKind::Table, RelationKind::PartitionedTable, RelationKind::View,
                 RelationKind::MaterializedView, RelationKind::ForeignTable, RelationKind::Sequence}) {
            const auto parsed = parseRelationKind(toString(k));
            QVERIFY(parsed);
            QCOMPARE(*parsed, k);
        }
        QCOMPARE(QString(toString(RelationKind::MaterializedView)), QString("materialized_view"));
        QVERIFY(!parseRelationKind("Table"));
        QVERIFY(!parseRelationKind(""));
    }
};

QTEST_GUILESS_MAIN(TestCatalogJson)
#include "tst_catalog_json.moc"
