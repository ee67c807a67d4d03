// SPDX-License-Identifier: Apache-2.0
#include "check/policy_checker.h"
#include "policy/policy_loader.h"

#include <QtTest>

#include "../../support/diagnostics_text.h"

using namespace writ;

namespace {

catalog::Relation table(std::string schema, std::string name, std::vector<std::string> columns,
                        catalog::RelationKind kind = catalog::RelationKind::Table)
{
    catalog::Relation r;
    r.schema = std::move(schema);
    r.name = std::move(name);
    r.kind = kind;
    int n = 0;
    for (auto &c : columns)
        r.columns.push_back({std::move(c), "integer", ++n, false, {}});
    return r;
}

/// A small shop: the checker needs names only.
catalog::Catalog shop()
{
    catalog::Catalog c;
    c.database = "shop";
    c.schemas = {{"public", "postgres", {}}, {"sales", "postgres", {}}};
    c.relations = {table("public", "customers", {"id", "name", "email", "phone", "tenant_id"}),
                   table("public", "tickets", {"id", "customer_id", "subject", "status"}),
                   table("public", "ticket_seq", {}, catalog::RelationKind::Sequence),
                   table("sales", "orders", {"id", "customer_id", "status", "total"}),
                   table("sales", "order_totals", {"customer_id", "total"}, catalog::RelationKind::MaterializedView)};
    c.reindex();
    return c;
}

const char *kPolicyHead = "writ: 1\nname: p\ndatabase: shop\ncontext: { customer_id: int }\n"
                          "agents:\n  a:\n    identity: [ { spiffe: \"spiffe://e.com/a\" } ]\n    tasks:\n      t:\n"
                          "        context: [customer_id]\n        access:\n";

Diagnostics checkScopes(const std::string &scopes)
{
    const std::string text = std::string(kPolicyHead) + scopes;
    const policy::LoadResult loaded = policy::loadPolicy(text, "p.yaml");
    if (!loaded.ok()) {
        for (const auto &d : loaded.diagnostics.items())
            qWarning("%s", formatDiagnostic(d).c_str());
        qFatal("test policy does not load");
    }
    return check::checkPolicyAgainstCatalog(loaded.policy, loaded.sources, shop());
}


} // namespace

class TestPolicyChecker : public QObject
{
    Q_OBJECT

private slots:
    void validScopesAreClean_data()
    {
        QTest::addColumn<QString>("scopes");
        QTest::newRow("plain filter") << "          public.tickets: { ops: [select], columns: [id, subject], rows: customer_id = $customer_id }\n";
        QTest::newRow("qualified by relation name") << "          tickets: { ops: [select], rows: tickets.customer_id = $customer_id }\n";
        QTest::newRow("sub-select into another table")
            << "          sales.orders: { ops: [select], rows: \"customer_id IN (SELECT c.id FROM public.customers c WHERE c.id = $customer_id)\" }\n";
        QTest::newRow("correlated sub-select sees the outer relation")
            << "          sales.orders: { ops: [select], rows: \"EXISTS (SELECT 1 FROM public.customers WHERE id = orders.customer_id AND id = $customer_id)\" }\n";
        QTest::newRow("functions and literals") << "          tickets: { ops: [select], rows: \"lower(status) IN ('open', 'pending') AND id > 0\" }\n";
        QTest::newRow("check on writes") << "          tickets: { ops: [insert, update], update_columns: [status], check: \"status <> 'deleted'\" }\n";
    }

    void validScopesAreClean()
    {
        QFETCH(QString, scopes);
        const Diagnostics d = checkScopes(scopes.toStdString());
        QVERIFY2(d.empty(), qPrintable(describe(d)));
    }

