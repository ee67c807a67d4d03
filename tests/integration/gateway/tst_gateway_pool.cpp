// SPDX-License-Identifier: Apache-2.0
// Upstream connections pooled per task: a task's next session runs on the connection its last session
// left (no new login), with every bit of session state reset; a connection is never handed to another
// task; one left inside a transaction or by a vanished client is not kept; ending the task closes the
// connections it had waiting.

#include "admin_http.h"

using namespace gatewaytest;

namespace {

const QByteArray kAdminToken = "pool-admin-token-0123456789abcdef";

} // namespace

class TestGatewayPool : public QObject
{
    Q_OBJECT

private:
    GatewayFixture m_gw{QStringLiteral("writ_gw_pool")};
    int m_adminPort = 0;

    /// The server process behind one short session of `task`, after running `sql` in it.
    QString backendAfter(const GatewayTask &task, const QStringList &sql = {})
    {
        Session s(m_gw.gatewayDsn(task.credential));
        for (const QString &q : sql)
            if (const SqlResult r = s.exec(q); !r.ok)
                qWarning("%s: %s", qPrintable(q), r.describe().constData());
        return s.scalar("SELECT pg_backend_pid()");
    }

    /// Parking happens after the client has gone (DISCARD ALL first): wait for it.
    bool waitParked(int idle)
    {
        const QByteArray line = "writ_gateway_upstream_idle " + QByteArray::number(idle) + "\n";
        QElapsedTimer t;
        t.start();
        while (t.elapsed() < 5000) {
            if (httpCall(m_adminPort, "GET", "/metrics", {}, kAdminToken).body.contains(line))
                return true;
            QTest::qWait(20);
        }
        return false;
    }

    int backendsOf(const GatewayTask &task)
    {
        Session owner(m_gw.dsn);
        return owner.scalar("SELECT count(*) FROM pg_stat_activity WHERE application_name LIKE '%/" + task.id + "'").toInt();
    }

private slots:
    void initTestCase()
    {
        writeTokenFile(m_gw.path("admin.token"), kAdminToken);
        m_gw.start(QStringLiteral("admin: { listen: 127.0.0.1:0, token_file: %1 }\npool: { idle_timeout: 30s, max_idle_per_task: 2 }\n")
                       .arg(m_gw.path("admin.token")));
        m_adminPort = waitForAdminPort(m_gw);
        QVERIFY2(m_adminPort > 0, qPrintable(m_gw.log()));
    }

    void nextSessionReusesTheConnectionWithStateReset()
    {
        const GatewayTask task = m_gw.startTask("support-summarizer", "summarize-tickets", {"customer_id=3"});
        const QString first = backendAfter(task, {"SET statement_timeout = '1234ms'", "PREPARE q AS SELECT id FROM tickets WHERE id = $1"});
        QVERIFY(waitParked(1));
        Session second(m_gw.gatewayDsn(task.credential));
        QCOMPARE(second.scalar("SELECT pg_backend_pid()"), first); // the same server process: no new login
        QCOMPARE(second.scalar("SHOW statement_timeout"), QStringLiteral("0"));
        QCOMPARE(second.scalar("SELECT count(*) FROM pg_prepared_statements"), QStringLiteral("0"));
        QCOMPARE(second.scalar("SELECT current_setting('application_name')"), "writ:support-summarizer/" + task.id);
        QVERIFY(second.exec("SELECT count(*) FROM tickets").ok);
        QVERIFY(!httpCall(m_adminPort, "GET", "/metrics", {}, kAdminToken).body.contains("writ_gateway_upstream_reused_total 0"));
    }

    void neverSharedAcrossTasks()
    {
        const GatewayTask a = m_gw.startTask("support-summarizer", "summarize-tickets", {"customer_id=4"});
        const GatewayTask b = m_gw.startTask("support-summarizer", "summarize-tickets", {"customer_id=5"});
        const QString pidA = backendAfter(a);
        Session sb(m_gw.gatewayDsn(b.credential));
        QVERIFY(sb.scalar("SELECT pg_backend_pid()") != pidA);
        QCOMPARE(sb.scalar("SELECT session_user"), "writ_task_" + b.id);
        // Each task sees its own customer: the context follows the connection's role, not the pool.
        QCOMPARE(sb.scalar("SELECT count(*) FROM tickets WHERE customer_id <> 5"), QStringLiteral("0"));
    }

    void connectionLeftInATransactionIsNotKept()
    {
        const GatewayTask task = m_gw.startTask("support-summarizer", "summarize-tickets", {"customer_id=6"});
        const QString inTransaction = backendAfter(task, {"BEGIN", "SELECT 1"});
        Session next(m_gw.gatewayDsn(task.credential));
        QVERIFY(next.scalar("SELECT pg_backend_pid()") != inTransaction);
    }

    void endingTheTaskClosesItsWaitingConnections()
    {
        const GatewayTask task = m_gw.startTask("support-summarizer", "summarize-tickets", {"customer_id=7"});
        {
            Session one(m_gw.gatewayDsn(task.credential));
            Session two(m_gw.gatewayDsn(task.credential));
            QVERIFY(one.exec("SELECT 1").ok && two.exec("SELECT 1").ok);
        }
        QTRY_COMPARE_WITH_TIMEOUT(backendsOf(task), 2, 3000); // both kept, idle
        const HttpResult ended = httpCall(m_adminPort, "POST", "/v1/tasks/" + task.id + "/complete", {}, kAdminToken);
        QCOMPARE(ended.status, 200);
        QTRY_COMPARE_WITH_TIMEOUT(backendsOf(task), 0, 3000);
        Session after;
        QVERIFY(!after.open(m_gw.gatewayDsn(task.credential)));
    }
};

QTEST_GUILESS_MAIN(TestGatewayPool)
#include "tst_gateway_pool.moc"
