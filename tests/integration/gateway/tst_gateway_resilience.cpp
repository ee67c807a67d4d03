// SPDX-License-Identifier: Apache-2.0
// The gateway when things around it fail: the audit file cannot be written (statements are refused
// with SQLSTATE 58030 until it can, and the chain stays intact), the database ends every connection
// the gateway holds (what a database restart looks like to open connections: clients get an error, new
// sessions work, the state connections and the revocation listener come back), and the gateway itself
// restarts (tasks stay valid, the audit chain continues across both runs).

#include "admin_http.h"

#include <algorithm>
#include <memory>

using namespace gatewaytest;

namespace {

const QByteArray kAdminToken = "resilience-admin-token-0123456789";

} // namespace

class TestGatewayResilience : public QObject
{
    Q_OBJECT

private:
    GatewayFixture m_gw{QStringLiteral("writ_gw_resilience")};
    int m_adminPort = 0;

    QByteArray metrics() { return httpCall(m_adminPort, "GET", "/metrics", {}, kAdminToken).body; }

    static void setFileSizeLimit(qint64 pid, const QString &limit)
    {
        const CliResult r = runTool("prlimit", {"--pid", QString::number(pid), "--fsize=" + limit + ":unlimited"}, QString());
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    }

    void startWithAdmin()
    {
        m_adminPort = waitForAdminPort(m_gw);
        QVERIFY2(m_adminPort > 0, qPrintable(m_gw.log()));
    }

private slots:
    void initTestCase()
    {
        writeTokenFile(m_gw.path("admin.token"), kAdminToken);
        // One I/O thread: the tests below choose whether a session is alone on it or has company.
        m_gw.ioThreads = QStringLiteral("workers: 1\n");
        m_gw.start(QStringLiteral("admin: { listen: 127.0.0.1:0, token_file: %1 }\n").arg(m_gw.path("admin.token")));
        startWithAdmin();
    }

    void auditFailureRefusesStatementsUntilTheFileIsWritableAgain()
    {
        const GatewayTask task = m_gw.startTask("support-summarizer", "summarize-tickets", {"customer_id=3"});
        Session agent(m_gw.gatewayDsn(task.credential));
        QVERIFY(agent.exec("SELECT id FROM public.tickets LIMIT 1").ok);
        // Company on the I/O thread: the agent's read record is written when the answer arrives, not at once.
        auto companion = std::make_unique<Session>(m_gw.gatewayDsn(task.credential));
        QVERIFY(companion->exec("SELECT 1").ok);
        Session alone(m_gw.gatewayDsn(task.credential)); // reads on its own once the other two are gone
        QVERIFY(alone.exec("SELECT 1").ok);
        const QString mayChangeSomething = "SELECT id, md5(subject) FROM public.tickets LIMIT 1"; // md5 is not on the read-only list
        QVERIFY(agent.exec(mayChangeSomething).ok);

        // The file may not grow by a byte: the next record cannot be written.
        setFileSizeLimit(m_gw.pid(), QString::number(QFileInfo(m_gw.auditFile()).size()));
        struct RoomAgainOnFailure // a failed check returns early: the tests after this one need the room
        {
            qint64 pid;
            ~RoomAgainOnFailure() { runTool("prlimit", {"--pid", QString::number(pid), "--fsize=unlimited:unlimited"}, QString()); }
        } roomAgain{m_gw.pid()};
        // A statement that could change something is refused before it runs, and the session goes on.
        for (int attempt = 0; attempt < 2; ++attempt) {
            const SqlResult refused = agent.exec(mayChangeSomething);
            QVERIFY(!refused.ok);
            QCOMPARE(refused.sqlstate, QStringLiteral("58030"));
            QVERIFY2(refused.error.contains("refused because it could not be audited"), qPrintable(refused.error));
        }
        // A plain read goes to the database at once, but no row of its answer reaches the client: the
        // session ends with the same SQLSTATE.
        agent.setVerboseErrors();
        const SqlResult withheld = agent.exec("SELECT id FROM public.tickets LIMIT 1");
        QVERIFY(!withheld.ok);
        QCOMPARE(withheld.count(), 0);
        const QString told = agent.connectionMessages();
        QVERIFY2(told.contains("FATAL:  58030: writ: the statement's answer was withheld because it could not be audited"), qPrintable(told));
        QVERIFY(!agent.exec("SELECT 1").ok);
        // Alone on the thread, a session writes its read's record while the database works: refused the same way.
        companion.reset();
        QTRY_VERIFY_WITH_TIMEOUT(metrics().contains("writ_gateway_sessions 1\n"), 5000);
        alone.setVerboseErrors();
        QVERIFY(!alone.exec("SELECT id FROM public.tickets LIMIT 1").ok);
        QVERIFY2(alone.connectionMessages().contains("FATAL:  58030: writ: the statement's answer was withheld"),
                 qPrintable(alone.connectionMessages()));
        QVERIFY2(m_gw.running(), qPrintable(m_gw.log()));
        QTRY_VERIFY_WITH_TIMEOUT(m_gw.log().contains("audit write failed"), 5000);
        QVERIFY(!metrics().contains("writ_gateway_audit_failures_total 0"));

        // Room again: statements run, and the chain has no gap or half line.
        setFileSizeLimit(m_gw.pid(), QStringLiteral("unlimited"));
        Session again(m_gw.gatewayDsn(task.credential));
        QVERIFY2(again.exec("SELECT id FROM public.tickets LIMIT 1").ok, qPrintable(m_gw.log()));
        httpCall(m_adminPort, "GET", "/v1/audit?limit=1", {}, kAdminToken); // flushes
        const auto verify = runWrit({"audit", "verify", m_gw.auditFile(), "--key-file", m_gw.path("audit.key")});
        QVERIFY2(verify.exitCode == 0, floortest::cliText(verify).constData());
    }

