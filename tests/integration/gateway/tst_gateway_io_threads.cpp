// SPDX-License-Identifier: Apache-2.0
// Which I/O thread serves a client: each new connection goes to the thread serving the fewest, and one
// that ends (also one refused at authentication) frees its place, so that threads stay even when
// connections come and go. Sessions on every thread are served, and /metrics shows the placement.

#include "admin_http.h"

using namespace gatewaytest;

namespace {

const QByteArray kAdminToken = "threads-admin-token-0123456789abcdef";

} // namespace

class TestGatewayIoThreads : public QObject
{
    Q_OBJECT

private:
    GatewayFixture m_gw{QStringLiteral("writ_gw_threads")};
    int m_adminPort = 0;
    GatewayTask m_task;

    /// "first second": the connections each I/O thread serves now, from /metrics.
    QString placement()
    {
        const QByteArray body = httpCall(m_adminPort, "GET", "/metrics", {}, kAdminToken).body;
        QStringList counts;
        static const QRegularExpression line(QStringLiteral("^writ_gateway_io_thread_connections\\{thread=\"(\\d+)\"\\} (\\d+)$"),
                                             QRegularExpression::MultilineOption);
        for (auto it = line.globalMatch(QString::fromUtf8(body)); it.hasNext();) {
            const auto m = it.next();
            if (m.captured(1).toInt() != counts.size())
                return QStringLiteral("threads out of order: ") + QString::fromUtf8(body);
            counts << m.captured(2);
        }
        return counts.join(' ');
    }

    /// Opens `n` more sessions of the task and checks that each one is served.
    void openSessions(std::vector<std::unique_ptr<Session>> &sessions, int n)
    {
        for (int i = 0; i < n; ++i) {
            auto s = std::make_unique<Session>(m_gw.gatewayDsn(m_task.credential));
            QVERIFY2(s->isOpen(), qPrintable(s->error()));
            QCOMPARE(s->scalar("SELECT count(*) FROM tickets WHERE customer_id <> 3"), QStringLiteral("0"));
            sessions.push_back(std::move(s));
        }
    }

private slots:
    void initTestCase()
    {
        writeTokenFile(m_gw.path("admin.token"), kAdminToken);
        m_gw.ioThreads = QStringLiteral("workers: 2\n");
        m_gw.start(QStringLiteral("admin: { listen: 127.0.0.1:0, token_file: %1 }\n").arg(m_gw.path("admin.token")));
        m_adminPort = waitForAdminPort(m_gw);
        QVERIFY2(m_adminPort > 0, qPrintable(m_gw.log()));
        m_task = m_gw.startTask("support-summarizer", "summarize-tickets", {"customer_id=3"});
        QCOMPARE(placement(), QStringLiteral("0 0"));
    }

    void eachConnectionGoesToTheThreadServingFewest()
    {
        std::vector<std::unique_ptr<Session>> sessions;
        openSessions(sessions, 2);
        QCOMPARE(placement(), QStringLiteral("1 1"));
        openSessions(sessions, 1); // equals: the first thread
        QCOMPARE(placement(), QStringLiteral("2 1"));

        // The first and third (both on the first thread) end: the next two go there, where round-robin
        // would have put one on each thread.
        sessions.erase(sessions.begin() + 2);
        sessions.erase(sessions.begin());
        QTRY_COMPARE_WITH_TIMEOUT(placement(), QStringLiteral("0 1"), 5000);
        openSessions(sessions, 1);
        QCOMPARE(placement(), QStringLiteral("1 1"));
        openSessions(sessions, 1);
        QCOMPARE(placement(), QStringLiteral("2 1"));
        for (const auto &s : sessions) // every one still served, on either thread
            QCOMPARE(s->scalar("SELECT current_setting('application_name')"), "writ:support-summarizer/" + m_task.id);
    }

    void endedConnectionsFreeTheirPlaces()
    {
        QTRY_COMPARE_WITH_TIMEOUT(placement(), QStringLiteral("0 0"), 5000);
        {
            Session refused;
            QVERIFY(!refused.open(m_gw.gatewayDsn("not-a-credential"))); // refused at authentication
        }
        QTRY_COMPARE_WITH_TIMEOUT(placement(), QStringLiteral("0 0"), 5000);
        std::vector<std::unique_ptr<Session>> sessions;
        openSessions(sessions, 1);
        QCOMPARE(placement(), QStringLiteral("1 0"));
    }
};

QTEST_GUILESS_MAIN(TestGatewayIoThreads)
#include "tst_gateway_io_threads.moc"
