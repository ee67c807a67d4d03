// SPDX-License-Identifier: Apache-2.0
// The studio's operations side end to end, against a real gateway (publisher keys trusted, admin API on)
// in front of a private copy of the demo database: publishing from the studio changes what an agent can
// do; a push the gateway refuses leaves the floor as it was and the sheet names the step and the
// rollback; approving in the Approvals dock lets the agent's retried statement run; the Sessions dock
// lists a live session and Kill ends it. With WRIT_OPERATE_SCREENSHOTS=DIR the sheet and the docks are
// saved as PNGs there (docs/screenshots).

#include "admin_http.h"
#include "ui_test_support.h"

#include "ui/catalog/catalog_session.h"
#include "ui/connect/connection_spec.h"
#include "ui/document/policy_document.h"
#include "ui/operate/approvals_dock.h"
#include "ui/operate/audit_dock.h"
#include "ui/operate/gateway_status_item.h"
#include "ui/operate/health_dock.h"
#include "ui/operate/history_dock.h"
#include "ui/operate/json_table.h"
#include "ui/operate/operations.h"
#include "ui/operate/publish_controller.h"
#include "ui/operate/publish_dialog.h"
#include "ui/operate/publish_settings.h"
#include "ui/operate/sessions_dock.h"
#include "ui/operate/tasks_dock.h"
#include "ui/review/review_version.h"
#include "ui/shell/main_window.h"

#include <QAction>
#include <QApplication>
#include <QCryptographicHash>
#include <QDir>
#include <QMenu>
#include <QMenuBar>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableWidget>

#include <memory>

using namespace gatewaytest;
using namespace writ::ui;

namespace {

const QByteArray kAdminToken = "studio-operate-admin-token-0123456789";

const QString kMessagesScope = QStringLiteral(
    "          public.messages:\n"
    "            ops: [select]\n"
    "            columns: [id, ticket_id, author_kind, body, created_at]\n"
    "            rows: \"ticket_id = ANY (ARRAY(SELECT id FROM public.tickets WHERE customer_id = $customer_id))\"\n"
    "            reason: \"The conversation on those tickets; author names of staff are not needed.\"\n");

const QString kCustomersScope = QStringLiteral(
    "          public.customers:\n"
    "            ops: [select]\n"
    "            columns: [id, name, email]\n"
    "            mask: { email: email }\n"
    "            rows: \"id = $customer_id\"\n"
    "            reason: \"Greets the customer by name; the email is masked because the summary never needs it in full.\"\n");

/// Row of `table` whose column `column` reads `text`; -1 when none.
int rowWith(const QTableWidget *table, int column, const QString &text)
{
    for (int r = 0; r < table->rowCount(); ++r)
        if (table->item(r, column) && table->item(r, column)->text() == text)
            return r;
    return -1;
}

} // namespace

using writ::ui::test::screenshot;

class TestStudioOperate : public QObject
{
    Q_OBJECT

private:
    GatewayFixture m_gw{QStringLiteral("writ_studio_operate")};
    int m_adminPort = 0;
    std::unique_ptr<MainWindow> m_window;
    Operations *m_ops = nullptr;

    QString gatewayUrl() const { return QStringLiteral("http://127.0.0.1:%1").arg(m_adminPort); }
    HttpResult call(const QByteArray &method, const QString &path) { return httpCall(m_adminPort, method, path, {}, kAdminToken); }
    int policyVersion() { return call("GET", "/v1/policy").json().object().value("version").toInt(); }
    QString lastDeploymentSha()
    {
        Session owner(m_gw.dsn);
        return owner.scalar("SELECT sha256 FROM writ.deployment ORDER BY version DESC LIMIT 1");
    }

    /// The demo policy without `remove` (each must be in it), written next to the gateway's files.
    QString policyWithout(const QString &name, const QStringList &remove)
    {
        QString text = writ::ui::test::readFile(floortest::demoPolicy());
        for (const QString &part : remove) {
            if (!text.contains(part))
                qFatal("the demo policy changed: update the scopes this test removes");
            text.remove(part);
        }
        QFile out(m_gw.path(name));
        out.open(QIODevice::WriteOnly);
        out.write(text.toUtf8());
        return out.fileName();
    }

