// SPDX-License-Identifier: Apache-2.0
// `writ task start` is told where to start a task — the state database (--db) or a gateway's tasks API
// (--gateway, as the agent with --identity-token or as an operator with --token-file) — and refuses,
// with the usage exit status (64) and a sentence naming the fix, any other combination. Nothing is
// contacted: every case is refused before a connection is tried.

#include "cli_runner.h"

#include <QTest>

class TestCliTaskUsage : public QObject
{
    Q_OBJECT

private slots:
    void refused_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<int>("exitCode");
        QTest::addColumn<QString>("message");
        const QStringList task{"task", "start", "--task", "summarize-tickets"};
        const QString gateway = "http://127.0.0.1:1";
        QTest::newRow("neither --db nor --gateway") << task + QStringList{"--agent", "support-summarizer"} << 64
                                                    << "say where to start it: --db URL, or --gateway URL";
        QTest::newRow("--db and --gateway") << task + QStringList{"--db", "postgresql:///x", "--gateway", gateway} << 64
                                            << "--db excludes --gateway";
        QTest::newRow("--gateway without a token") << task + QStringList{"--gateway", gateway} << 64
                                                   << "--gateway needs --identity-token (as the agent) or --token-file (as an operator)";
        QTest::newRow("both tokens") << task + QStringList{"--gateway", gateway, "--identity-token", "/dev/null", "--token-file", "/dev/null"}
                                     << 64 << "--identity-token excludes --token-file";
        QTest::newRow("unreadable identity token") << task + QStringList{"--gateway", gateway, "--identity-token", "/nonexistent/token.jwt"}
                                                   << 3 << "--identity-token: cannot read /nonexistent/token.jwt";
    }

    void refused()
    {
        QFETCH(QStringList, args);
        QFETCH(int, exitCode);
        QFETCH(QString, message);
        const CliResult r = runWrit(args);
        QCOMPARE(r.exitCode, exitCode);
        QVERIFY2(r.err.contains(message), qPrintable(r.err));
        QVERIFY2(r.out.isEmpty(), qPrintable(r.out)); // no task id, no credential
    }
};

QTEST_GUILESS_MAIN(TestCliTaskUsage)
#include "tst_cli_task_usage.moc"
