// SPDX-License-Identifier: Apache-2.0
// The studio's Review document and Simulator dock against the demo policy: the review of the demo
// against tests/data/review/sample.writ.yaml shows exactly the expected changes in their risk colours
// and the blast-radius numbers, its Markdown export is `writ diff --format markdown` byte for byte,
// the impact replay finds the audited statements whose verdict changes; the simulator denies a phone
// number with the column-scope reason, runs an allowed read in the sandbox of a private copy of the
// demo database (masked emails, "visible: N of M") and saves cases that `writ test` then passes.
// With WRIT_OPERATE_SCREENSHOTS=DIR the simulator and the review are saved as PNGs there.

#include "floor_db.h"
#include "ui_test_support.h"

#include "audit/audit_writer.h"
#include "ui/catalog/catalog_session.h"
#include "ui/connect/connection_spec.h"
#include "ui/operate/operations.h"
#include "ui/review/review_colors.h"
#include "ui/review/review_controller.h"
#include "ui/review/review_document.h"
#include "ui/review/review_version.h"
#include "ui/simulate/simulator_dock.h"
#include "ui/shell/main_window.h"

#include "catalog/catalog_json.h"

#include <Qsci/qsciscintilla.h>

#include <QAction>
#include <QApplication>
#include <QDir>
#include <QDockWidget>
#include <QLabel>
#include <QProcess>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTreeWidget>

#include <memory>

using namespace writ::ui;

namespace {

QString reviewData(const char *file)
{
    return QStringLiteral(WRIT_TEST_DATA_DIR "/review/") + QLatin1String(file);
}

QString analyzedCatalog()
{
    return reviewData("supportdesk-analyzed.catalog.json");
}

CliResult runCli(const QStringList &args)
{
    return runWrit(args, 120000);
}

QTreeWidgetItem *topLevel(QTreeWidget *tree, const QString &text)
{
    for (int i = 0; i < tree->topLevelItemCount(); ++i)
        if (tree->topLevelItem(i)->text(0) == text)
            return tree->topLevelItem(i);
    return nullptr;
}

QTreeWidgetItem *child(QTreeWidgetItem *parent, const QString &text)
{
    for (int i = 0; parent && i < parent->childCount(); ++i)
        if (parent->child(i)->text(0) == text)
            return parent->child(i);
    return nullptr;
}

writ::audit::AuditEvent decision(const char *agent, const char *taskType, const char *query)
{
    writ::audit::AuditEvent e;
    e.kind = writ::audit::EventKind::Decision;
    e.agent = agent;
    e.taskType = taskType;
    e.query = query;
    e.verdict = "allow";
    e.rule = "allowed";
    return e;
}

} // namespace

using writ::ui::test::screenshot;

class TestStudioReview : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<MainWindow> m_window;
    Operations *m_ops = nullptr;
    QTemporaryDir m_dir;
    floortest::DatabaseCopy m_db{requiredDsn("WRIT_TEST_ADMIN_DSN"), QStringLiteral("writ_studio_review")};

    ReviewDocument *reviewDemoAgainst(const QString &newFile)
    {
        QSignalSpy opened(m_ops->reviewer(), &ReviewController::opened);
        m_ops->reviewer()->reviewFiles(writ::ui::test::demoPolicyPath(), newFile);
        if (!opened.wait(20000))
            return nullptr;
        return opened.at(0).at(0).value<ReviewDocument *>();
    }

