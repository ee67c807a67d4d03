// SPDX-License-Identifier: Apache-2.0
// The gateway configuration: defaults, every mistake reported at its place, nothing unknown ignored.

#include "gateway/config/gateway_config.h"

#include <QtTest>

using namespace writ::gateway;

namespace {

const char *kMinimal = "upstream: { database: supportdesk }\n"
                       "state_dsn: postgresql://writ_admin@localhost/supportdesk\n"
                       "password_secret: /etc/writ/secret\n"
                       "credentials: { key_files: [/etc/writ/jwks.json] }\n"
                       "audit: { file: /var/lib/writ/audit.jsonl }\n";

std::string messages(const ConfigLoad &l)
{
    std::string out;
    for (const auto &d : l.diagnostics.items())
        out += writ::formatDiagnostic(d) + "\n";
    return out;
}

} // namespace

class TestGatewayConfig : public QObject
{
    Q_OBJECT

private slots:
    void minimalConfigGetsSafeDefaults()
    {
        const auto l = parseGatewayConfig(kMinimal, "gw.yaml");
        QVERIFY2(l.ok(), messages(l).c_str());
        QCOMPARE(l.config.listen.host, std::string("127.0.0.1"));
        QCOMPARE(l.config.listen.port, 6432);
        QVERIFY(l.config.tls.required);
        QVERIFY(l.config.tls.loopbackExempt);
        QCOMPARE(l.config.upstream.sslmode, std::string("prefer"));
        QCOMPARE(l.config.authTimeout, std::chrono::seconds(10));
    }

    void everyKeyIsRead()
    {
        const std::string text = std::string(kMinimal) + "listen: \"[::1]:7000\"\nenvironment: prod\nworkers: 3\nmax_clients: 50\nauth_timeout: 5s\n"
                                 "tls: { cert: c.pem, key: k.pem, required: false, loopback_exempt: false, exempt_networks: [10.0.0.0/8] }\n";
        const auto l = parseGatewayConfig(text, "gw.yaml");
        QVERIFY2(l.ok(), messages(l).c_str());
        QCOMPARE(l.config.listen.host, std::string("::1"));
        QCOMPARE(l.config.listen.port, 7000);
        QCOMPARE(l.config.environment, std::string("prod"));
        QCOMPARE(l.config.workers, 3);
        QCOMPARE(l.config.maxClients, 50);
        QVERIFY(!l.config.tls.required);
        QCOMPARE(l.config.tls.exemptNetworks, std::vector<std::string>{"10.0.0.0/8"});
    }

    void mistakesAreReportedWithPlaceAndHint_data()
    {
        QTest::addColumn<QString>("extra");
        QTest::addColumn<QString>("expected");
        QTest::newRow("misspelt key") << "audti: {}\n" << "gw.yaml:6:1: error: unknown key 'audti'";
        QTest::newRow("did you mean") << "tls: { requierd: true }\n" << "did you mean 'required'?";
        QTest::newRow("bad port") << "listen: 127.0.0.1:99999\n" << "the port in listen must be 0-65535";
        QTest::newRow("bad duration") << "auth_timeout: soon\n" << "auth_timeout must be a duration";
        QTest::newRow("bad cidr") << "tls: { exempt_networks: [10.0.0.0/99] }\n" << "is not a CIDR range";
        QTest::newRow("bad sslmode") << "upstream: { database: x, sslmode: verify-full }\n" << "upstream.sslmode must be";
        QTest::newRow("cert without key") << "tls: { cert: c.pem }\n" << "tls needs both cert and key";
        QTest::newRow("workers out of range") << "workers: -1\n" << "workers must be a whole number";
        QTest::newRow("yaml syntax") << "listen: [\n" << "error:";
    }

    void mistakesAreReportedWithPlaceAndHint()
    {
        QFETCH(QString, extra);
        QFETCH(QString, expected);
        std::string text = kMinimal;
        if (extra.startsWith("upstream:"))
            text.erase(0, text.find('\n') + 1);
        const auto l = parseGatewayConfig(text + extra.toStdString(), "gw.yaml");
        QVERIFY(!l.ok());
        QVERIFY2(messages(l).find(expected.toStdString()) != std::string::npos, messages(l).c_str());
    }

    void requiredKeysAreNamed()
    {
        const auto l = parseGatewayConfig("listen: 127.0.0.1:6432\n", "gw.yaml");
        const std::string m = messages(l);
        for (const char *key : {"upstream.database", "state_dsn", "password_secret", "credentials.key_files", "audit.file"})
            QVERIFY2(m.find(std::string(key) + " is required") != std::string::npos, m.c_str());
    }

    void unreadableFileIsAnError()
    {
        const auto l = loadGatewayConfig("/nonexistent/gateway.yaml");
        QVERIFY(!l.ok());
        QVERIFY(messages(l).find("/nonexistent/gateway.yaml") != std::string::npos);
    }
};

QTEST_GUILESS_MAIN(TestGatewayConfig)
#include "tst_gateway_config.moc"
