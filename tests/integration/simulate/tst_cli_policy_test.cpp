// SPDX-License-Identifier: Apache-2.0
// `writ test POLICY CASES` end to end: the demo case file passes (from a snapshot and against a copy of
// the demo database, where `rows:` and `native:` are checked in the sandbox), a file with wrong
// expectations fails with exit 1 and names each failing case, a malformed file stops with file:line:col,
// and --junit writes a report CI readers parse, counting the failures.
//
// Needs the sandbox: scripts/pg-sandbox start && load-demo, eval "$(scripts/pg-sandbox env)".
#include "simulate_db.h"

#include "simulate/policy_tests.h"

#include <QRegularExpression>
#include <QTemporaryDir>
#include <QXmlStreamReader>
#include <QtTest>

using namespace simtest;

namespace {

constexpr const char *kCopy = "writ_tst_cli_policy_test";

const QString kSnapshot = QStringLiteral(WRIT_TEST_DATA_DIR "/catalog/supportdesk.json");
const QString kDemoCases = QStringLiteral(WRIT_SOURCE_DIR "/resources/demo/supportdesk.tests.yaml");

int caseCount(const QString &file)
{
    const auto loaded = writ::simulate::loadPolicyTestsFile(file.toStdString());
    return loaded.ok() ? static_cast<int>(loaded.tests.cases.size()) : -1;
}

struct JUnitCounts
{
    bool ok = false;
    QString error;
    int tests = -1, failures = -1, errors = -1;
    QStringList failed; ///< names of the test cases holding a <failure>
    int testcases = 0;
};

JUnitCounts readJUnit(const QString &path)
{
    JUnitCounts c;
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        c.error = "cannot open " + path;
        return c;
    }
    QXmlStreamReader r(&f);
    QString current;
    while (!r.atEnd()) {
        r.readNext();
        if (!r.isStartElement())
            continue;
        if (r.name() == QLatin1String("testsuite")) {
            c.tests = r.attributes().value("tests").toInt();
            c.failures = r.attributes().value("failures").toInt();
            c.errors = r.attributes().value("errors").toInt();
        } else if (r.name() == QLatin1String("testcase")) {
            ++c.testcases;
            current = r.attributes().value("name").toString();
        } else if (r.name() == QLatin1String("failure")) {
            c.failed << current;
        }
    }
    c.ok = !r.hasError();
    c.error = r.errorString();
    return c;
}

} // namespace

class TestCliPolicyTest : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<DatabaseCopy> m_copy;
    QTemporaryDir m_dir;