    CliResult psql(const GatewayTask &task, const QString &sql)
    {
        return runTool("psql", {"-X", "-At", "-v", "VERBOSITY=verbose", "-c", sql,
                                QStringLiteral("host=127.0.0.1 port=%1 dbname=writ_studio_operate user=agent sslmode=disable").arg(m_gw.port)},
                       task.credential);
    }

    /// Publishes the open document and waits for the outcome.
    PublishOutcome publishAndWait(bool viaAction)
    {
        QSignalSpy finished(m_ops->publisher(), &PublishController::finished);
        if (viaAction)
            m_ops->publisher()->action()->trigger();
        else if (!m_ops->publisher()->publish())
            qFatal("publish did not start: %s", qPrintable(m_ops->publisher()->lastError()));
        if (!finished.wait(120000))
            qFatal("publishing did not finish");
        return finished.takeFirst().at(0).value<PublishOutcome>();
    }

private slots:
    void initTestCase()
    {
        writ::ui::test::isolateSettings();
        // Same kid as the gateway's publisher key, another key: the gateway must refuse what it signs.
        const auto foreign = runWrit({"keys", "generate", "--out", m_gw.path("foreign"), "--alg", "EdDSA", "--kid", "pub1"});
        QVERIFY2(foreign.exitCode == 0, floortest::cliText(foreign).constData());
        m_adminPort = startBundleGateway(m_gw, kAdminToken);
        QVERIFY2(m_adminPort > 0, qPrintable(m_gw.log()));
        QCOMPARE(policyVersion(), 1);

        m_window = std::make_unique<MainWindow>();
        m_window->setInteractive(false);
        m_ops = installOperations(*m_window);
        QCOMPARE(installOperations(*m_window), m_ops); // once
        m_ops->setInteractive(false);
        m_ops->connectToGateway(gatewayUrl(), m_gw.path("admin.token"));
        PublishSettings{m_gw.path("publisher/pub1.private.pem"), QString()}.save();
        m_window->resize(1400, 900);
        m_window->show();

        // The floor is applied to the studio's own database connection.
        ConnectionSpec spec;
        spec.uri = m_gw.dsn;
        m_window->connectTo(spec);
        QTRY_VERIFY_WITH_TIMEOUT(m_window->session()->state() == CatalogSession::State::Connected, 60000);
    }

    void gatewayMenuAndStatusAreInstalled()
    {
        QVERIFY(m_ops->menu());
        QVERIFY(m_window->menuBar()->actions().contains(m_ops->menu()->menuAction()));
        QCOMPARE(m_ops->publisher()->action()->shortcut(), QKeySequence(QStringLiteral("Ctrl+Shift+P")));
        QVERIFY(m_window->openPolicy(floortest::demoPolicy()));
        m_ops->statusItem()->refresh();
        QTRY_COMPARE_WITH_TIMEOUT(m_ops->statusItem()->text(), QStringLiteral("gateway v1 ● in sync"), 10000);
    }

    void publishingFromTheStudioChangesWhatAnAgentCanDo()
    {
        const GatewayTask before = m_gw.startTask("support-summarizer", "summarize-tickets", {"customer_id=8"});
        {
            Session agent(m_gw.gatewayDsn(before.credential));
            QVERIFY2(agent.exec("SELECT count(*) FROM public.messages").ok, qPrintable(m_gw.log()));
        }
        QVERIFY(m_window->openPolicy(policyWithout("narrowed.yaml", {kMessagesScope})));
        QTRY_COMPARE_WITH_TIMEOUT(m_ops->statusItem()->text(), QStringLiteral("gateway v1 ● draft differs"), 10000);

        m_ops->publisher()->setAutoConfirm(true);
        const PublishOutcome outcome = publishAndWait(true);
        QVERIFY2(outcome.published, qPrintable(outcome.failedStep + ": " + outcome.error));
        QCOMPARE(outcome.version, 2);
        QCOMPARE(outcome.previousVersion, 1);
        PublishDialog *sheet = m_ops->publisher()->dialog();
        QVERIFY(sheet->isVisible());
        for (const char *step : {"validate", "apply", "sign", "push", "verify", "record"})
            QVERIFY2(sheet->stepState(step) == PublishDialog::StepState::Done, qPrintable(QString::fromLatin1(step) + ": " + sheet->stepMessage(step)));
        QVERIFY2(sheet->outcomeText().contains("bundle v2"), qPrintable(sheet->outcomeText()));
        // The plan named what the bundle takes away.
        QVERIFY2(sheet->planLines().join('\n').contains("public.messages"), qPrintable(sheet->planLines().join('\n')));
        QCOMPARE(policyVersion(), 2);
        screenshot(sheet, QStringLiteral("studio-publish-progress.png"));

        // A task started afterwards can no longer read messages through the gateway.
        const GatewayTask after = m_gw.startTask("support-summarizer", "summarize-tickets", {"customer_id=8"});
        Session agent(m_gw.gatewayDsn(after.credential));
        const SqlResult denied = agent.exec("SELECT count(*) FROM public.messages");
        QVERIFY(!denied.ok);
        QCOMPARE(denied.sqlstate, QStringLiteral("42501"));
        QVERIFY(agent.exec("SELECT count(*) FROM public.tickets").ok);

        QTRY_COMPARE_WITH_TIMEOUT(m_ops->statusItem()->text(), QStringLiteral("gateway v2 ● in sync"), 10000);
        m_ops->history()->refresh();
        QTRY_COMPARE_WITH_TIMEOUT(m_ops->history()->activeVersion(), 2, 10000);
        QCOMPARE(m_ops->history()->table()->rowCount(), 2);
        sheet->close();
    }

