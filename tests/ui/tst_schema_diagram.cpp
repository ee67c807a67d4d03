// SPDX-License-Identifier: Apache-2.0
// The schema diagram lays out the demo database's relations and foreign keys with Graphviz.
#include "ui_test_support.h"

#include "ui/diagram/schema_diagram_view.h"
#include "ui/diagram/schema_layout.h"

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTest>

using namespace writ;
using namespace writ::ui;

class TestSchemaDiagram : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase() { test::isolateSettings(); }

    void laysOutEveryDemoRelationAndForeignKey()
    {
        const auto cat = test::demoCatalog();
        int relations = 0, foreignKeys = 0;
        for (const catalog::Relation &r : cat->relations) {
            if (r.kind == catalog::RelationKind::Sequence)
                continue;
            ++relations;
            foreignKeys += int(r.foreignKeys.size());
        }
        QCOMPARE(relations, 8);

        SchemaDiagramView view;
        view.resize(1200, 800);
        view.setCatalog(cat);
        QVERIFY2(view.layoutError().isEmpty(), qPrintable(view.layoutError()));
        QCOMPARE(view.relationCount(), relations);
        QCOMPARE(view.edgeCount(), foreignKeys);
        QVERIFY(view.relationNames().contains(QStringLiteral("public.customers")));
        QVERIFY(!view.relationNames().contains(QStringLiteral("public.customers_id_seq")));

        // Graphviz placed every card somewhere of its own.
        const QStringList names = view.relationNames();
        for (int i = 0; i < names.size(); ++i) {
            const QRectF a = view.relationRect(names[i]);
            QVERIFY(a.width() > 50 && a.height() > 20);
            for (int j = i + 1; j < names.size(); ++j)
                QVERIFY2(!a.intersects(view.relationRect(names[j]).adjusted(2, 2, -2, -2)),
                         qPrintable(names[i] + QStringLiteral(" overlaps ") + names[j]));
        }
        // dot ranks along foreign keys, left to right: a referencing table sits left of what it references.
        QVERIFY(view.relationRect(QStringLiteral("public.tickets")).center().x() < view.relationRect(QStringLiteral("public.customers")).center().x());
    }

    void focusShowsTheNeighbourhoodOnly()
    {
        const auto cat = test::demoCatalog();
        const std::set<std::string> around = diagramRelations(*cat, "public.payments", 1);
        SchemaDiagramView view;
        view.setCatalog(cat);
        view.setFocusRelation(QStringLiteral("public.payments"));
        QCOMPARE(view.relationCount(), int(around.size()));
        QVERIFY(view.relationNames().contains(QStringLiteral("public.payments")));
        QVERIFY(view.relationNames().contains(QStringLiteral("public.refunds"))); // refunds → payments
        QVERIFY(!view.relationNames().contains(QStringLiteral("public.messages")));
        QVERIFY(view.relationCount() < 8);

        // An unknown relation falls back to the whole schema rather than an empty picture.
        view.setFocusRelation(QStringLiteral("public.no_such_table"));
        QCOMPARE(view.focusRelation(), QString());
        QCOMPARE(view.relationCount(), 8);
        // Selecting a relation that is not drawn moves the focus to it.
        view.setFocusRelation(QStringLiteral("public.refunds"));
        QVERIFY(!view.relationNames().contains(QStringLiteral("public.messages")));
        view.selectRelation(QStringLiteral("public.messages"));
        QCOMPARE(view.focusRelation(), QStringLiteral("public.messages"));
        QVERIFY(view.relationNames().contains(QStringLiteral("public.messages")));
    }

    void clickingACardAnnouncesItsRelation()
    {
        SchemaDiagramView view;
        view.resize(1200, 800);
        view.setCatalog(test::demoCatalog());
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        QSignalSpy clicked(&view, &SchemaDiagramView::relationClicked);
        const QRectF rect = view.relationRect(QStringLiteral("public.customers"));
        const QPoint at = view.mapFromScene(rect.center());
        QTest::mouseClick(view.viewport(), Qt::LeftButton, {}, at);
        QCOMPARE(clicked.count(), 1);
        QCOMPARE(clicked.first().first().toString(), QStringLiteral("public.customers"));
    }

    void hugeSchemasShowABoundedNeighbourhood()
    {
        // 5,000 tables, every one referencing the first: the first is a hub with 4,999 neighbours.
        auto cat = std::make_shared<catalog::Catalog>();
        for (int t = 0; t < 5000; ++t) {
            catalog::Relation r;
            r.schema = "public";
            r.name = "t" + std::to_string(10000 + t);
            r.columns = {{"id", "bigint", 1, true, {}}, {"parent_id", "bigint", 2, false, {}}};
            if (t > 0)
                r.foreignKeys.push_back({"fk", {"parent_id"}, "public", "t10000", {"id"}});
            cat->relations.push_back(std::move(r));
        }
        cat->reindex();
        QElapsedTimer timer;
        timer.start();
        SchemaDiagramView view;
        view.setCatalog(cat);
        const qint64 ms = timer.elapsed();
        qInfo("diagram: 5,000-table schema opened on a neighbourhood of %d relations in %lld ms", view.relationCount(), ms);
        QVERIFY2(view.layoutError().isEmpty(), qPrintable(view.layoutError()));
        QCOMPARE(view.focusRelation(), QStringLiteral("public.t10000"));
        QCOMPARE(view.relationCount(), int(kMaxNeighbourhood));
        QCOMPARE(view.edgeCount(), int(kMaxNeighbourhood) - 1);
        QVERIFY2(ms < 5000, qPrintable(QStringLiteral("%1 ms").arg(ms)));
    }

    void pagilaLaysOutToo()
    {
        auto cat = std::make_shared<catalog::Catalog>(catalog::loadCatalogFile(WRIT_TEST_DATA_DIR "/catalog/pagila.json"));
        cat->reindex();
        SchemaDiagramView view;
        view.setCatalog(cat);
        QVERIFY2(view.layoutError().isEmpty(), qPrintable(view.layoutError()));
        QVERIFY(view.relationCount() > 20);
        QVERIFY(view.edgeCount() > 20);
    }
};

QTEST_MAIN(TestSchemaDiagram)
#include "tst_schema_diagram.moc"
