// SPDX-License-Identifier: Apache-2.0
// `writ simulate` end to end: the decision with its rule and fix from a catalog snapshot alone (exit 0
// allow, 1 deny, 2 approval_required), usage and environment errors (64, 3), the planner's estimate with
// --db, and with --run the sandbox's table of rows, "visible: N of M rows", masked values and timing.
//
// Needs the sandbox: scripts/pg-sandbox start && load-demo, eval "$(scripts/pg-sandbox env)".
#include "simulate_db.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

using namespace simtest;

namespace {

constexpr const char *kCopy = "writ_tst_cli_simulate";

const QString kSnapshot = QStringLiteral(WRIT_TEST_DATA_DIR "/catalog/supportdesk.json");

QStringList summarizer(const QStringList &source, const QString &sql, const QStringList &extra = {})
{
    return QStringList {"simulate", demoPolicy()} + source
         + QStringList {"--agent", "support-summarizer", "--task", "summarize-tickets", "--ctx", "customer_id=42"} + extra + QStringList {sql};
}

} // namespace

class TestCliSimulate : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<DatabaseCopy> m_copy;
    Session m_su;

    QStringList db() const { return {"--db", m_copy->dsn()}; }

private slots:
    void initTestCase()
    {
        m_copy = std::make_unique<DatabaseCopy>(requiredDsn("WRIT_TEST_ADMIN_DSN"), kCopy);
        QString error;
        QVERIFY2(m_copy->create("supportdesk", &error), qPrintable(error));
        QVERIFY2(m_su.open(m_copy->dsn()), qPrintable(m_su.error()));
    }

    void cleanupTestCase()
    {
        m_su.close();
        m_copy.reset();
    }

    // ---------------------------------------------------------------------------------------------
    // Decisions from a catalog snapshot: no database at all

    void verdictsAndExitCodes_data()
    {
        QTest::addColumn<QString>("sql");
        QTest::addColumn<int>("exitCode");
        QTest::addColumn<QString>("verdict");
        QTest::addColumn<QString>("rule");
        QTest::newRow("allowed read") << "SELECT id, subject FROM tickets LIMIT 10" << 0 << "allow" << "allowed";
        QTest::newRow("column out of scope") << "SELECT name, phone FROM public.customers" << 1 << "deny" << "column-scope";
        QTest::newRow("relation out of scope") << "SELECT body FROM internal_notes" << 1 << "deny" << "relation-scope";
        QTest::newRow("export needs approval") << "COPY (SELECT id FROM tickets) TO STDOUT" << 2 << "approval_required" << "export";
    }
    void verdictsAndExitCodes()
    {
        QFETCH(QString, sql);
        QFETCH(int, exitCode);
        QFETCH(QString, verdict);
        QFETCH(QString, rule);
        const CliResult r = runWrit(summarizer({"--catalog", kSnapshot}, sql));
        QVERIFY2(r.exitCode == exitCode, cliText(r));
        QVERIFY2(r.out.startsWith("decision: " + verdict), cliText(r));
        QVERIFY2(r.out.contains("[" + rule + "]"), cliText(r));
        QVERIFY2(!r.out.contains("sandbox:"), cliText(r)); // no --run
    }

    void denialNamesTheFix()
    {
        const CliResult r = runWrit(summarizer({"--catalog", kSnapshot}, "SELECT name, phone FROM public.customers"));
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.out.contains("phone"), cliText(r));
        QVERIFY2(r.out.contains("    fix: "), cliText(r));
    }

    void jsonOutputCarriesTheDecision()
    {
        const CliResult r = runWrit(summarizer({"--catalog", kSnapshot}, "SELECT name, phone FROM public.customers", {"--format", "json"}));
        QCOMPARE(r.exitCode, 1);
        QJsonParseError error;
        const QJsonObject o = QJsonDocument::fromJson(r.out.toUtf8(), &error).object();
        QVERIFY2(error.error == QJsonParseError::NoError, cliText(r));
        QCOMPARE(o["agent"].toString(), QString("support-summarizer"));
        QCOMPARE(o["context"].toObject()["customer_id"].toString(), QString("42"));
        const QJsonObject d = o["decision"].toObject();
        QCOMPARE(d["verdict"].toString(), QString("deny"));
        const QJsonArray reasons = d["reasons"].toArray();
        QVERIFY(!reasons.isEmpty());
        QCOMPARE(reasons[0].toObject()["rule"].toString(), QString("column-scope"));
        QVERIFY(!reasons[0].toObject()["fix"].toString().isEmpty());
        QVERIFY(o["sandbox"].isNull());
    }

    void estimateIsNotCheckedWithoutADatabase()
    {
        const CliResult r = runWrit(summarizer({"--catalog", kSnapshot}, "SELECT id, subject FROM tickets"));
        QVERIFY2(r.exitCode == 0, cliText(r));
        QVERIFY2(r.out.contains("row estimate: not checked (no --db)"), cliText(r));
    }

    void usageErrors_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("says");
        QTest::newRow("no catalog source") << summarizer({}, "SELECT 1") << "--db URL or --catalog FILE";
        QTest::newRow("run without db") << summarizer({"--catalog", kSnapshot}, "SELECT 1", {"--run"}) << "--run needs --db";
        QTest::newRow("ctx without =") << QStringList {"simulate", demoPolicy(), "--catalog", kSnapshot, "--agent", "a", "--task", "t",
                                                       "--ctx", "customer_id", "SELECT 1"}
                                       << "not key=value";
        QTest::newRow("ctx twice") << summarizer({"--catalog", kSnapshot}, "SELECT 1", {"--ctx", "customer_id=43"}) << "given twice";
        QTest::newRow("bad timeout") << summarizer({"--catalog", kSnapshot}, "SELECT 1", {"--timeout", "soon"}) << "not a duration";
        QTest::newRow("no agent") << QStringList {"simulate", demoPolicy(), "--catalog", kSnapshot, "--task", "t", "SELECT 1"} << "--agent";
    }
    void usageErrors()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, says);
        const CliResult r = runWrit(args);
        QVERIFY2(r.exitCode == 64, cliText(r));
        QVERIFY2((r.err + r.out).contains(says), cliText(r));
    }

    void policyErrorsExitOne()
    {
        QTemporaryDir dir;
        const QString policy = dir.filePath("broken.writ.yaml");
        QFile f(policy);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("writ: 1\nname: broken\ndatabase: supportdesk\nagents:\n  a:\n    identity: [ { spiffe: \"spiffe://example.com/a\" } ]\n"
                "    tasks:\n      t:\n        access:\n          public.no_such_table: { ops: [select] }\n");
        f.close();
        const CliResult r = runWrit({"simulate", policy, "--catalog", kSnapshot, "--agent", "a", "--task", "t", "SELECT 1"});
        QVERIFY2(r.exitCode == 1, cliText(r));
        QVERIFY2(r.err.contains(policy + ":10:") && r.err.contains("no_such_table"), cliText(r)); // file:line of the unknown relation
        QVERIFY2(r.out.isEmpty(), cliText(r));
    }

    void unreachableDatabaseExitsThree()
    {
        const CliResult r = runWrit(summarizer({"--db", "postgresql://postgres@127.0.0.1:1/x?connect_timeout=2"}, "SELECT 1"));
        QVERIFY2(r.exitCode == 3, cliText(r));
    }

    // ---------------------------------------------------------------------------------------------
    // With the database

    void dbWithoutRunEstimatesAsTheConnection()
    {
        // The administrator's estimate ignores the row filter: 40,000 tickets are over bulk_read_rows.
        const CliResult r = runWrit(summarizer(db(), "SELECT id, subject FROM tickets"));
        QVERIFY2(r.exitCode == 2, cliText(r));
        QVERIFY2(r.out.startsWith("decision: approval_required (step-up class bulk_read)"), cliText(r));
        QVERIFY2(r.out.contains("[bulk-read]"), cliText(r));
        QVERIFY2(r.out.contains("EXPLAIN as the --db connection, without the policy's row filters"), cliText(r));
    }

    void runShowsRowsAndVisibleOfAll()
    {
        const CliResult r = runWrit(summarizer(db(), "SELECT id, subject FROM tickets ORDER BY id", {"--run", "--max-rows", "5"}));
        QVERIFY2(r.exitCode == 0, cliText(r)); // the task role's estimate carries the filter: allowed
        QVERIFY2(r.out.contains("EXPLAIN as the task's role in the sandbox"), cliText(r));
        const QString visible = m_su.scalar("SELECT count(*) FROM tickets WHERE customer_id = 42");
        const QString all = m_su.scalar("SELECT count(*) FROM tickets");
        QVERIFY2(r.out.contains(QString("visible: %1 of %2 rows").arg(visible, all)), cliText(r));
        QVERIFY2(r.out.contains(QString("(5 of %1 rows shown").arg(visible)), cliText(r));
        QVERIFY2(r.out.contains(" id ") && r.out.contains("| subject"), cliText(r));
        const QString firstId = m_su.scalar("SELECT min(id) FROM tickets WHERE customer_id = 42");
        QVERIFY2(r.out.contains(QRegularExpression("\\n " + firstId + " +\\| ")), cliText(r));
        QVERIFY2(r.out.contains(QRegularExpression("time: [0-9.]+ ms")), cliText(r));
        QVERIFY2(r.out.contains("rolled back"), cliText(r));
    }

    void runShowsMaskedValuesInJson()
    {
        const CliResult r = runWrit(summarizer(db(), "SELECT id, email FROM customers", {"--run", "--format", "json"}));
        QVERIFY2(r.exitCode == 0, cliText(r));
        const QJsonObject s = QJsonDocument::fromJson(r.out.toUtf8()).object()["sandbox"].toObject();
        QCOMPARE(s["outcome"].toString(), QString("succeeded"));
        QCOMPARE(s["visible_rows"].toInt(), 1);
        QCOMPARE(s["rows_without_policy"].toInt(), m_su.scalar("SELECT count(*) FROM customers").toInt());
        const QString email = m_su.scalar("SELECT email FROM customers WHERE id = 42");
        const QString shown = s["rows"].toArray()[0].toArray()[1].toString();
        QVERIFY2(shown != email && shown.endsWith(email.mid(email.indexOf('@'))) && shown.contains("***"), qPrintable(shown));
    }

    void runOfADeniedStatementShowsTheFloorRefusing()
    {
        const CliResult r = runWrit(summarizer(db(), "SELECT name, phone FROM public.customers", {"--run"}));
        QVERIFY2(r.exitCode == 1, cliText(r)); // the decision's exit code
        QVERIFY2(r.out.contains("PostgreSQL refused it: SQLSTATE 42501"), cliText(r));
        QVERIFY2(r.out.contains("without the policy: 5000 rows"), cliText(r));
    }

    void runOfAWriteIsRolledBack()
    {
        const CliResult r = runWrit({"simulate", demoPolicy(), "--db", m_copy->dsn(), "--agent", "refund-bot", "--task", "refund-payment",
                                     "--ctx", "payment_id=7", "--run", "UPDATE payments SET status = 'refunded' WHERE status = 'succeeded'"});
        QVERIFY2(r.exitCode == 0, cliText(r));
        const QString succeeded = m_su.scalar("SELECT count(*) FROM payments WHERE status = 'succeeded'");
        QVERIFY2(r.out.contains(QString("affected: 1 of %1 rows").arg(succeeded)), cliText(r));
        QCOMPARE(m_su.scalar("SELECT status FROM payments WHERE id = 7"), QString("succeeded"));
    }

    void runRefusesTransactionControl()
    {
        const CliResult r = runWrit(summarizer(db(), "COMMIT", {"--run"}));
        QVERIFY2(r.out.contains("not run: transaction control"), cliText(r));
    }

    void runOfATaskThatCannotStartExitsOne()
    {
        const CliResult r = runWrit({"simulate", demoPolicy(), "--db", m_copy->dsn(), "--agent", "support-summarizer", "--task",
                                     "summarize-tickets", "--run", "SELECT 1"});
        QVERIFY2(r.exitCode == 1, cliText(r));
        QVERIFY2(r.err.contains("customer_id"), cliText(r));
    }

    void runTimesOut()
    {
        const CliResult r = runWrit(summarizer(db(), "SELECT pg_sleep(10)", {"--run", "--timeout", "1s"}));
        QVERIFY2(r.out.contains("SQLSTATE 57014"), cliText(r));
    }

    void statementFromStandardInput()
    {
        QProcess p;
        p.start(QStringLiteral(WRIT_CLI), summarizer({"--catalog", kSnapshot}, "-"));
        p.write("SELECT body FROM internal_notes");
        p.closeWriteChannel();
        QVERIFY(p.waitForFinished(60000));
        QCOMPARE(p.exitCode(), 1);
        QVERIFY(QString::fromUtf8(p.readAllStandardOutput()).contains("[relation-scope]"));
    }
};

QTEST_GUILESS_MAIN(TestCliSimulate)
#include "tst_cli_simulate.moc"