    // Reviewing the draft against the gateway reads the policy it enforces from the admin API alone:
    // the bundle just published, whose text hashes to the SHA-256 the gateway reports.
    void reviewAgainstTheGatewayReadsWhatItEnforces()
    {
        const ReviewVersion enforced = versionFromGateway(gatewayUrl(), m_gw.path("admin.token"));
        QVERIFY2(enforced.ok(), qPrintable(enforced.error));
        QCOMPARE(enforced.label, QStringLiteral("gateway v%1").arg(policyVersion()));
        const QString sha256 = call("GET", "/v1/policy").json().object().value("sha256").toString();
        QCOMPARE(QString::fromLatin1(QCryptographicHash::hash(enforced.text.toUtf8(), QCryptographicHash::Sha256).toHex()), sha256);
        QVERIFY(enforced.text.contains(QStringLiteral("support-summarizer")));

        const ReviewVersion wrongToken = versionFromGateway(gatewayUrl(), m_gw.path("publisher/jwks.json"));
        QVERIFY(!wrongToken.ok());
    }

    void aFailedPushRollsTheFloorBack()
    {
        const QString floorBefore = lastDeploymentSha();
        // Signed by a key the gateway does not trust: the push is refused after the floor changed.
        PublishSettings{m_gw.path("foreign/pub1.private.pem"), QString()}.save();
        QVERIFY(m_window->openPolicy(policyWithout("narrower.yaml", {kMessagesScope, kCustomersScope})));

        m_ops->publisher()->setAutoConfirm(false);
        QSignalSpy finished(m_ops->publisher(), &PublishController::finished);
        QVERIFY2(m_ops->publisher()->publish(), qPrintable(m_ops->publisher()->lastError()));
        PublishDialog *sheet = m_ops->publisher()->dialog();
        QTRY_VERIFY_WITH_TIMEOUT(sheet->isShowingPlan(), 60000);
        const QString plan = sheet->planLines().join('\n');
        QVERIFY2(plan.contains("Database steps") && plan.contains("Bundle changes") && plan.contains("Warnings"), qPrintable(plan));
        QVERIFY2(plan.contains("public.customers"), qPrintable(plan));
        screenshot(sheet, QStringLiteral("studio-publish-plan.png"));
        sheet->confirmButton()->click();

        QVERIFY(finished.wait(120000));
        const auto outcome = finished.takeFirst().at(0).value<PublishOutcome>();
        QVERIFY(!outcome.published);
        QCOMPARE(outcome.failedStep, QStringLiteral("push"));
        QVERIFY2(outcome.error.contains("refused"), qPrintable(outcome.error));
        QVERIFY2(outcome.floorRestored, qPrintable(outcome.floorMessage));
        QCOMPARE(sheet->stepState("apply"), PublishDialog::StepState::Done);
        QCOMPARE(sheet->stepState("push"), PublishDialog::StepState::Failed);
        QCOMPARE(sheet->stepState("verify"), PublishDialog::StepState::Pending);
        QVERIFY2(sheet->outcomeText().contains("Push the bundle"), qPrintable(sheet->outcomeText()));
        QVERIFY2(sheet->outcomeText().contains("rolled back"), qPrintable(sheet->outcomeText()));
        QVERIFY(sheet->rollbackButton()->isVisibleTo(sheet));
        QVERIFY(sheet->rollbackButton()->text().contains("v2"));
        screenshot(sheet, QStringLiteral("studio-publish-failed.png"));

        QCOMPARE(lastDeploymentSha(), floorBefore); // the floor is the previous deployment's again
        QCOMPARE(policyVersion(), 2);
        // The offered rollback answers (the gateway is on v2 already, so it stays there).
        QSignalSpy rolled(m_ops->publisher(), &PublishController::rolledBack);
        sheet->rollbackButton()->click();
        QVERIFY(rolled.wait(20000));
        QVERIFY2(rolled.at(0).at(0).toBool(), qPrintable(rolled.at(0).at(1).toString()));
        QCOMPARE(policyVersion(), 2);
        sheet->close();
        PublishSettings{m_gw.path("publisher/pub1.private.pem"), QString()}.save();
    }

