// SPDX-License-Identifier: Apache-2.0
#pragma once

// A real writ-gateway in front of a private copy of the demo database: the demo policy applied,
// a task-credential signing key, the JIT password secret, an audit file, and the gateway process
// itself on a free port. Tasks are started with `writ task start --credential-key`, so an agent's
// password is exactly what production would hand it.

#include "../floor/floor_db.h"

#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>

#include <sys/prctl.h>

#include <csignal>
#include <functional>
#include <sys/types.h>

namespace gatewaytest {

using floortest::Session;
using floortest::SqlResult;

/// Runs a client program (psql, pgbench, ...) with `password` in PGPASSWORD.
inline CliResult runTool(const QString &program, const QStringList &args, const QString &password, int timeoutMs = 60000)
{
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert("PGPASSWORD", password);
    env.insert("PGCONNECT_TIMEOUT", "10");
    p.setProcessEnvironment(env);
    p.start(program, args);
    return finishProcess(p, timeoutMs);
}

/// The approval id in a gateway refusal ("... (approval id ap_...)"), "" when there is none.
inline QString approvalIdIn(const QString &text)
{
    const auto m = QRegularExpression(QStringLiteral("approval id ([A-Za-z0-9_.-]+)")).match(text);
    return m.hasMatch() ? m.captured(1) : QString();
}

struct GatewayTask
{
    QString id;
    QString credential;
};

class GatewayFixture
{
public:
    explicit GatewayFixture(const QString &dbName) : m_copy(requiredDsn("WRIT_TEST_ADMIN_DSN"), dbName) {}
    ~GatewayFixture() { stop(); m_copy.drop(); }

    /// The I/O thread key of the configuration. By default two threads: sessions of one test land on
    /// both, so that what crosses them (a pooled connection, a revocation, a kill from the admin API)
    /// is exercised.
    QString ioThreads = QStringLiteral("workers: 2\n");

    /// Creates the database copy, applies `policy` (default: the demo policy), runs `setupSql` as the
    /// database owner, writes keys and config, starts the gateway.
    void start(const QString &extraConfig = {}, const QStringList &setupSql = {}, const QString &policy = floortest::demoPolicy())
    {
        QString error;
        if (!m_copy.create(QStringLiteral("supportdesk"), &error))
            qFatal("cannot copy supportdesk: %s", qPrintable(error));
        dsn = floortest::withDatabase(requiredDsn("WRIT_TEST_ADMIN_DSN"), m_copy.name());
        const auto applied = floortest::apply(policy, dsn);
        if (applied.exitCode != 0)
            qFatal("writ apply failed: %s", floortest::cliText(applied).constData());
        if (!setupSql.isEmpty()) {
            Session owner(dsn);
            for (const auto &sql : setupSql)
                if (const SqlResult r = owner.exec(sql); !r.ok)
                    qFatal("setup SQL failed: %s: %s", qPrintable(sql), qPrintable(r.error));
        }
        const auto keys = runWrit({"keys", "generate", "--out", path("keys"), "--alg", "EdDSA", "--kid", "gw1"});
        if (keys.exitCode != 0)
            qFatal("writ keys generate failed: %s", qPrintable(keys.err));
        writeSecret(path("secret"), "0123456789abcdef0123456789abcdef-task-passwords");
        writeSecret(path("audit.key"), "fedcba9876543210fedcba9876543210-audit-chain-key");
        const QUrl url(dsn);
        QFile config(path("gateway.yaml"));
        config.open(QIODevice::WriteOnly);
        config.write(QStringLiteral("listen: 127.0.0.1:0\n"
                                    "upstream: { host: %1, port: %2, database: %3, sslmode: prefer }\n"
                                    "state_dsn: \"%4\"\n"
                                    "password_secret: %5\n"
                                    "credentials: { key_files: [%6] }\n"
                                    "audit: { file: %7, key_file: %8 }\n"
                                    "%9%10")
                         .arg(url.host())
                         .arg(url.port())
                         .arg(m_copy.name(), dsn, path("secret"), path("keys/jwks.json"), auditFile(), path("audit.key"), ioThreads, extraConfig)
                         .toUtf8());
        config.close();
        if (beforeLaunch)
            beforeLaunch();
        launch();
    }

