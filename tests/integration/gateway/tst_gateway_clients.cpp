// SPDX-License-Identifier: Apache-2.0
// Standard drivers through writ-gateway, unmodified: psycopg2 (libpq, client-side parameters),
// PgJDBC (its own protocol code: extended protocol, server-prepared statements) and node-postgres
// (its own protocol code: unnamed and named statements). Each client script in clients/ runs the
// same steps — allowed read limited to the task's rows, a denial as 42501 naming the rule, a session
// that survives it, a refusal that aborts the transaction — and must print "ok done".
// The drivers come from Debian packages installed by scripts/install-deps (node-postgres from the npm
// registry where Debian's node-pg cannot be installed next to the machine's Node.js).

#include "gateway_fixture.h"

#include <QDir>

using namespace gatewaytest;

class TestGatewayClients : public QObject
{
    Q_OBJECT

private:
    GatewayFixture m_gw{QStringLiteral("writ_gw_clients")};

    CliResult runClient(const QString &program, const QStringList &args, const QString &customer,
                        const QMap<QString, QString> &extraEnv = {})
    {
        const GatewayTask task = m_gw.startTask("support-summarizer", "summarize-tickets", {"customer_id=" + customer});
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert("WRIT_GW_HOST", "127.0.0.1");
        env.insert("WRIT_GW_PORT", QString::number(m_gw.port));
        env.insert("WRIT_GW_DB", "writ_gw_clients");
        env.insert("WRIT_GW_PASSWORD", task.credential);
        env.insert("WRIT_GW_CUSTOMER", customer);
        for (auto it = extraEnv.begin(); it != extraEnv.end(); ++it)
            env.insert(it.key(), it.value());
        p.setProcessEnvironment(env);
        p.setProcessChannelMode(QProcess::MergedChannels);
        p.start(program, args);
        CliResult r;
        if (!p.waitForStarted(10000)) {
            r.out = program + " could not be started (scripts/install-deps installs it)";
            return r;
        }
        if (!p.waitForFinished(120000)) {
            p.kill();
            p.waitForFinished();
        }
        r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -2;
        r.out = QString::fromUtf8(p.readAll());
        return r;
    }

    static QString clientFile(const char *name) { return QStringLiteral(WRIT_CLIENTS_DIR "/") + name; }

    void verifySteps(const CliResult &r)
    {
        QVERIFY2(r.exitCode == 0, qPrintable(r.out + "\n--- gateway log:\n" + m_gw.log()));
        for (const char *step : {"ok read", "ok denied 42501", "ok session survives", "ok transaction aborted and rolled back", "ok done"})
            QVERIFY2(r.out.contains(step), qPrintable(r.out));
    }

private slots:
    void initTestCase() { m_gw.start(); }

    void psycopg2()
    {
        verifySteps(runClient("/usr/bin/python3", {clientFile("client_psycopg2.py")}, "42"));
    }

    void jdbc()
    {
        QString jar;
        for (const char *candidate : {"/usr/share/java/postgresql.jar", "/usr/share/java/postgresql-jdbc4.jar"})
            if (QFile::exists(candidate)) {
                jar = candidate;
                break;
            }
        QVERIFY2(!jar.isEmpty(), "PgJDBC is not installed (Debian package libpostgresql-jdbc-java; scripts/install-deps)");
        verifySteps(runClient("java", {"-cp", jar, clientFile("ClientJdbc.java")}, "7"));
    }

    void nodePostgres()
    {
        const QString nodePath = QStringLiteral("/usr/share/nodejs:/usr/lib/nodejs:/usr/local/lib/writ-node/node_modules");
        verifySteps(runClient("node", {clientFile("client_node.js")}, "9", {{"NODE_PATH", nodePath}}));
    }

    void auditNamesEveryClientsTask()
    {
        const auto verify = runWrit({"audit", "verify", m_gw.auditFile(), "--key-file", m_gw.path("audit.key")});
        QVERIFY2(verify.exitCode == 0, qPrintable(verify.out + verify.err));
        QFile f(m_gw.auditFile());
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray text = f.readAll();
        QCOMPARE(text.count("\"rule\":\"column-scope\""), 6); // two denials per client
    }
};

QTEST_GUILESS_MAIN(TestGatewayClients)
#include "tst_gateway_clients.moc"