    void aReadsRecordIsOnFileWhenItsAnswerArrives()
    {
        // A read goes to the database before its decision record is written; the record must be on
        // file (not only queued in the gateway) by the time the answer reaches the client.
        const GatewayTask task = m_gw.startTask("support-summarizer", "summarize-tickets", {"customer_id=3"});
        Session agent(m_gw.gatewayDsn(task.credential));
        for (int i = 0; i < 10; ++i) {
            // Alone on the I/O thread the record is written while the database works; with company, when the
            // answer arrives (usually by another session's write, here by its own).
            std::unique_ptr<Session> companion;
            if (i >= 5) {
                companion = std::make_unique<Session>(m_gw.gatewayDsn(task.credential));
                QVERIFY(companion->exec("SELECT 1").ok);
            }
            const QString marker = QStringLiteral("read_marker_%1").arg(i);
            const SqlResult read = agent.exec("SELECT id AS " + marker + " FROM public.tickets LIMIT 1");
            QVERIFY2(read.ok, qPrintable(read.error));
            QFile f(m_gw.auditFile());
            QVERIFY(f.open(QIODevice::ReadOnly));
            const QList<QByteArray> lines = f.readAll().split('\n');
            const bool onFile = std::any_of(lines.begin(), lines.end(), [&](const QByteArray &line) {
                return line.contains("\"event\":\"decision\"") && line.contains(marker.toUtf8());
            });
            QVERIFY2(onFile, qPrintable(marker));
        }
    }

    void databaseEndingEveryConnectionIsSurvived()
    {
        const GatewayTask task = m_gw.startTask("support-summarizer", "summarize-tickets", {"customer_id=4"});
        Session agent(m_gw.gatewayDsn(task.credential));
        QVERIFY(agent.exec("SELECT 1").ok);
        QTRY_VERIFY_WITH_TIMEOUT(metrics().contains("writ_gateway_state_listening 1"), 5000);

        // Every connection to the database but ours ends: the agent's upstream, the state store, the listener.
        Session owner(m_gw.dsn);
        const SqlResult killed = owner.exec("SELECT count(*) FROM pg_stat_activity, pg_terminate_backend(pid) "
                                            "WHERE datname = current_database() AND pid <> pg_backend_pid()");
        QVERIFY2(killed.ok, qPrintable(killed.error));
        QVERIFY(killed.rows.at(0).at(0).toInt() >= 2);

        const SqlResult broken = agent.exec("SELECT 1");
        QVERIFY(!broken.ok); // an error, not a hang
        QVERIFY2(broken.error.contains("connect again") || broken.error.contains("terminat"), qPrintable(broken.error));
        QVERIFY2(m_gw.running(), qPrintable(m_gw.log()));

        // New sessions work (the state store reconnects); the listener comes back and pushes revocations again.
        Session fresh(m_gw.gatewayDsn(task.credential));
        QVERIFY2(fresh.exec("SELECT count(*) FROM public.tickets").ok, qPrintable(m_gw.log()));
        QTRY_VERIFY_WITH_TIMEOUT(metrics().contains("writ_gateway_state_listening 1"), 5000);
        QTRY_VERIFY_WITH_TIMEOUT(m_gw.log().contains("listening for revocations again"), 5000);
        const auto ended = runWrit({"task", "end", task.id, "--db", m_gw.dsn});
        QCOMPARE(ended.exitCode, 0);
        // That the listener works again, not how fast: the one-second bound is tst_gateway_psql's, on a
        // quiet gateway; here it has just reconnected everything, on a machine running other tests.
        QTRY_VERIFY_WITH_TIMEOUT(m_gw.log().contains("session(s) of task " + task.id), 5000);
    }

    void clientVanishingReleasesItsDatabaseConnection()
    {
        // psql killed with SIGKILL sends no Terminate: the gateway must still close the upstream side.
        const GatewayTask task = m_gw.startTask("support-summarizer", "summarize-tickets", {"customer_id=6"});
        QProcess psql;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert("PGPASSWORD", task.credential);
        psql.setProcessEnvironment(env);
        psql.start("psql", {"-X", "-At", m_gw.gatewayDsn(QString()).replace("password=", "")});
        QVERIFY(psql.waitForStarted());
        psql.write("SELECT 'ready';\n");
        Session owner(m_gw.dsn);
        const QString backends = "SELECT count(*) FROM pg_stat_activity WHERE application_name LIKE '%/" + task.id + "'";
        QTRY_COMPARE_WITH_TIMEOUT(owner.exec(backends).rows.at(0).at(0), QStringLiteral("1"), 10000);
        psql.kill();
        psql.waitForFinished();
        QTRY_COMPARE_WITH_TIMEOUT(owner.exec(backends).rows.at(0).at(0), QStringLiteral("0"), 5000);
    }