private slots:
    void initTestCase()
    {
        m_copy = std::make_unique<DatabaseCopy>(requiredDsn("WRIT_TEST_ADMIN_DSN"), kCopy);
        QString error;
        QVERIFY2(m_copy->create("supportdesk", &error), qPrintable(error));
        QVERIFY(m_dir.isValid());
        QVERIFY(caseCount(kDemoCases) > 20);
    }

    void cleanupTestCase() { m_copy.reset(); }

    void demoCasesPassFromASnapshot()
    {
        const CliResult r = runWrit({"test", demoPolicy(), kDemoCases, "--catalog", kSnapshot});
        QVERIFY2(r.exitCode == 0, cliText(r));
        QVERIFY2(r.out.endsWith(QString("%1 passed, 0 failed\n").arg(caseCount(kDemoCases))), cliText(r));
        QVERIFY2(!r.out.contains("FAIL"), cliText(r));
    }

    void demoCasesPassAgainstTheDatabase()
    {
        Session su(m_copy->dsn());
        const QString before = persistentState(su);
        const CliResult r = runWrit({"test", demoPolicy(), kDemoCases, "--db", m_copy->dsn(), "--verbose"}, 120000);
        QVERIFY2(r.exitCode == 0, cliText(r));
        QVERIFY2(r.out.endsWith(QString("%1 passed, 0 failed\n").arg(caseCount(kDemoCases))), cliText(r));
        // With --db the rows and native expectations were checked, not noted as skipped.
        QVERIFY2(!r.out.contains("not checked"), cliText(r));
        QVERIFY2(r.out.contains("ok    summarizer reads the customer's tickets: allow"), cliText(r));
        const QString after = persistentState(su);
        QVERIFY2(after == before, firstDifference(before, after));
    }

    void withoutADatabaseRowsAreNotedNotChecked()
    {
        const CliResult r = runWrit({"test", demoPolicy(), kDemoCases, "--catalog", kSnapshot, "--verbose"});
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.out.contains("note: rows not checked: run with --db"), cliText(r));
    }

    void wrongExpectationsFailAndNameTheCase()
    {
        const QString cases = simulateData("wrong-expectation.tests.yaml");
        const CliResult r = runWrit({"test", demoPolicy(), cases, "--catalog", kSnapshot});
        QVERIFY2(r.exitCode == 1, cliText(r));
        QVERIFY2(r.out.endsWith("1 passed, 2 failed\n"), cliText(r));
        QVERIFY2(r.out.contains(QRegularExpression("FAIL  phone numbers are readable \\(wrong\\) \\(" + QRegularExpression::escape(cases)
                                                   + ":8:5, support-summarizer/summarize-tickets\\): expected allow, got deny "
                                                     "\\[column-scope\\]")),
                 cliText(r));
        QVERIFY2(r.out.contains(QRegularExpression("FAIL  internal notes denied by the wrong rule \\(.*\\): expected rule column-scope, "
                                                   "got relation-scope")),
                 cliText(r));
        QVERIFY2(!r.out.contains("FAIL  tickets are readable"), cliText(r));
    }

    void wrongRowCountFailsAgainstTheDatabase()
    {
        const QString cases = m_dir.filePath("rows.tests.yaml");
        QFile f(cases);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("writ_tests: 1\ndefaults: { agent: support-summarizer, task: summarize-tickets, ctx: { customer_id: 42 } }\ncases:\n"
                "  - { name: too many, sql: SELECT id FROM tickets, expect: allow, rows: 1000 }\n"
                "  - { name: floor allows it, sql: 'SELECT name, phone FROM public.customers', expect: deny, native: succeed }\n");
        f.close();
        const CliResult r = runWrit({"test", demoPolicy(), cases, "--db", m_copy->dsn()});
        QVERIFY2(r.exitCode == 1, cliText(r));
        Session su(m_copy->dsn());
        const QString visible = su.scalar("SELECT count(*) FROM tickets WHERE customer_id = 42");
        QVERIFY2(r.out.contains("expected 1000 row(s), the task sees " + visible), cliText(r));
        QVERIFY2(r.out.contains("expected PostgreSQL to run it as the task's role, but PostgreSQL refused it (42501"), cliText(r));
        QVERIFY2(r.out.endsWith("0 passed, 2 failed\n"), cliText(r));
    }

    void malformedCaseFileStopsWithItsPlace()
    {
        const QString cases = simulateData("malformed.tests.yaml");
        const CliResult r = runWrit({"test", demoPolicy(), cases, "--catalog", kSnapshot});
        QVERIFY2(r.exitCode == 1, cliText(r));
        QVERIFY2(r.err.contains(QRegularExpression("^" + QRegularExpression::escape(cases) + ":1[0-9]:[0-9]+: error: YAML syntax error")),
                 cliText(r));
        QVERIFY2(!r.out.contains("passed"), cliText(r));
    }

    void mistakesAreAllReported()
    {
        const QString cases = simulateData("mistakes.tests.yaml");
        const CliResult r = runWrit({"test", demoPolicy(), cases, "--catalog", kSnapshot});
        QVERIFY2(r.exitCode == 1, cliText(r));
        QVERIFY2(r.err.contains(cases + ":7:5: error: unknown key 'expcet'"), cliText(r));
        QVERIFY2(r.err.contains(cases + ":14:11: error:"), cliText(r));
        QVERIFY2(r.err.contains("did you mean 'column-scope'?"), cliText(r));
    }

    void junitReportCountsFailures()
    {
        const QString report = m_dir.filePath("report.xml");
        const CliResult r = runWrit({"test", demoPolicy(), simulateData("wrong-expectation.tests.yaml"), "--catalog", kSnapshot, "--junit", report});
        QCOMPARE(r.exitCode, 1);
        const JUnitCounts c = readJUnit(report);
        QVERIFY2(c.ok, qPrintable(c.error));
        QCOMPARE(c.tests, 3);
        QCOMPARE(c.testcases, 3);
        QCOMPARE(c.failures, 2);
        QCOMPARE(c.errors, 0);
        QCOMPARE(c.failed, (QStringList {"phone numbers are readable (wrong)", "internal notes denied by the wrong rule"}));
    }

    void junitReportOfThePassingDemo()
    {
        const QString report = m_dir.filePath("demo.xml");
        const CliResult r = runWrit({"test", demoPolicy(), kDemoCases, "--catalog", kSnapshot, "--junit", report});
        QCOMPARE(r.exitCode, 0);
        const JUnitCounts c = readJUnit(report);
        QVERIFY2(c.ok, qPrintable(c.error));
        QCOMPARE(c.tests, caseCount(kDemoCases));
        QCOMPARE(c.failures, 0);
        QVERIFY(c.failed.isEmpty());
    }

    void usageAndEnvironmentErrors()
    {
        CliResult r = runWrit({"test", demoPolicy(), kDemoCases});
        QVERIFY2(r.exitCode == 64, cliText(r));
        r = runWrit({"test", demoPolicy(), kDemoCases, "--db", "postgresql://postgres@127.0.0.1:1/x?connect_timeout=2"});
        QVERIFY2(r.exitCode == 3, cliText(r));
        r = runWrit({"test", demoPolicy(), "/nonexistent/cases.yaml", "--catalog", kSnapshot});
        QVERIFY2(r.exitCode == 1 && r.err.contains("cannot read /nonexistent/cases.yaml"), cliText(r));
        const QString helpdesk = withCredentials(m_copy->dsn(), "helpdesk_app", "helpdesk");
        r = runWrit({"test", demoPolicy(), kDemoCases, "--db", helpdesk});
        QVERIFY2(r.exitCode == 3 && r.err.contains("superuser"), cliText(r));
    }
};

QTEST_GUILESS_MAIN(TestCliPolicyTest)
#include "tst_cli_policy_test.moc"
