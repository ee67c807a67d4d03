// SPDX-License-Identifier: Apache-2.0
// The SQL tab: the compiled script follows the document, and the plan runs against the demo
// database in the background (labels ui;db: needs the sandbox, WRIT_TEST_DEMO_DSN).
#include "ui_test_support.h"

#include "ui/canvas/blast_radius_bar.h"
#include "ui/canvas/relation_card_item.h"
#include "ui/canvas/row_estimator.h"
#include "ui/canvas/scope_canvas.h"
#include "ui/canvas/scope_canvas_view.h"
#include "ui/document/policy_document.h"
#include "ui/sqleditor/floor_sql.h"
#include "ui/sqleditor/floor_sql_view.h"

#include <QRegularExpression>
#include <cmath>
#include <QSignalSpy>
#include <QTest>
#include <QUndoStack>

using namespace writ;
using namespace writ::ui;

class TestFloorSql : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase() { test::isolateSettings(); }

    void compiledScriptIsWritCompilesWithoutTheRuntime()
    {
        PolicyDocument doc;
        QVERIFY(doc.load(test::demoPolicyPath()));
        const auto catalog = test::demoCatalog();
        const FloorSql sql = compiledSql(doc.policy(), doc.sources(), *catalog);
        QVERIFY2(sql.problem.isEmpty() || !sql.sql.isEmpty(), qPrintable(sql.problem));
        QVERIFY(sql.statements > 10);
        QVERIFY(sql.sql.contains(QStringLiteral("BEGIN;")));
        QVERIFY(sql.sql.trimmed().endsWith(QStringLiteral("COMMIT;")));
        QVERIFY(sql.sql.contains(QStringLiteral("CREATE ROLE \"writ_refund-bot/refund-payment\"")));
        QVERIFY(sql.sql.contains(
            QStringLiteral("GRANT UPDATE (\"status\") ON TABLE \"public\".\"payments\" TO \"writ_refund-bot/refund-payment\"")));
        QVERIFY(!sql.sql.contains(QStringLiteral("CREATE SCHEMA IF NOT EXISTS writ"))); // the runtime stays out
    }

    void aPolicyThatDoesNotCompileSaysWhereToLook()
    {
        PolicyDocument doc;
        QVERIFY(doc.load(test::demoPolicyPath()));
        QString text = doc.text();
        text.replace(QStringLiteral("public.refunds:"), QStringLiteral("public.no_such_table:"));
        doc.editText(text);
        QVERIFY(doc.isValid()); // loads; only the catalog knows the table is missing
        const FloorSql sql = compiledSql(doc.policy(), doc.sources(), *test::demoCatalog());
        QVERIFY(sql.sql.isEmpty());
        QVERIFY2(sql.problem.contains(QStringLiteral("no_such_table")), qPrintable(sql.problem));
        QVERIFY(sql.problem.contains(QStringLiteral("line")));
    }

    void viewFollowsEveryEdit()
    {
        PolicyDocument doc;
        QVERIFY(doc.load(test::demoPolicyPath()));
        FloorSqlView view(&doc);
        QVERIFY(view.compiledText().contains(QStringLiteral("connect")));
        view.setCatalog(test::demoCatalog(), QString());
        const QString before = view.compiledText();
        QVERIFY(before.contains(QStringLiteral("writ_analytics-reporter/weekly-report")));
        QString text = doc.text();
        text.replace(QStringLiteral("columns: [id, plan, status, created_at]"), QStringLiteral("columns: [id, plan]"));
        doc.editText(text);
        QVERIFY(view.compiledText() != before);
        QVERIFY(!view.compiledText().contains(QStringLiteral("GRANT SELECT (\"created_at\") ON TABLE \"public\".\"accounts\"")));
        doc.undoStack()->undo();
        QCOMPARE(view.compiledText(), before);
        QVERIFY(view.planText().contains(QStringLiteral("Connect")));
    }

    void rowEstimateSqlPinsTheContextKeys()
    {
        PolicyDocument doc;
        QVERIFY(doc.load(test::demoPolicyPath()));
        const policy::TaskType *task = doc.policy().findTask("support-summarizer", "summarize-tickets");
        QCOMPARE(rowEstimateSql(task->access[2], doc.policy()),
            std::string("SELECT 1 FROM \"public\".\"customers\" WHERE (id = (SELECT NULL::integer)\n)"));
        policy::Scope unfiltered = task->access[0];
        unfiltered.rows.reset();
        QCOMPARE(rowEstimateSql(unfiltered, doc.policy()), std::string("SELECT 1 FROM \"public\".\"tickets\""));
        policy::Scope spliced = task->access[0];
        spliced.rows = "true); DROP TABLE x; --";
        QCOMPARE(rowEstimateSql(spliced, doc.policy()), std::string()); // never spliced
    }

    void plannerEstimatesTheRowsOfOneTask()
    {
        const QString dsn = qEnvironmentVariable("WRIT_TEST_DEMO_DSN");
        if (dsn.isEmpty())
            QFAIL("WRIT_TEST_DEMO_DSN is not set: run the sandbox (see planRunsAgainstTheDemoDatabaseInTheBackground).");
        PolicyDocument doc;
        QVERIFY(doc.load(test::demoPolicyPath()));
        const auto catalog = test::demoCatalog();
        ScopeCanvas canvas(&doc, QStringLiteral("support-summarizer"), QStringLiteral("summarize-tickets"));
        QSignalSpy estimated(&canvas, &ScopeCanvas::rowsEstimated);
        canvas.setCatalog(catalog, dsn);
        QVERIFY(estimated.wait(30000));
        const auto rows = canvas.blastRadius()->plannerRows();
        QVERIFY2(rows, qPrintable(canvas.blastRadius()->summary()));
        // One customer's rows: far fewer than the tables hold (the reltuples sum is the upper bound).
        QVERIFY(*rows >= 1);
        // tickets alone hold about 40,000 rows, messages 240,000; one customer has a handful.
        QVERIFY2(*rows < 5000, qPrintable(canvas.blastRadius()->summary()));
        QVERIFY(canvas.blastRadius()->summary().contains(QStringLiteral("for one task, by the planner")));
        // Each card shows its own share, and the shares add up to the bar's total.
        double sum = 0;
        for (const QString &relation : canvas.view()->relations()) {
            const QString text = canvas.view()->card(relation)->content().rowsText;
            const auto m = QRegularExpression(QStringLiteral("^≈([\\d,.\\s\\x{202f}\\x{a0}]+) rows one task reaches \\(planner\\)$")).match(text);
            QVERIFY2(m.hasMatch(), qPrintable(relation + ": " + text));
            sum += QLocale().toDouble(m.captured(1).trimmed());
        }
        QVERIFY2(std::abs(sum - *rows) <= canvas.view()->relations().size(), qPrintable(QString::number(sum) + " vs " + QString::number(*rows)));
        // Without a database the cards show the tables' sizes again.
        canvas.setCatalog(catalog, QString());
        const auto ticketsRows = [&canvas] { return canvas.view()->card(QStringLiteral("public.tickets"))->content().rowsText; };
        QTRY_VERIFY2_WITH_TIMEOUT(!ticketsRows().contains(QStringLiteral("planner")), qPrintable(ticketsRows()), 3000);
    }

    void planRunsAgainstTheDemoDatabaseInTheBackground()
    {
        const QString dsn = qEnvironmentVariable("WRIT_TEST_DEMO_DSN");
        if (dsn.isEmpty())
            QFAIL("WRIT_TEST_DEMO_DSN is not set. This test needs PostgreSQL: run scripts/pg-sandbox start, "
                  "scripts/pg-sandbox load-demo and eval \"$(scripts/pg-sandbox env)\" (scripts/test does all of it).");
        PolicyDocument doc;
        QVERIFY(doc.load(test::demoPolicyPath()));
        FloorSqlView view(&doc);
        view.setCatalog(test::demoCatalog(), dsn);
        QSignalSpy finished(&view, &FloorSqlView::planFinished);
        view.refreshPlan();
        QVERIFY(view.isPlanning());
        QVERIFY(finished.wait(60000));
        const QString plan = view.planText();
        // Other tests may have applied policies to this cluster before: the plan is either steps or none.
        QVERIFY2(plan.startsWith(QStringLiteral("-- Plan for supportdesk on supportdesk"))
                || plan.startsWith(QStringLiteral("-- No changes: supportdesk")),
            qPrintable(plan.left(600)));
        QVERIFY(!view.statusText().contains(QStringLiteral("Cannot plan")));
        if (plan.startsWith(QStringLiteral("-- Plan for"))) {
            QVERIFY(plan.contains(QStringLiteral("deploy"))); // "never deployed" or "last deployment vN"
            QVERIFY(plan.contains(QStringLiteral("-- ["))); // each step with its risk
        }
    }
};

QTEST_MAIN(TestFloorSql)
#include "tst_floor_sql.moc"