    void restartKeepsTasksAndTheAuditChain()
    {
        const GatewayTask task = m_gw.startTask("support-summarizer", "summarize-tickets", {"customer_id=5"});
        {
            Session agent(m_gw.gatewayDsn(task.credential));
            QVERIFY(agent.exec("SELECT 1").ok);
        }
        const QByteArray before = [&] {
            QFile f(m_gw.auditFile());
            f.open(QIODevice::ReadOnly);
            return f.readAll();
        }();
        m_gw.restart();
        QVERIFY2(m_gw.exitCode() == 0 || m_gw.running(), qPrintable(m_gw.log()));
        startWithAdmin();
        Session agent(m_gw.gatewayDsn(task.credential));
        QVERIFY2(agent.exec("SELECT count(*) FROM public.tickets").ok, qPrintable(m_gw.log()));
        agent.close();
        httpCall(m_adminPort, "GET", "/v1/audit?limit=1", {}, kAdminToken); // flushes
        QFile f(m_gw.auditFile());
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray after = f.readAll();
        QVERIFY(after.startsWith(before)); // appended to, never rewritten
        QVERIFY(after.size() > before.size());
        const auto verify = runWrit({"audit", "verify", m_gw.auditFile(), "--key-file", m_gw.path("audit.key")});
        QVERIFY2(verify.exitCode == 0, floortest::cliText(verify).constData());
    }

    void sighupRotatesTheCredentialKeys()
    {
        // A second signing key, trusted only once the configuration names it and the gateway is told.
        const auto keys = runWrit({"keys", "generate", "--out", m_gw.path("keys2"), "--alg", "EdDSA", "--kid", "gw2"});
        QVERIFY2(keys.exitCode == 0, floortest::cliText(keys).constData());
        const auto started = runWrit({"task", "start", "--db", m_gw.dsn, "--agent", "support-summarizer", "--task", "summarize-tickets",
                                      "--ctx", "customer_id=7", "--password-secret", m_gw.path("secret"), "--credential-key",
                                      m_gw.path("keys2/gw2.private.pem"), "--format", "credential"});
        QVERIFY2(started.exitCode == 0, floortest::cliText(started).constData());
        const QString newCredential = started.out.trimmed();
        const GatewayTask old = m_gw.startTask("support-summarizer", "summarize-tickets", {"customer_id=7"});
        Session refused;
        QVERIFY(!refused.open(m_gw.gatewayDsn(newCredential)));

        const auto rewrite = [this](const QString &keyFiles) {
            QFile f(m_gw.path("gateway.yaml"));
            QVERIFY(f.open(QIODevice::ReadOnly));
            QString text = QString::fromUtf8(f.readAll());
            f.close();
            text.replace(QRegularExpression("credentials: \\{ key_files: \\[[^]]*\\] \\}"), "credentials: { key_files: [" + keyFiles + "] }");
            QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
            f.write(text.toUtf8());
        };
        // Both keys during the rotation; then the new one only.
        rewrite(m_gw.path("keys/jwks.json") + ", " + m_gw.path("keys2/jwks.json"));
        m_gw.signal(SIGHUP);
        QTRY_VERIFY_WITH_TIMEOUT(m_gw.log().contains("SIGHUP: reloaded 2 task-credential key(s)"), 5000);
        Session both(m_gw.gatewayDsn(newCredential));
        QVERIFY2(both.isOpen(), qPrintable(both.error()));
        Session stillOld(m_gw.gatewayDsn(old.credential));
        QVERIFY2(stillOld.isOpen(), qPrintable(stillOld.error()));

        rewrite(m_gw.path("keys2/jwks.json"));
        m_gw.signal(SIGHUP);
        QTRY_VERIFY_WITH_TIMEOUT(m_gw.log().contains("SIGHUP: reloaded 1 task-credential key(s)"), 5000);
        Session retired;
        QVERIFY(!retired.open(m_gw.gatewayDsn(old.credential)));
        Session current(m_gw.gatewayDsn(newCredential));
        QVERIFY2(current.isOpen(), qPrintable(current.error()));

        // A broken file changes nothing.
        rewrite(m_gw.path("keys/no-such.json"));
        m_gw.signal(SIGHUP);
        QTRY_VERIFY_WITH_TIMEOUT(m_gw.log().contains("keys and certificate not reloaded"), 5000);
        Session unchanged(m_gw.gatewayDsn(newCredential));
        QVERIFY2(unchanged.isOpen(), qPrintable(unchanged.error()));
    }
};

QTEST_GUILESS_MAIN(TestGatewayResilience)
#include "tst_gateway_resilience.moc"
