// SPDX-License-Identifier: Apache-2.0
// The gateway configuration: defaults, every mistake reported at its place, nothing unknown ignored.

#include "gateway/config/gateway_config.h"

#include <QFile>
#include <QRegularExpression>
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
        QCOMPARE(l.config.workers, 0); // one per core
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
        QTest::newRow("key given twice") << "workers: 2\nworkers: 1\n" << "gw.yaml:7:1: error: key 'workers' appears twice in the gateway configuration";
        QTest::newRow("nested key given twice") << "pool: { idle_timeout: 5s, idle_timeout: 0s }\n" << "key 'idle_timeout' appears twice in pool";
        QTest::newRow("yaml syntax") << "listen: [\n" << "error:";
        const QString admin = "admin: { token_file: t }\n";
        QTest::newRow("tasks api without admin") << "tasks_api: { credential_key: k.pem }\n" << "tasks_api needs the admin section";
        QTest::newRow("tasks api without key") << admin + "tasks_api: { trust: [] }\n" << "tasks_api.credential_key is required";
        QTest::newRow("trust entry kind") << admin + "tasks_api: { credential_key: k, trust: [{ saml: {} }] }\n"
                                          << "is {oidc: {...}} or {spiffe: {...}}";
        QTest::newRow("oidc without issuer") << admin + "tasks_api: { credential_key: k, trust: [{ oidc: { audience: a, key_files: [j] } }] }\n"
                                             << "tasks_api.trust oidc needs issuer";
        QTest::newRow("spiffe without domain")
            << admin + "tasks_api: { credential_key: k, trust: [{ spiffe: { audience: a, key_files: [j] } }] }\n"
            << "tasks_api.trust spiffe needs trust_domain";
        QTest::newRow("trust without audience") << admin + "tasks_api: { credential_key: k, trust: [{ oidc: { issuer: i, key_files: [j] } }] }\n"
                                                << "needs audience";
        QTest::newRow("oidc key for spiffe") << admin + "tasks_api: { credential_key: k, trust: [{ oidc: { issuer: i, audience: a, key_files: [j], ids: [x] } }] }\n"
                                             << "unknown key 'ids'";
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

    void tasksApiIsRead()
    {
        const std::string text = std::string(kMinimal) + "admin: { token_file: t }\n"
                                 "tasks_api:\n"
                                 "  credential_key: /etc/writ/credential.pem\n"
                                 "  advertise: gw.example.com:5432\n"
                                 "  approval_window: 30m\n"
                                 "  trust:\n"
                                 "    - oidc: { issuer: https://idp.example.com, audience: writ, key_files: [idp.json], subjects: [bot] }\n"
                                 "    - spiffe: { trust_domain: example.org, audience: writ, key_files: [spire.json], leeway: 5s }\n";
        const auto l = parseGatewayConfig(text, "gw.yaml");
        QVERIFY2(l.ok(), messages(l).c_str());
        const TasksApiConfig &api = l.config.tasksApi;
        QVERIFY(api.enabled);
        QCOMPARE(api.credentialKeyFile, std::string("/etc/writ/credential.pem"));
        QCOMPARE(api.advertise.host, std::string("gw.example.com"));
        QCOMPARE(api.advertise.port, 5432);
        QCOMPARE(api.approvalWindow, std::chrono::seconds(1800));
        QCOMPARE(api.trust.size(), std::size_t(2));
        QVERIFY(!api.trust[0].spiffe);
        QCOMPARE(api.trust[0].subjects, std::vector<std::string>{"bot"});
        QVERIFY(api.trust[1].spiffe);
        QCOMPARE(api.trust[1].trustDomain, std::string("example.org"));
        QCOMPARE(api.trust[1].leeway, std::chrono::seconds(5));
        QVERIFY(!parseGatewayConfig(kMinimal, "gw.yaml").config.tasksApi.enabled);
    }

    /// docs/gateway.md's table names every key the parser knows (read from r.keys(...) in its source),
    /// and the parser knows every key the table names: the reference cannot drift from the code.
    void referenceTableMatchesTheParser()
    {
        QFile docFile(QStringLiteral(WRIT_SOURCE_DIR "/docs/gateway.md"));
        QFile srcFile(QStringLiteral(WRIT_SOURCE_DIR "/core/gateway/config/gateway_config.cpp"));
        QVERIFY(docFile.open(QIODevice::ReadOnly) && srcFile.open(QIODevice::ReadOnly));
        const QString doc = QString::fromUtf8(docFile.readAll());
        const QString src = QString::fromUtf8(srcFile.readAll());

        // Documented keys: the backticked names in the first column of the table rows.
        QStringList documented;
        static const QRegularExpression row(QStringLiteral("^\\| (`[^|]+) \\|"), QRegularExpression::MultilineOption);
        static const QRegularExpression name(QStringLiteral("`([a-z_.]+)`"));
        for (auto it = row.globalMatch(doc); it.hasNext();)
            for (auto n = name.globalMatch(it.next().captured(1)); n.hasNext();)
                documented << n.next().captured(1);
        QVERIFY2(documented.size() > 30, qPrintable(documented.join(' ')));

        // Parsed keys: r.keys(node, {"a", "b"}, "section").
        QStringList parsed;
        static const QRegularExpression keysCall(QStringLiteral("r\\.keys\\(\\w+, \\{([^}]*)\\},\\s*\"([^\"]+)\"\\)"));
        for (auto it = keysCall.globalMatch(src); it.hasNext();) {
            const auto m = it.next();
            const QString section = m.captured(2) == "the gateway configuration" ? QString() : m.captured(2);
            for (auto k = QRegularExpression(QStringLiteral("\"([a-z_]+)\"")).globalMatch(m.captured(1)); k.hasNext();)
                parsed << (section.isEmpty() ? QString() : section + ".") + k.next().captured(1);
        }
        QVERIFY2(parsed.size() > 30, qPrintable(parsed.join(' ')));

        QStringList problems;
        for (const QString &key : parsed) {
            // A section (upstream, tls, admin.tls, ...) is documented through its keys.
            const bool isSection = std::any_of(parsed.begin(), parsed.end(), [&](const QString &k) { return k.startsWith(key + "."); });
            const bool named = documented.contains(key)
                               || (isSection && std::any_of(documented.begin(), documented.end(), [&](const QString &d) { return d.startsWith(key + "."); }));
            if (!named)
                problems << key + ": parsed but not in docs/gateway.md";
        }
        for (const QString &key : documented)
            if (!parsed.contains(key))
                problems << key + ": documented but not parsed";
        QVERIFY2(problems.isEmpty(), qPrintable(problems.join('\n')));
    }

    void poolCanBeTurnedOff()
    {
        const auto on = parseGatewayConfig(kMinimal, "gw.yaml");
        QCOMPARE(on.config.pool.idleTimeout, std::chrono::seconds(30));
        const auto off = parseGatewayConfig(std::string(kMinimal) + "pool: { idle_timeout: 0s, max_idle_per_task: 2 }\n", "gw.yaml");
        QVERIFY2(off.ok(), messages(off).c_str());
        QCOMPARE(off.config.pool.idleTimeout, std::chrono::seconds(0));
        QCOMPARE(off.config.pool.maxIdlePerTask, 2);
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
