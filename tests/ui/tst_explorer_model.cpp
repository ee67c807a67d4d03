// SPDX-License-Identifier: Apache-2.0
// The Explorer's item model: structure, sensitivity badges, and the acceptance line of issue 7 —
// a 10,000-table catalog loads into a tree view, and filters, in under a second.
#include "ui_test_support.h"

#include "ui/explorer/explorer_model.h"

#include "policy/policy_loader.h"

#include <QAbstractItemModelTester>
#include <QElapsedTimer>
#include <QTest>
#include <QTreeView>

using namespace writ;
using namespace writ::ui;

namespace {

constexpr int kSchemas = 10;
constexpr int kTablesPerSchema = 1000;

/// 10 schemas × 1,000 tables × 8 columns, with foreign keys and a few sensitive-looking names.
std::shared_ptr<catalog::Catalog> syntheticCatalog()
{
    auto cat = std::make_shared<catalog::Catalog>();
    cat->database = "synthetic";
    const char *columnNames[] = {"id", "customer_id", "email", "phone", "created_at", "status", "amount_cents", "api_token"};
    const char *columnTypes[] = {"bigint", "bigint", "text", "text", "timestamp with time zone", "text", "integer", "text"};
    for (int s = 0; s < kSchemas; ++s) {
        const std::string schema = "s" + std::to_string(s);
        cat->schemas.push_back({schema, "postgres", {}});
        for (int t = 0; t < kTablesPerSchema; ++t) {
            catalog::Relation r;
            r.schema = schema;
            char name[16];
            std::snprintf(name, sizeof name, "t_%04d", t);
            r.name = name;
            r.owner = "postgres";
            r.reltuples = t * 10;
            for (int c = 0; c < 8; ++c)
                r.columns.push_back({columnNames[c], columnTypes[c], c + 1, c == 0, {}});
            r.primaryKey = {"id"};
            if (t > 0)
                r.foreignKeys.push_back({"fk", {"customer_id"}, schema, "t_0000", {"id"}});
            cat->relations.push_back(std::move(r));
        }
    }
    for (int i = 0; i < 50; ++i)
        cat->roles.push_back({"role_" + std::to_string(i), i % 2 == 0});
    cat->reindex();
    return cat;
}

} // namespace