    void approvingInTheStudioLetsTheRetriedStatementRun()
    {
        const GatewayTask task = m_gw.startTask("support-summarizer", "summarize-tickets", {"customer_id=42"});
        const QString copy = QStringLiteral("COPY (SELECT id FROM tickets) TO STDOUT");
        const CliResult asked = psql(task, copy);
        QVERIFY2(asked.exitCode != 0, qPrintable(asked.out));
        const QString id = approvalIdIn(asked.err);
        QVERIFY2(!id.isEmpty(), qPrintable(asked.err));

        ApprovalsDock *approvals = m_ops->approvals();
        approvals->show();
        approvals->raise();
        QSignalSpy arrived(approvals, &ApprovalsDock::arrived);
        approvals->refresh();
        QTRY_VERIFY_WITH_TIMEOUT(rowWith(approvals->table(), 0, id) >= 0, 10000);
        QVERIFY(approvals->windowTitle().startsWith("Approvals ("));
        QVERIFY(arrived.size() >= 1);
        QVERIFY(selectId(approvals->table(), id));
        screenshot(m_window.get(), QStringLiteral("studio-operate-approvals.png"));

        QSignalSpy decided(approvals, &ApprovalsDock::decided);
        approvals->approve(id, QStringLiteral("studio-reviewer"));
        QVERIFY(decided.wait(10000));
        QVERIFY2(decided.at(0).at(1).toBool(), qPrintable(decided.at(0).at(2).toString()));
        QTRY_VERIFY_WITH_TIMEOUT(rowWith(approvals->table(), 0, id) < 0, 10000);

        const CliResult retried = psql(task, copy);
        QVERIFY2(retried.exitCode == 0, qPrintable(retried.err));
        QVERIFY(!retried.out.trimmed().isEmpty());

        // A denial needs a reason.
        const QString next = approvalIdIn(psql(task, copy).err);
        QVERIFY(!next.isEmpty());
        approvals->deny(next, QString());
        QVERIFY(approvals->errorText().contains("reason"));
        QSignalSpy denied(approvals, &ApprovalsDock::decided);
        approvals->deny(next, QStringLiteral("not for this ticket"));
        QVERIFY(denied.wait(10000));
        QVERIFY(denied.at(0).at(1).toBool());
    }

    void sessionsDockListsALiveSessionAndKillEndsIt()
    {
        const GatewayTask task = m_gw.startTask("support-summarizer", "summarize-tickets", {"customer_id=7"});
        Session agent(m_gw.gatewayDsn(task.credential));
        QVERIFY(agent.exec("SELECT 1").ok);
        QVERIFY(agent.exec("SELECT 2").ok);

        SessionsDock *sessions = m_ops->sessions();
        sessions->show();
        sessions->raise();
        sessions->refresh();
        QTRY_VERIFY_WITH_TIMEOUT(rowWith(sessions->table(), 1, task.id) >= 0, 10000);
        const int row = rowWith(sessions->table(), 1, task.id);
        QCOMPARE(sessions->table()->item(row, 0)->text(), QStringLiteral("support-summarizer"));
        QVERIFY(sessions->table()->item(row, 4)->text().startsWith("127.0.0.1:"));
        QVERIFY(sessions->table()->item(row, 5)->text().toInt() >= 2);
        const QString id = sessions->table()->item(row, 0)->data(Qt::UserRole).toString();
        QVERIFY(!id.isEmpty());
        QVERIFY(selectId(sessions->table(), id));
        screenshot(m_window.get(), QStringLiteral("studio-operate-sessions.png"));

        QSignalSpy killed(sessions, &SessionsDock::killed);
        sessions->kill(id);
        QVERIFY(killed.wait(10000));
        QVERIFY2(killed.at(0).at(1).toBool(), qPrintable(killed.at(0).at(2).toString()));
        QTest::qWait(300);
        QVERIFY2(!agent.exec("SELECT 3").ok, "a killed session still runs statements");
        QTRY_VERIFY_WITH_TIMEOUT(rowWith(sessions->table(), 1, task.id) < 0, 10000);
    }