    void problems_data()
    {
        QTest::addColumn<QString>("scopes");
        QTest::addColumn<QString>("code");
        QTest::addColumn<int>("column");
        QTest::addColumn<QString>("says");
        QTest::newRow("unknown relation with suggestion") << "          public.ticket: { ops: [select] }\n" << "check.unknown-relation" << 11 << "did you mean public.tickets";
        QTest::newRow("unknown schema") << "          crm.tickets: { ops: [select] }\n" << "check.unknown-relation" << 11 << "schema 'crm' does not exist";
        QTest::newRow("unknown column lists the allowed ones") << "          tickets: { ops: [select], columns: [id, subjet] }\n"
                                                               << "check.unknown-column" << 51 << "did you mean 'subject'";
        QTest::newRow("unknown update column") << "          tickets: { ops: [update], update_columns: [state] }\n" << "check.unknown-column" << 54 << "columns of public.tickets";
        QTest::newRow("unknown masked column") << "          customers: { ops: [select], mask: { mail: email } }\n" << "check.unknown-column" << 47 << "did you mean 'email'";
        QTest::newRow("filter does not parse") << "          tickets: { ops: [select], rows: customer_id = = $customer_id }\n"
                                               << "check.filter-syntax" << 57 << "boolean expression";
        QTest::newRow("filter names a missing column") << "          tickets: { ops: [select], rows: custmer_id = $customer_id }\n"
                                                       << "check.unknown-column" << 43 << "did you mean 'customer_id'";
        QTest::newRow("filter column missing in qualified relation")
            << "          tickets: { ops: [select], rows: tickets.owner = 1 }\n" << "check.unknown-column" << 43 << "columns of public.tickets";
        QTest::newRow("filter with an unknown qualifier") << "          tickets: { ops: [select], rows: t.customer_id = 1 }\n"
                                                          << "check.unknown-qualifier" << 43 << "qualify";
        QTest::newRow("filter sub-select on a missing table")
            << "          tickets: { ops: [select], rows: \"customer_id IN (SELECT id FROM public.clients)\" }\n" << "check.unknown-relation" << 75 << "";
        QTest::newRow("filter that smuggles a second statement")
            << "          tickets: { ops: [select], rows: \"true); DROP TABLE tickets; SELECT (1\" }\n" << "check.filter-multiple" << 0 << "remove ';'";
        QTest::newRow("sequence") << "          ticket_seq: { ops: [select] }\n" << "check.not-a-table" << 11 << "";
        QTest::newRow("write to a materialized view") << "          sales.order_totals: { ops: [update] }\n" << "check.write-to-matview" << 11 << "only select";
    }

    void problems()
    {
        QFETCH(QString, scopes);
        QFETCH(QString, code);
        QFETCH(int, column);
        QFETCH(QString, says);
        const Diagnostics d = checkScopes(scopes.toStdString());
        const auto &items = d.items();
        const auto it = std::find_if(items.begin(), items.end(), [&](const Diagnostic &x) { return x.code == code.toStdString(); });
        QVERIFY2(it != items.end(), qPrintable("no " + code + " in:\n" + describe(d)));
        QCOMPARE(it->severity, Severity::Error);
        QCOMPARE(it->location.line, 12);
        if (column > 0)
            QCOMPARE(it->location.column, column);
        QVERIFY2(QString::fromStdString(it->message + " " + it->hint).contains(says), qPrintable(describe(d)));
    }

    void classifiedColumnsMustExist()
    {
        const std::string text = "writ: 1\nname: p\ndatabase: shop\nclassify: { customers.ssn: pii, nothere.x: pii }\nagents: {}\n";
        const policy::LoadResult loaded = policy::loadPolicy(text, "p.yaml");
        QVERIFY(loaded.ok());
        const Diagnostics d = check::checkPolicyAgainstCatalog(loaded.policy, loaded.sources, shop());
        QCOMPARE(d.warningCount(), std::size_t(2));
        QCOMPARE(d.items().front().location.line, 4);
    }

    void databaseMismatchIsAWarning()
    {
        const std::string text = "writ: 1\nname: p\ndatabase: other\nagents: {}\n";
        const policy::LoadResult loaded = policy::loadPolicy(text, "p.yaml");
        const Diagnostics d = check::checkPolicyAgainstCatalog(loaded.policy, loaded.sources, shop());
        QCOMPARE(d.size(), std::size_t(1));
        QCOMPARE(d.items().front().code, std::string("check.database-mismatch"));
    }
};

QTEST_APPLESS_MAIN(TestPolicyChecker)
#include "tst_policy_checker.moc"
