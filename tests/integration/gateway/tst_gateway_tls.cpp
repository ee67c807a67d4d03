// SPDX-License-Identifier: Apache-2.0
// TLS between clients and writ-gateway, end to end with psql: with `tls.required` and no loopback
// exemption a clear-text client is refused before it can send its credential; a TLS client (1.2 or
// 1.3, with or without verifying the certificate) is served and refused statements still name their
// rule; a client limited to TLS 1.1 gets no session. The certificate is a throwaway self-signed one.

#include "gateway_fixture.h"

using namespace gatewaytest;

class TestGatewayTls : public QObject
{
    Q_OBJECT

private:
    GatewayFixture m_gw{QStringLiteral("writ_gw_tls")};
    GatewayTask m_task;

    CliResult psql(const QString &sslOptions, const QString &command)
    {
        return runTool("psql", {"-X", "-At", "-c", command,
                                QStringLiteral("host=127.0.0.1 port=%1 dbname=writ_gw_tls user=agent %2").arg(m_gw.port).arg(sslOptions)},
                       m_task.credential);
    }

private slots:
    void initTestCase()
    {
        QProcess openssl;
        openssl.start("openssl", {"req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost", "-days", "1",
                                  "-keyout", m_gw.path("server.key"), "-out", m_gw.path("server.crt")});
        QVERIFY(openssl.waitForFinished(60000));
        QCOMPARE(openssl.exitCode(), 0);
        QFile::setPermissions(m_gw.path("server.key"), QFileDevice::ReadOwner | QFileDevice::WriteOwner);
        m_gw.start(QStringLiteral("tls: { cert: %1, key: %2, required: true, loopback_exempt: false }\n")
                       .arg(m_gw.path("server.crt"), m_gw.path("server.key")));
        m_task = m_gw.startTask("support-summarizer", "summarize-tickets", {"customer_id=42"});
    }

    void clearTextIsRefusedBeforeTheCredential()
    {
        const CliResult r = psql("sslmode=disable", "SELECT 1");
        QVERIFY(r.exitCode != 0);
        QVERIFY2(r.err.contains("requires TLS"), qPrintable(r.err));
        // Refused at startup: the gateway never asked for (and so never saw) the password.
        QVERIFY(!m_gw.log().contains("credential refused"));
    }

    void tlsClientsAreServed_data()
    {
        QTest::addColumn<QString>("options");
        QTest::addColumn<QString>("protocol");
        QTest::newRow("TLS 1.3") << "sslmode=require" << "TLSv1.3";
        QTest::newRow("TLS 1.2 only") << "sslmode=require ssl_max_protocol_version=TLSv1.2" << "TLSv1.2";
        QTest::newRow("verify the certificate") << QStringLiteral("sslmode=verify-ca sslrootcert=%1").arg(m_gw.path("server.crt")) << "TLSv1.3";
    }

    void tlsClientsAreServed()
    {
        QFETCH(QString, options);
        QFETCH(QString, protocol);
        const CliResult r = psql(options, "\\conninfo");
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY2(r.out.contains("SSL connection (protocol: " + protocol), qPrintable(r.out));
        const CliResult q = psql(options, "SELECT count(*) > 0 FROM tickets");
        QVERIFY2(q.exitCode == 0 && q.out.trimmed() == "t", qPrintable(q.out + q.err));
    }

    void aClientLimitedToTls11GetsNoSession()
    {
        const CliResult r = psql("sslmode=require ssl_min_protocol_version=TLSv1 ssl_max_protocol_version=TLSv1.1", "SELECT 1");
        QVERIFY(r.exitCode != 0);
        QVERIFY2(!r.err.isEmpty(), "no error from a TLS 1.1 handshake");
    }

    void refusalsStillNameTheRuleOverTls()
    {
        const CliResult r = psql("sslmode=require", "SELECT phone FROM public.customers");
        QVERIFY(r.exitCode != 0);
        QVERIFY2(r.err.contains("not in scope"), qPrintable(r.err));
    }
};

QTEST_GUILESS_MAIN(TestGatewayTls)
#include "tst_gateway_tls.moc"
