// SPDX-License-Identifier: Apache-2.0
// The database behind the gateway restarts for real (its own throwaway cluster, stopped and started
// again on the same port): a session that was open gets an error, not a hang; new sessions of the same
// task work once the database is back; the gateway's state connections and revocation listener come back,
// and ending the task still ends its session and refuses new ones; and the audit chain is whole.

#include "admin_http.h"

#include <QProcessEnvironment>

#include <memory>

using namespace gatewaytest;

namespace {

const QByteArray kAdminToken = "db-restart-admin-token-0123456789";

} // namespace

class TestGatewayDatabaseRestart : public QObject
{
    Q_OBJECT

private:
    QString m_sandboxDir;
    std::unique_ptr<GatewayFixture> m_gw;
    int m_adminPort = 0;

    /// scripts/pg-sandbox on this test's own cluster.
    CliResult sandbox(const QStringList &args)
    {
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert("WRIT_SANDBOX_DIR", m_sandboxDir);
        env.insert("WRIT_PG_MAX_CONNECTIONS", "60");
        p.setProcessEnvironment(env);
        p.start(QStringLiteral(WRIT_SOURCE_DIR "/scripts/pg-sandbox"), args);
        return finishProcess(p, 180000);
    }

    QByteArray metrics() { return httpCall(m_adminPort, "GET", "/metrics", {}, kAdminToken).body; }

private slots:
    void initTestCase()
    {
        m_sandboxDir = QStringLiteral("/tmp/writ-restart-sandbox-%1").arg(QCoreApplication::applicationPid());
        for (const QStringList &step : {QStringList{"start"}, QStringList{"load-demo"}}) {
            const CliResult r = sandbox(step);
            QVERIFY2(r.exitCode == 0, qPrintable(r.out + r.err));
        }
        const CliResult env = sandbox({"env"});
        QVERIFY2(env.exitCode == 0, qPrintable(env.err));
        const auto dsn = QRegularExpression(QStringLiteral("WRIT_TEST_ADMIN_DSN='?([^'\\n]+)")).match(env.out);
        QVERIFY2(dsn.hasMatch(), qPrintable(env.out));
        // The fixture copies the demo database on the cluster this variable names: this test's own.
        qputenv("WRIT_TEST_ADMIN_DSN", dsn.captured(1).toUtf8());
        m_gw = std::make_unique<GatewayFixture>(QStringLiteral("writ_gw_db_restart"));
        writeTokenFile(m_gw->path("admin.token"), kAdminToken);
        m_gw->start(QStringLiteral("admin: { listen: 127.0.0.1:0, token_file: %1 }\n").arg(m_gw->path("admin.token")));
        m_adminPort = waitForAdminPort(*m_gw);
        QVERIFY2(m_adminPort > 0, qPrintable(m_gw->log()));
    }

    void restartedDatabaseIsSurvived()
    {
        const GatewayTask task = m_gw->startTask("support-summarizer", "summarize-tickets", {"customer_id=4"});
        Session agent(m_gw->gatewayDsn(task.credential));
        QVERIFY(agent.exec("SELECT count(*) FROM public.tickets").ok);
        {
            // A second session that ends cleanly leaves its connection parked for the task: after the
            // restart that connection is dead and must not be handed out.
            Session parked(m_gw->gatewayDsn(task.credential));
            QVERIFY(parked.exec("SELECT 1").ok);
        }
        QTRY_VERIFY_WITH_TIMEOUT(metrics().contains("writ_gateway_state_listening 1"), 5000);

        const CliResult restarted = sandbox({"restart"});
        QVERIFY2(restarted.exitCode == 0, qPrintable(restarted.out + restarted.err));

        const SqlResult broken = agent.exec("SELECT count(*) FROM public.tickets");
        QVERIFY(!broken.ok); // an error, not a hang
        QVERIFY2(broken.sqlstate.startsWith("08") || broken.sqlstate.startsWith("57") || broken.sqlstate.isEmpty(),
                 qPrintable(broken.sqlstate + ": " + broken.error));
        QVERIFY2(m_gw->running(), qPrintable(m_gw->log()));

        // The task is still valid (its state is in the database, which kept its data): new sessions work.
        Session fresh(m_gw->gatewayDsn(task.credential));
        QVERIFY2(fresh.exec("SELECT count(*) FROM public.tickets").ok, qPrintable(m_gw->log()));
        QVERIFY2(!fresh.exec("SELECT phone FROM public.customers").ok, "the policy still applies after the restart");

        // The listener is back, and ending the task elsewhere ends its live session and refuses new ones
        // (whether the gateway's notification or the database's own termination of the task's backends
        // comes first).
        QTRY_VERIFY2_WITH_TIMEOUT(m_gw->log().contains("listening for revocations again"), qPrintable(m_gw->log()), 10000);
        QVERIFY(metrics().contains("writ_gateway_state_listening 1"));
        const auto ended = runWrit({"task", "end", task.id, "--db", m_gw->dsn});
        QCOMPARE(ended.exitCode, 0);
        QTRY_VERIFY_WITH_TIMEOUT(!fresh.exec("SELECT 1").ok, 3000);
        Session refused(m_gw->gatewayDsn(task.credential));
        QVERIFY(!refused.isOpen());

        httpCall(m_adminPort, "GET", "/v1/audit?limit=1", {}, kAdminToken); // flushes
        const auto verify = runWrit({"audit", "verify", m_gw->auditFile(), "--key-file", m_gw->path("audit.key")});
        QVERIFY2(verify.exitCode == 0, floortest::cliText(verify).constData());
    }

    void cleanupTestCase()
    {
        if (m_gw) {
            m_gw->stop();
        }
        m_gw.reset(); // drops its database copy while the cluster still runs
        sandbox({"stop"});
    }
};

QTEST_GUILESS_MAIN(TestGatewayDatabaseRestart)
#include "tst_gateway_db_restart.moc"