    void tasksAuditAndHealthShowTheGateway()
    {
        const GatewayTask task = m_gw.startTask("support-summarizer", "summarize-tickets", {"customer_id=9"});
        {
            Session agent(m_gw.gatewayDsn(task.credential));
            QVERIFY(!agent.exec("SELECT phone FROM public.customers").ok);
        }
        TasksDock *tasks = m_ops->tasks();
        tasks->show();
        tasks->raise();
        tasks->refresh();
        QTRY_VERIFY_WITH_TIMEOUT(rowWith(tasks->table(), 0, task.id) >= 0, 10000);
        QSignalSpy ended(tasks, &TasksDock::ended);
        tasks->revokeTask(task.id, QStringLiteral("studio test"));
        QVERIFY(ended.wait(10000));
        QVERIFY2(ended.at(0).at(1).toBool(), qPrintable(ended.at(0).at(2).toString()));
        QTRY_VERIFY_WITH_TIMEOUT(rowWith(tasks->table(), 0, task.id) < 0, 10000);
        // Without a tasks_api section the gateway cannot start tasks: the dock says so in words.
        QSignalSpy started(tasks, &TasksDock::started);
        tasks->startTask("support-summarizer", "summarize-tickets", QJsonObject{{"customer_id", 9}});
        QVERIFY(started.wait(10000));
        QVERIFY(!started.at(0).at(0).toBool());
        QVERIFY2(tasks->errorText().contains("tasks API"), qPrintable(tasks->errorText()));

        AuditDock *audit = m_ops->audit();
        audit->show();
        audit->raise();
        audit->setFilter(QString(), task.id, QStringLiteral("deny"));
        const auto onlyThisTasksDenials = [&] {
            for (const auto &v : audit->records())
                if (v.toObject().value("task").toString() != task.id)
                    return false;
            return !audit->records().isEmpty();
        };
        QTRY_VERIFY_WITH_TIMEOUT(onlyThisTasksDenials(), 10000);
        QCOMPARE(audit->table()->rowCount(), int(audit->records().size()));
        for (const auto &v : audit->records()) {
            QCOMPARE(v.toObject().value("task").toString(), task.id);
            QCOMPARE(v.toObject().value("verdict").toString(), QStringLiteral("deny"));
        }
        const QString csv = m_gw.path("audit.csv");
        QVERIFY(audit->exportCsv(csv));
        const QStringList lines = writ::ui::test::readFile(csv).split('\n', Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), int(audit->records().size()) + 1);
        QVERIFY(lines.at(0).startsWith("seq,time_us,event,agent,task"));
        QVERIFY(lines.at(1).contains(task.id));
        screenshot(m_window.get(), QStringLiteral("studio-operate-audit.png"));

        HealthDock *health = m_ops->health();
        health->show();
        health->raise();
        health->refresh();
        QTRY_COMPARE_WITH_TIMEOUT(health->value("policy_version"), QStringLiteral("v2"), 10000);
        QTRY_VERIFY_WITH_TIMEOUT(health->value("writ_gateway_statements_total{verdict=\"deny\"}").toInt() >= 1, 10000);
        QCOMPARE(health->value("database"), QStringLiteral("writ_studio_operate"));
        screenshot(m_window.get(), QStringLiteral("studio-operate-health.png"));
    }

    void cleanupTestCase()
    {
        m_window.reset();
        m_gw.stop();
    }
};

QTEST_MAIN(TestStudioOperate)
#include "tst_studio_operate.moc"