class TestExplorerModel : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase() { test::isolateSettings(); }

    void demoCatalogIsAConsistentTree()
    {
        ExplorerModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setCatalog(test::demoCatalog());
        QCOMPARE(model.rowCount(), 2); // public, Roles
        const QModelIndex publicSchema = model.index(0, 0);
        QCOMPARE(publicSchema.data().toString(), QStringLiteral("public"));
        QCOMPARE(model.rowCount(publicSchema), 15); // 8 tables and views + 7 sequences
        const QModelIndex customers = model.indexForObject(QStringLiteral("public.customers"));
        QVERIFY(customers.isValid());
        QCOMPARE(customers.data().toString(), QStringLiteral("customers"));
        QCOMPARE(customers.parent(), publicSchema);
        const QModelIndex email = model.indexForObject(QStringLiteral("public.customers.email"));
        QVERIFY(email.isValid());
        QCOMPARE(email.parent(), customers);
        QCOMPARE(email.data(ExplorerModel::ObjectNameRole).toString(), QStringLiteral("public.customers.email"));
        QVERIFY(model.index(email.row(), ExplorerModel::DetailColumn, customers).data().toString().contains(QStringLiteral("text")));
        const QModelIndex role = model.indexForObject(QStringLiteral("role helpdesk_app"));
        QVERIFY(role.isValid());
        QCOMPARE(ExplorerModel::kindOf(role), ExplorerModel::NodeKind::Role);
        QVERIFY(model.data(model.index(role.row(), 1, role.parent())).toString().contains(QStringLiteral("login")));

        model.setFilterText(QStringLiteral("email"));
        QCOMPARE(model.visibleRelationCount(), 2); // customers.email and open_tickets.customer_email
        const QModelIndex filtered = model.indexForObject(QStringLiteral("public.customers"));
        QCOMPARE(model.rowCount(filtered), 1);     // only the matching column is shown
        QCOMPARE(model.index(0, 0, filtered).data().toString(), QStringLiteral("email"));
        QVERIFY(model.indexForObject(QStringLiteral("public.open_tickets")).isValid());
        QVERIFY(!model.indexForObject(QStringLiteral("public.tickets")).isValid());
    }

    void sensitivityBadgesComeFromThePolicyAndFromNames()
    {
        ExplorerModel model;
        model.setCatalog(test::demoCatalog());
        // Without a policy every label is a guess from the column name.
        QModelIndex email = model.indexForObject(QStringLiteral("public.customers.email"));
        QCOMPARE(email.data(ExplorerModel::SensitivityRole).toString(), QStringLiteral("pii"));
        QVERIFY(email.data(ExplorerModel::SensitivitySuggestedRole).toBool());
        QVERIFY(model.indexForObject(QStringLiteral("public.customers.id")).data(ExplorerModel::SensitivityRole).toString().isEmpty());

        // With the demo policy, classified columns are no longer guesses, and the policy's own labels show.
        const policy::LoadResult demo = policy::loadPolicyFile(test::demoPolicyPath().toStdString());
        QVERIFY(demo.ok());
        model.setPolicy(&demo.policy);
        email = model.indexForObject(QStringLiteral("public.customers.email"));
        QCOMPARE(email.data(ExplorerModel::SensitivityRole).toString(), QStringLiteral("pii"));
        QVERIFY(!email.data(ExplorerModel::SensitivitySuggestedRole).toBool());
        const QModelIndex card = model.indexForObject(QStringLiteral("public.payments.card_last4"));
        QCOMPARE(card.data(ExplorerModel::SensitivityRole).toString(), QStringLiteral("pci"));
        const QModelIndex notes = model.indexForObject(QStringLiteral("public.internal_notes.body"));
        QCOMPARE(notes.data(ExplorerModel::SensitivityRole).toString(), QStringLiteral("confidential"));
    }

    void tenThousandTablesLoadAndFilterUnderOneSecond()
    {
        const auto cat = syntheticCatalog();
        QCOMPARE(cat->relations.size(), std::size_t(kSchemas * kTablesPerSchema));

        ExplorerModel model;
        QTreeView view;
        view.setUniformRowHeights(true);
        view.resize(400, 800);
        view.setModel(&model);
        view.show();

        QElapsedTimer timer;
        timer.start();
        model.setCatalog(cat);
        view.expand(model.index(0, 0)); // a schema with 1,000 tables open
        view.expand(model.index(kSchemas - 1, 0));
        view.scrollToBottom();
        QCoreApplication::processEvents();
        view.grab(); // paint it for real
        const qint64 loadMs = timer.elapsed();
        qInfo("explorer: 10,000 tables loaded, two schemas expanded and painted in %lld ms", loadMs);
        QCOMPARE(model.rowCount(), kSchemas + 1);
        QCOMPARE(model.visibleRelationCount(), kSchemas * kTablesPerSchema);
        QVERIFY2(loadMs < 1000, qPrintable(QStringLiteral("loading took %1 ms").arg(loadMs)));

        timer.restart();
        model.setFilterText(QStringLiteral("t_042")); // t_0420 … t_0429 in every schema
        view.expandAll();
        QCoreApplication::processEvents();
        view.grab();
        const qint64 filterMs = timer.elapsed();
        qInfo("explorer: filtered 10,000 tables (and 80,000 column names) in %lld ms", filterMs);
        QCOMPARE(model.visibleRelationCount(), kSchemas * 10);
        QCOMPARE(model.rowCount(), kSchemas); // no role matches
        QVERIFY2(filterMs < 1000, qPrintable(QStringLiteral("filtering took %1 ms").arg(filterMs)));

        timer.restart();
        model.setFilterText(QStringLiteral("api_tok")); // a column of every table
        const qint64 columnFilterMs = timer.elapsed();
        qInfo("explorer: column-name filter over 10,000 tables in %lld ms", columnFilterMs);
        QCOMPARE(model.visibleRelationCount(), kSchemas * kTablesPerSchema);
        const QModelIndex first = model.index(0, 0, model.index(0, 0));
        QCOMPARE(model.rowCount(first), 1);
        QCOMPARE(model.index(0, 0, first).data().toString(), QStringLiteral("api_token"));
        QCOMPARE(model.index(0, 0, first).data(ExplorerModel::SensitivityRole).toString(), QStringLiteral("secret"));
        QVERIFY2(columnFilterMs < 1000, qPrintable(QStringLiteral("column filtering took %1 ms").arg(columnFilterMs)));

        model.setFilterText(QString());
        QCOMPARE(model.visibleRelationCount(), kSchemas * kTablesPerSchema);
        QVERIFY(model.indexForObject(QStringLiteral("s9.t_0999.email")).isValid());
    }
};

QTEST_MAIN(TestExplorerModel)
#include "tst_explorer_model.moc"