    /// Runs after the database, keys and configuration are ready, before the gateway starts.
    std::function<void()> beforeLaunch;
    /// The gateway to run (default: the one just built), and arguments before --config (e.g. for runuser).
    QString program = QStringLiteral(WRIT_GATEWAY);
    QStringList programArguments;
    /// The directory holding keys, configuration and the audit file.
    QString directory() const { return m_dir.path(); }

    /// Starts the gateway process with the configuration start() wrote; waits for its listening line.
    void launch()
    {
        port = 0;
        m_log.clear();
        // A test that aborts (QFAIL in a helper, qFatal, the ctest timeout) must not leave its gateway running.
        m_gateway.setChildProcessModifier([] { ::prctl(PR_SET_PDEATHSIG, SIGKILL); });
        m_gateway.setProgram(program);
        m_gateway.setArguments(QStringList(programArguments) << "--config" << path("gateway.yaml"));
        m_gateway.setProcessChannelMode(QProcess::SeparateChannels);
        m_gateway.start();
        QElapsedTimer waited;
        waited.start();
        const QRegularExpression listening(QStringLiteral("listening on 127\\.0\\.0\\.1:(\\d+)"));
        while (port == 0 && waited.elapsed() < 20000) {
            m_gateway.waitForReadyRead(200);
            m_log += QString::fromUtf8(m_gateway.readAllStandardError());
            if (const auto m = listening.match(m_log); m.hasMatch())
                port = m.captured(1).toInt();
            if (m_gateway.state() == QProcess::NotRunning)
                break;
        }
        if (port == 0)
            qFatal("writ-gateway did not start: %s", qPrintable(m_log));
    }

    void stop()
    {
        if (m_gateway.state() != QProcess::NotRunning) {
            m_gateway.terminate();
            if (!m_gateway.waitForFinished(5000))
                m_gateway.kill();
            m_gateway.waitForFinished();
        }
    }

    /// Sends a signal to the gateway process (SIGTERM: graceful shutdown, SIGHUP: policy check).
    void signal(int sig) { ::kill(static_cast<pid_t>(m_gateway.processId()), sig); }
    qint64 pid() const { return m_gateway.processId(); }
    /// Stops the gateway (SIGTERM, drained) and starts it again on the same configuration.
    void restart()
    {
        stop();
        launch();
    }
    bool waitStopped(int ms) { return m_gateway.waitForFinished(ms); }
    int exitCode() const { return m_gateway.exitStatus() == QProcess::NormalExit ? m_gateway.exitCode() : -1; }

    /// Everything the gateway has logged so far.
    QString log()
    {
        m_log += QString::fromUtf8(m_gateway.readAllStandardError());
        return m_log;
    }
    bool running() const { return m_gateway.state() == QProcess::Running; }

    GatewayTask startTask(const QString &agent, const QString &task, const QStringList &ctx)
    {
        QStringList args{"task", "start", "--db", dsn, "--agent", agent, "--task", task, "--password-secret", path("secret"),
                         "--credential-key", path("keys/gw1.private.pem"), "--format", "json"};
        for (const auto &c : ctx)
            args << "--ctx" << c;
        const auto r = runWrit(args);
        if (r.exitCode != 0)
            qFatal("writ task start failed: %s", floortest::cliText(r).constData());
        const auto json = QJsonDocument::fromJson(r.out.toUtf8()).object();
        return {json.value("id").toString(), json.value("credential").toString()};
    }

    /// A libpq connection string to the gateway with `password` (a task credential).
    QString gatewayDsn(const QString &password) const
    {
        return QStringLiteral("host=127.0.0.1 port=%1 dbname=%2 user=agent sslmode=disable connect_timeout=10 password=%3")
            .arg(port)
            .arg(m_copy.name(), password);
    }

    QString path(const QString &name) const { return m_dir.filePath(name); }
    QString auditFile() const { return path("audit.jsonl"); }

    QString dsn;
    int port = 0;

private:
    static void writeSecret(const QString &file, const QByteArray &content)
    {
        QFile f(file);
        f.open(QIODevice::WriteOnly);
        f.write(content);
        f.close();
        f.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    }

    QTemporaryDir m_dir;
    floortest::DatabaseCopy m_copy;
    QProcess m_gateway;
    QString m_log;
};

} // namespace gatewaytest