private slots:
    void initTestCase()
    {
        writ::ui::test::isolateSettings();
        QVERIFY(m_dir.isValid());
        m_window = std::make_unique<MainWindow>();
        m_window->setInteractive(false);
        m_ops = installOperations(*m_window);
        m_ops->setInteractive(false);
        m_window->resize(1500, 950);
        m_window->show();
        QVERIFY(m_window->openPolicy(writ::ui::test::demoPolicyPath()));
        auto catalog = std::make_shared<writ::catalog::Catalog>(writ::catalog::loadCatalogFile(analyzedCatalog().toStdString()));
        catalog->reindex();
        m_window->session()->setCatalog(catalog, QStringLiteral("snapshot supportdesk-analyzed"));
    }

    void reviewActionAndSimulatorAreInstalled()
    {
        QAction *review = m_ops->reviewer()->action();
        QCOMPARE(review->shortcut(), QKeySequence(QStringLiteral("Ctrl+Shift+R")));
        QVERIFY(m_window->findChildren<QAction *>().contains(review) || !review->associatedObjects().isEmpty());
        QVERIFY(m_ops->simulator());
        QCOMPARE(m_ops->simulator()->objectName(), QStringLiteral("simulator"));
        QVERIFY(m_ops->simulator()->completionWords().contains(QStringLiteral("public.customers")));
        QVERIFY(m_ops->simulator()->completionWords().contains(QStringLiteral("phone")));
    }

    void reviewShowsTheChangesInTheirRiskColoursAndTheBlastRadius()
    {
        ReviewDocument *doc = reviewDemoAgainst(reviewData("sample.writ.yaml"));
        QVERIFY(doc);
        QCOMPARE(m_window->tabs()->currentWidget(), doc);
        QCOMPARE(doc->summaryText(), QStringLiteral("9 changes: 5 widen, 3 narrow, 1 neutral"));

        QStringList shown;
        QTreeWidget *tree = doc->changeTree();
        for (int g = 0; g < tree->topLevelItemCount(); ++g) {
            QTreeWidgetItem *group = tree->topLevelItem(g);
            shown << group->text(0);
            for (int c = 0; c < group->childCount(); ++c) {
                QTreeWidgetItem *item = group->child(c);
                const QString risk = item->text(1);
                const writ::review::Risk r = risk == "widens" ? writ::review::Risk::Widens
                    : risk == "narrows"                       ? writ::review::Risk::Narrows
                                                              : writ::review::Risk::Neutral;
                QCOMPARE(item->foreground(0).color(), riskColor(r));
                shown << QStringLiteral("  %1 [%2]").arg(item->text(0), risk);
            }
        }
        const QStringList expected = {
            QStringLiteral("policy"),
            QStringLiteral("  + classify public.customers.name: pii [narrows]"),
            QStringLiteral("agent support-summarizer"),
            QStringLiteral("  ~ owner: team-support@example.com → team-cx@example.com [neutral]"),
            QStringLiteral("support-summarizer ▸ summarize-tickets"),
            QStringLiteral("  ~ ttl: 5m → 2m [narrows]"),
            QStringLiteral("  + public.tickets columns: account_id [widens]"),
            QStringLiteral("  ~ public.tickets rows: customer_id = $customer_id → customer_id BETWEEN $customer_id AND $customer_id + 10 [widens]"),
            QStringLiteral("  ~ public.customers mask email: email → redact [narrows]"),
            QStringLiteral("refund-bot ▸ refund-payment"),
            QStringLiteral("  ~ approval: required → none [widens]"),
            QStringLiteral("agent analytics-reporter"),
            QStringLiteral("  + identity: spiffe://example.com/agents/analytics-ci [widens]"),
            QStringLiteral("analytics-reporter ▸ weekly-report"),
            QStringLiteral("  + public.customers scope: select on [country, id, phone] where country || '' <> 'XX' [widens]"),
        };
        QCOMPARE(shown, expected);
        QCOMPARE(riskColor(writ::review::Risk::Widens), QColor(0xd3, 0x2f, 0x2f));
        QCOMPARE(riskColor(writ::review::Risk::Narrows), QColor(0x2e, 0x7d, 0x32));

        // Blast radius before → after, as numbers.
        QTreeWidgetItem *summarize = topLevel(doc->blastTree(), QStringLiteral("support-summarizer ▸ summarize-tickets"));
        QVERIFY(summarize);
        QCOMPARE(child(summarize, "columns")->text(1), QStringLiteral("15"));
        QCOMPARE(child(summarize, "columns")->text(2), QStringLiteral("16"));
        QCOMPARE(child(summarize, "classified")->text(1), QStringLiteral("1"));
        QCOMPARE(child(summarize, "classified")->text(2), QStringLiteral("2"));
        QCOMPARE(child(summarize, "relations")->text(2), QStringLiteral("3"));
        QTreeWidgetItem *weekly = topLevel(doc->blastTree(), QStringLiteral("analytics-reporter ▸ weekly-report"));
        QVERIFY(weekly);
        QCOMPARE(child(weekly, "relations")->text(1), QStringLiteral("3"));
        QCOMPARE(child(weekly, "relations")->text(2), QStringLiteral("4"));
        QCOMPARE(child(weekly, "columns")->text(1), QStringLiteral("14"));
        QCOMPARE(child(weekly, "columns")->text(2), QStringLiteral("17"));
        QVERIFY(child(child(weekly, "classified"), "+ public.customers.phone pii"));

        // The SQL plan difference: each side marks what the other does not have.
        QVERIFY(!doc->oldChangedLines().isEmpty());
        QVERIFY(!doc->newChangedLines().isEmpty());
        bool accountIdMarked = false;
        for (const int line : doc->newChangedLines())
            accountIdMarked |= doc->newSqlView()->text(line).contains("account_id");
        QVERIFY2(accountIdMarked, qPrintable(doc->newSqlView()->text()));
        // The document alone fills the window for the picture.
        QList<QDockWidget *> hidden;
        for (QDockWidget *dock : m_window->findChildren<QDockWidget *>())
            if (dock->isVisible() && m_window->dockWidgetArea(dock) == Qt::BottomDockWidgetArea) {
                dock->hide();
                hidden << dock;
            }
        QTest::qWait(300); // let the window lay the document out in the space the docks left
        screenshot(m_window.get(), QStringLiteral("studio-review.png"));
        for (QDockWidget *dock : hidden)
            dock->show();
    }

    void markdownExportIsWhatWritDiffWrites()
    {
        ReviewDocument *doc = reviewDemoAgainst(reviewData("sample.writ.yaml"));
        QVERIFY(doc);
        const QString file = m_dir.filePath("review.md");
        QString error;
        QVERIFY2(doc->exportMarkdown(file, &error), qPrintable(error));
        const CliResult cli = runCli({"diff", writ::ui::test::demoPolicyPath(), reviewData("sample.writ.yaml"), "--catalog",
                                      analyzedCatalog(), "--format", "markdown"});
        QVERIFY2(cli.exitCode == 2, qPrintable(cli.err));
        QCOMPARE(writ::ui::test::readFile(file), cli.out);
        QVERIFY(cli.out.contains("**9 changes: 5 widen, 3 narrow, 1 neutral**"));
    }

    // Draft against a revision: git runs in the policy file's own repository, whatever directory the
    // studio runs in (here the build directory, inside another repository).
    void gitRevisionIsReadInTheFilesOwnRepository()
    {
        QTemporaryDir repo;
        QVERIFY(repo.isValid());
        const auto git = [&repo](const QStringList &args) {
            QProcess p;
            p.setWorkingDirectory(repo.path());
            p.start(QStringLiteral("git"), QStringList{"-c", "user.name=Writ Test", "-c", "user.email=test@example.com"} + args);
            return p.waitForFinished(30000) && p.exitCode() == 0;
        };
        const QString file = repo.filePath("policy.writ.yaml");
        const QString committed = writ::ui::test::readFile(writ::ui::test::demoPolicyPath());
        QVERIFY(git({"init", "-q"}));
        QVERIFY(QFile::copy(writ::ui::test::demoPolicyPath(), file));
        QVERIFY(git({"add", "policy.writ.yaml"}));
        QVERIFY(git({"commit", "-q", "-m", "demo"}));
        QFile::remove(file);
        QVERIFY(QFile::copy(reviewData("sample.writ.yaml"), file));

        const ReviewVersion head = versionFromGit(QStringLiteral("HEAD"), file);
        QVERIFY2(head.ok(), qPrintable(head.error));
        QCOMPARE(head.label, QStringLiteral("git:HEAD:policy.writ.yaml"));
        QCOMPARE(head.text, committed);

        const ReviewVersion missing = versionFromGit(QStringLiteral("no-such-branch"), file);
        QVERIFY(!missing.ok());
        QVERIFY2(missing.error.contains(QStringLiteral("git show no-such-branch:./policy.writ.yaml failed")), qPrintable(missing.error));
        const ReviewVersion unsafe = versionFromGit(QStringLiteral("--output=/tmp/x"), file);
        QVERIFY2(unsafe.error.contains(QStringLiteral("starts with '-'")), qPrintable(unsafe.error));
    }

    void impactReplayFindsTheStatementsWhoseVerdictChanges()
    {
        const QString audit = m_dir.filePath("audit.jsonl");
        {
            writ::audit::AuditWriter writer(audit.toStdString());
            QVERIFY(writer.append(decision("support-summarizer", "summarize-tickets", "SELECT body FROM public.messages WHERE ticket_id = $1")));
            QVERIFY(writer.append(decision("support-summarizer", "summarize-tickets", "SELECT id, subject FROM public.tickets WHERE customer_id = $1")));
            QVERIFY(writer.flush());
        }
        ReviewDocument *doc = reviewDemoAgainst(reviewData("impact.writ.yaml"));
        QVERIFY(doc);
        QSignalSpy finished(doc, &ReviewDocument::impactFinished);
        doc->replayAudit(audit, 100);
        QVERIFY(finished.wait(20000));
        QVERIFY2(finished.at(0).at(0).toBool(), qPrintable(finished.at(0).at(1).toString()));
        QCOMPARE(finished.at(0).at(1).toString(), QStringLiteral("1 of 2 statements change verdict: 1 no longer allowed"));
        QTableWidget *table = doc->impactTable();
        QCOMPARE(table->rowCount(), 1);
        QCOMPARE(table->item(0, 0)->text(), QStringLiteral("support-summarizer / summarize-tickets"));
        QCOMPARE(table->item(0, 1)->text(), QStringLiteral("allow → deny [relation-scope]"));
        QCOMPARE(table->item(0, 3)->text(), QStringLiteral("SELECT body FROM public.messages WHERE ticket_id = $1"));

        // The export carries the replay, as `writ diff --audit` does.
        const CliResult cli = runCli({"diff", writ::ui::test::demoPolicyPath(), reviewData("impact.writ.yaml"), "--catalog",
                                      analyzedCatalog(), "--audit", audit, "--audit-limit", "100", "--format", "markdown"});
        QCOMPARE(doc->markdown(), cli.out);
        QVERIFY(cli.out.contains("### Impact replay"));

        QSignalSpy missing(doc, &ReviewDocument::impactFinished);
        doc->replayAudit(m_dir.filePath("none.jsonl"), 100);
        QVERIFY(missing.wait(20000));
        QVERIFY(!missing.at(0).at(0).toBool());
        QVERIFY(missing.at(0).at(1).toString().contains("cannot read the audit file"));
    }

    void simulatorDeniesAPhoneNumberWithTheColumnScopeReason()
    {
        SimulatorDock *sim = m_ops->simulator();
        sim->show();
        sim->raise();
        sim->setAgentTask(QStringLiteral("support-summarizer"), QStringLiteral("summarize-tickets"));
        QCOMPARE(sim->task(), QStringLiteral("summarize-tickets"));
        sim->setContextValue(QStringLiteral("customer_id"), QStringLiteral("42"));
        sim->setSql(QStringLiteral("SELECT name, phone FROM public.customers"));
        QSignalSpy decided(sim, &SimulatorDock::decided);
        // Ctrl+Enter in the editor decides.
        sim->editor()->setFocus();
        QTest::keyClick(sim->editor(), Qt::Key_Return, Qt::ControlModifier);
        QCOMPARE(decided.size(), 1);
        QVERIFY(sim->simulation());
        QCOMPARE(sim->simulation()->decision.verdict, writ::decide::Verdict::Deny);
        QCOMPARE(sim->reasonList()->topLevelItem(0)->text(0), QStringLiteral("column-scope"));
        QVERIFY(sim->verdictLabel()->text().startsWith("decision: deny"));

        // The same words as `writ simulate`.
        const CliResult cli = runCli({"simulate", writ::ui::test::demoPolicyPath(), "--catalog", analyzedCatalog(), "--agent",
                                      "support-summarizer", "--task", "summarize-tickets", "--ctx", "customer_id=42",
                                      "SELECT name, phone FROM public.customers"});
        QCOMPARE(cli.exitCode, 1);
        QCOMPARE(sim->decisionText(), cli.out);
        QVERIFY(cli.out.contains("[column-scope] column public.customers.phone is not in scope"));

        // The reason names what decided it, for the canvas.
        QSignalSpy activated(sim, &SimulatorDock::reasonActivated);
        emit sim->reasonList()->itemActivated(sim->reasonList()->topLevelItem(0), 0);
        QCOMPARE(activated.size(), 1);
        QCOMPARE(activated.at(0).at(0).toString(), QStringLiteral("support-summarizer"));
        QCOMPARE(activated.at(0).at(1).toString(), QStringLiteral("summarize-tickets"));
        QCOMPARE(activated.at(0).at(2).toString(), QStringLiteral("public.customers"));
        QCOMPARE(activated.at(0).at(3).toString(), QStringLiteral("phone"));

        QString error;
        QVERIFY2(sim->saveAsTestCase(m_dir.filePath("studio.tests.yaml"), &error), qPrintable(error));
    }

    void sandboxRunShowsMaskedValuesAndTheSavedCasesPass()
    {
        QString error;
        QVERIFY2(m_db.create(QStringLiteral("supportdesk"), &error), qPrintable(error));
        ConnectionSpec spec;
        spec.uri = m_db.dsn();
        m_window->connectTo(spec);
        QTRY_VERIFY_WITH_TIMEOUT(m_window->session()->state() == CatalogSession::State::Connected, 60000);

        SimulatorDock *sim = m_ops->simulator();
        sim->setAgentTask(QStringLiteral("support-summarizer"), QStringLiteral("summarize-tickets"));
        sim->setContextValue(QStringLiteral("customer_id"), QStringLiteral("42"));
        // Unqualified, as an agent writes it: the task's search path reads customers through its masked view.
        sim->setSql(QStringLiteral("SELECT id, name, email FROM customers"));
        QSignalSpy finished(sim, &SimulatorDock::sandboxFinished);
        sim->runInSandbox();
        QVERIFY(sim->isRunning());
        QVERIFY(finished.wait(60000));
        QVERIFY2(finished.at(0).at(0).toBool(), qPrintable(finished.at(0).at(1).toString()));
        QTableWidget *result = sim->resultTable();
        QCOMPARE(result->rowCount(), 1);
        QCOMPARE(result->horizontalHeaderItem(2)->text(), QStringLiteral("email"));
        QVERIFY2(result->item(0, 2)->text().contains("***@"), qPrintable(result->item(0, 2)->text()));
        QCOMPARE(result->item(0, 0)->text(), QStringLiteral("42"));
        QVERIFY2(QRegularExpression(QStringLiteral("^visible: 1 of [1-9][0-9]* rows$")).match(sim->visibleLabel()->text()).hasMatch(),
                 qPrintable(sim->visibleLabel()->text()));
        QVERIFY(sim->timeLabel()->text().startsWith("time: "));
        m_window->showTab(MainWindow::Tab::Policy);
        screenshot(m_window.get(), QStringLiteral("studio-simulator.png"));

        const QString cases = m_dir.filePath("studio.tests.yaml");
        QVERIFY2(sim->saveAsTestCase(cases, &error), qPrintable(error));
        const QString text = writ::ui::test::readFile(cases);
        QVERIFY2(text.contains("expect: deny\n    rule: column-scope"), qPrintable(text));
        QVERIFY2(text.contains("expect: allow\n    rows: 1\n"), qPrintable(text));
        const CliResult run = runCli({"test", writ::ui::test::demoPolicyPath(), cases, "--db", m_db.dsn()});
        QVERIFY2(run.exitCode == 0, qPrintable(run.out + run.err));
        QVERIFY2(run.out.contains("2 passed, 0 failed"), qPrintable(run.out));
    }

    void cleanupTestCase()
    {
        m_window.reset();
        m_db.drop();
    }
};

QTEST_MAIN(TestStudioReview)
#include "tst_studio_review.moc"
