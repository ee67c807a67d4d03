// SPDX-License-Identifier: Apache-2.0
// The sandbox run (core/simulate/sandbox.h) against real PostgreSQL: a draft policy applied inside one
// transaction, a temporary task, the statement run as its JIT role — rows visible of rows without the
// policy, masked values, writes, failures, timeouts — and afterwards nothing left: roles, rows, tasks,
// deployments, grants and policies exactly as before, also while the sandbox is still open and when
// the statement fails or times out.
//
// Needs the sandbox: scripts/pg-sandbox start && load-demo, eval "$(scripts/pg-sandbox env)".
#include "simulate_db.h"

#include "simulate/row_estimate.h"
#include "simulate/sandbox.h"

#include <QElapsedTimer>
#include <QtTest>

using namespace simtest;
using namespace writ;
using simulate::Sandbox;
using simulate::SandboxError;
using simulate::SandboxOptions;
using simulate::SandboxRequest;
using simulate::SandboxResult;

namespace {

constexpr const char *kFresh = "writ_tst_sandbox";            // the demo database, Writ never deployed
constexpr const char *kDeployed = "writ_tst_sandbox_deployed"; // the demo database with the demo policy applied

const std::map<std::string, std::string> kCustomer42 = {{"customer_id", "42"}};
const std::map<std::string, std::string> kPayment7 = {{"payment_id", "7"}};

QString maskedEmail(const QString &email)
{
    const int at = email.indexOf(QLatin1Char('@'));
    return email.left(1) + QStringLiteral("***@") + email.mid(at + 1);
}

QByteArray describe(const SandboxResult &r)
{
    return QStringLiteral("%1: %2 %3 (visible %4, without policy %5 %6)")
        .arg(QString::fromLatin1(simulate::toString(r.outcome)), QString::fromStdString(r.sqlstate), QString::fromStdString(r.error))
        .arg(r.visibleRows)
        .arg(r.rowsWithoutPolicy ? QString::number(*r.rowsWithoutPolicy) : QStringLiteral("-"), QString::fromStdString(r.withoutPolicyError))
        .toUtf8();
}

QString value(const SandboxResult &r, std::size_t row, std::size_t column)
{
    if (row >= r.rows.size() || column >= r.rows[row].size() || !r.rows[row][column])
        return QString();
    return QString::fromStdString(*r.rows[row][column]);
}

} // namespace

class TestSandbox : public QObject
{
    Q_OBJECT

private:
    QString m_admin;
    std::unique_ptr<DatabaseCopy> m_fresh, m_deployed;
    Session m_su;         ///< superuser on the fresh copy: the reference for every expectation
    Session m_suDeployed; ///< superuser on the deployed copy
    std::shared_ptr<const policy::Policy> m_demo, m_draft;
    std::shared_ptr<const catalog::Catalog> m_freshCatalog, m_deployedCatalog;

    SandboxResult run(const SandboxRequest &request, const SandboxOptions &options = {},
                      const std::shared_ptr<const policy::Policy> &policy = nullptr)
    {
        Sandbox sandbox(m_fresh->dsn().toStdString(), policy ? policy : m_demo, m_freshCatalog);
        return sandbox.run(request, options);
    }

    SandboxRequest summarizer(const std::string &sql, const std::map<std::string, std::string> &ctx = kCustomer42)
    {
        return {"support-summarizer", "summarize-tickets", ctx, "", sql};
    }
    SandboxRequest refundBot(const std::string &sql) { return {"refund-bot", "refund-payment", kPayment7, "", sql}; }

private slots:
    void initTestCase()
    {
        m_admin = requiredDsn("WRIT_TEST_ADMIN_DSN");
        QString error;
        m_fresh = std::make_unique<DatabaseCopy>(m_admin, kFresh);
        QVERIFY2(m_fresh->create("supportdesk", &error), qPrintable(error));
        m_deployed = std::make_unique<DatabaseCopy>(m_admin, kDeployed);
        QVERIFY2(m_deployed->create("supportdesk", &error), qPrintable(error));
        const CliResult applied = apply(demoPolicy(), m_deployed->dsn());
        QVERIFY2(applied.exitCode == 0, cliText(applied));
        QVERIFY2(m_su.open(m_fresh->dsn()), qPrintable(m_su.error()));
        QVERIFY2(m_suDeployed.open(m_deployed->dsn()), qPrintable(m_suDeployed.error()));
        m_demo = loadPolicy(demoPolicy());
        m_draft = loadPolicy(simulateData("sandbox.writ.yaml"));
        m_freshCatalog = introspect(m_fresh->dsn());
        m_deployedCatalog = introspect(m_deployed->dsn());
    }

    void cleanupTestCase()
    {
        m_su.close();
        m_suDeployed.close();
        m_fresh.reset();
        m_deployed.reset();
    }

    // ---------------------------------------------------------------------------------------------
    // What the task sees

    void readShowsVisibleRowsOfAllRows()
    {
        SandboxOptions options;
        options.maxRows = 10;
        const SandboxResult r = run(summarizer("SELECT id, subject FROM tickets ORDER BY id"), options);
        QVERIFY2(r.succeeded(), describe(r));
        const int visible = m_su.scalar("SELECT count(*) FROM tickets WHERE customer_id = 42").toInt();
        QVERIFY(visible > 10);
        QCOMPARE(r.visibleRows, visible);
        QVERIFY(r.rowsWithoutPolicy);
        QCOMPARE(*r.rowsWithoutPolicy, m_su.scalar("SELECT count(*) FROM tickets").toLongLong());
        QCOMPARE(r.columns, (std::vector<std::string> {"id", "subject"}));
        QCOMPARE(r.rows.size(), std::size_t(10));
        QVERIFY(r.truncated());
        const SqlResult first = m_su.exec("SELECT id, subject FROM tickets WHERE customer_id = 42 ORDER BY id LIMIT 10");
        for (int i = 0; i < 10; ++i) {
            QCOMPARE(value(r, std::size_t(i), 0), first.value(i, 0));
            QCOMPARE(value(r, std::size_t(i), 1), first.value(i, 1));
        }
        QVERIFY(r.duration.count() > 0);
        QVERIFY(QString::fromStdString(r.taskRole).startsWith("writ_task_"));
    }

    void rowFilterFollowsTheContext()
    {
        const SandboxResult r = run(summarizer("SELECT id FROM tickets", {{"customer_id", "43"}}), SandboxOptions {std::chrono::seconds(5), 1000});
        QVERIFY2(r.succeeded(), describe(r));
        QCOMPARE(r.visibleRows, m_su.scalar("SELECT count(*) FROM tickets WHERE customer_id = 43").toLongLong());
        QStringList ids;
        for (const auto &row : r.rows)
            ids << QString::fromStdString(*row[0]);
        QCOMPARE(m_su.scalar("SELECT count(*) FROM tickets WHERE customer_id <> 43 AND id IN (" + ids.join(',') + ")"), QString("0"));
    }

    void maskedColumnComesBackMasked()
    {
        const SandboxResult r = run(summarizer("SELECT id, name, email FROM customers"));
        QVERIFY2(r.succeeded(), describe(r));
        QCOMPARE(r.visibleRows, 1);
        QCOMPARE(*r.rowsWithoutPolicy, m_su.scalar("SELECT count(*) FROM customers").toLongLong());
        QCOMPARE(value(r, 0, 0), QString("42"));
        QCOMPARE(value(r, 0, 1), m_su.scalar("SELECT name FROM customers WHERE id = 42"));
        const QString email = m_su.scalar("SELECT email FROM customers WHERE id = 42");
        QVERIFY(email.contains('@'));
        QCOMPARE(value(r, 0, 2), maskedEmail(email));
    }

    void qualifiedMaskedColumnIsRefusedNatively()
    {
        const SandboxResult r = run(summarizer("SELECT email FROM public.customers"));
        QCOMPARE(r.outcome, SandboxResult::Outcome::Failed);
        QCOMPARE(r.sqlstate, std::string("42501"));
        QVERIFY2(r.error.find("permission denied") != std::string::npos, describe(r));
        QVERIFY(r.rows.empty());
        QCOMPARE(r.visibleRows, 0);
    }

    void explainEstimatesAsTheTaskRole()
    {
        SandboxOptions options;
        options.explain = true;
        const SandboxResult r = run(summarizer("SELECT id, subject FROM tickets"), options);
        QVERIFY2(r.succeeded(), describe(r));
        QVERIFY2(r.estimatedRows, r.estimateError.c_str());
        // The task role's plan carries the row filter; the administrator's does not.
        const simulate::RowEstimate admin = simulate::plannerEstimate(m_fresh->dsn().toStdString(), "SELECT id, subject FROM tickets",
                                                                      std::chrono::seconds(5));
        QVERIFY2(admin.rows, admin.error.c_str());
        QVERIFY2(*r.estimatedRows < 1000 && *admin.rows > 10000,
                 qPrintable(QString("task %1, admin %2").arg(*r.estimatedRows).arg(*admin.rows)));

        // A statement the task role cannot plan fails its EXPLAIN, and then itself, each with its own error.
        const SandboxResult failing = run(summarizer("SELECT phone FROM customers"), options);
        QVERIFY(!failing.estimatedRows);
        QVERIFY2(failing.estimateError.find("phone") != std::string::npos, failing.estimateError.c_str());
        QCOMPARE(failing.outcome, SandboxResult::Outcome::Failed);
        QCOMPARE(failing.sqlstate, std::string("42703"));
    }

    void plannerEstimateRunsExactlyOneStatement()
    {
        // The extended protocol refuses a second statement instead of running it as the administrator.
        const simulate::RowEstimate e = simulate::plannerEstimate(m_fresh->dsn().toStdString(),
                                                                  "SELECT 1; SELECT pg_terminate_backend(pg_backend_pid())",
                                                                  std::chrono::seconds(5));
        QVERIFY(!e.rows);
        QVERIFY2(e.error.find("multiple commands") != std::string::npos, e.error.c_str());
        QCOMPARE(simulate::planRowsFromExplainJson("[{\"Plan\": {\"Node Type\": \"Seq Scan\", \"Plan Rows\": 1234}}]"),
                 std::optional<double>(1234));
        QVERIFY(!simulate::planRowsFromExplainJson("not json"));
        QVERIFY(!simulate::planRowsFromExplainJson("[{\"Plan\": {}}]"));
    }

    // ---------------------------------------------------------------------------------------------
    // Writes run and are rolled back

    void updateRunsAndIsRolledBack()
    {
        const QString before = m_su.scalar("SELECT status FROM payments WHERE id = 7");
        QCOMPARE(before, QString("succeeded"));
        const SandboxResult r = run(refundBot("UPDATE payments SET status = 'refund_pending' WHERE id = 7 RETURNING id, status"));
        QVERIFY2(r.succeeded(), describe(r));
        QVERIFY(r.write);
        QCOMPARE(r.visibleRows, 1);
        QCOMPARE(value(r, 0, 0), QString("7"));
        QCOMPARE(value(r, 0, 1), QString("refund_pending"));
        QCOMPARE(r.rowsWithoutPolicy, std::optional<std::int64_t>(1));
        QCOMPARE(m_su.scalar("SELECT status FROM payments WHERE id = 7"), before);
    }

    void writeCountsOnlyTheRowsTheFilterLeaves()
    {
        const SandboxResult r = run(refundBot("UPDATE payments SET status = 'refunded' WHERE status = 'succeeded'"));
        QVERIFY2(r.succeeded(), describe(r));
        QCOMPARE(r.visibleRows, 1); // payment 7 only
        QCOMPARE(*r.rowsWithoutPolicy, m_su.scalar("SELECT count(*) FROM payments WHERE status = 'succeeded'").toLongLong());
        QCOMPARE(m_su.scalar("SELECT status FROM payments WHERE id = 7"), QString("succeeded"));
    }

    void insertRunsAndIsRolledBack()
    {
        const QString before = m_su.scalar("SELECT count(*) FROM refunds");
        const SandboxResult r
            = run(refundBot("INSERT INTO refunds (payment_id, amount_cents, reason, status) VALUES (7, 100, 'sandbox', 'requested')"));
        QVERIFY2(r.succeeded(), describe(r));
        QCOMPARE(r.visibleRows, 1);
        QVERIFY(r.columns.empty());
        QCOMPARE(m_su.scalar("SELECT count(*) FROM refunds"), before);
        QCOMPARE(m_su.scalar("SELECT count(*) FROM refunds WHERE reason = 'sandbox'"), QString("0"));
    }

    void deleteRunsAndIsRolledBack()
    {
        const QString payment = m_su.scalar("SELECT payment_id FROM refunds GROUP BY payment_id ORDER BY count(*) DESC, payment_id LIMIT 1");
        const QString before = m_su.scalar("SELECT count(*) FROM refunds");
        const SandboxResult r = run({"cleanup-bot", "purge-refunds", {{"payment_id", payment.toStdString()}}, "", "DELETE FROM refunds"},
                                    {}, m_draft);
        QVERIFY2(r.succeeded(), describe(r));
        QCOMPARE(r.visibleRows, m_su.scalar("SELECT count(*) FROM refunds WHERE payment_id = " + payment).toLongLong());
        QVERIFY(r.visibleRows > 0);
        QCOMPARE(*r.rowsWithoutPolicy, before.toLongLong());
        QCOMPARE(m_su.scalar("SELECT count(*) FROM refunds"), before);
    }

    void rowSecurityCheckViolationFails()
    {
        const SandboxResult r = run(refundBot("UPDATE payments SET status = 'pending' WHERE id = 7"));
        QCOMPARE(r.outcome, SandboxResult::Outcome::Failed);
        QCOMPARE(r.sqlstate, std::string("42501"));
        QVERIFY2(r.error.find("row-level security") != std::string::npos, describe(r));
        QCOMPARE(r.rowsWithoutPolicy, std::optional<std::int64_t>(1)); // without the policy it would have run
    }

    // ---------------------------------------------------------------------------------------------
    // Failures, timeouts, refusals

    void statementTimeoutEndsTheStatement()
    {
        SandboxOptions options;
        // Short, but not so short that the draft's own lock wait (bounded by the same timeout) gives up
        // while autovacuum analyzes a table of the freshly copied database.
        options.statementTimeout = std::chrono::milliseconds(1000);
        options.countWithoutPolicy = false;
        QElapsedTimer timer;
        timer.start();
        const SandboxResult r = run(summarizer("SELECT pg_sleep(10)"), options);
        QCOMPARE(r.outcome, SandboxResult::Outcome::Failed);
        QCOMPARE(r.sqlstate, std::string("57014"));
        QVERIFY2(timer.elapsed() < 8000, qPrintable(QString::number(timer.elapsed())));
        QVERIFY(r.duration >= std::chrono::milliseconds(900));
    }

    void failingStatementReportsPostgresError()
    {
        const SandboxResult r = run(summarizer("SELECT id FROM no_such_table"));
        QCOMPARE(r.outcome, SandboxResult::Outcome::Failed);
        QCOMPARE(r.sqlstate, std::string("42P01"));
        QVERIFY2(r.error.find("no_such_table") != std::string::npos, describe(r));
        QVERIFY2(r.error.find("LINE ") == std::string::npos, describe(r)); // no pointer into the sandbox's wrapping
    }

    void refusedStatements_data()
    {
        QTest::addColumn<QString>("sql");
        QTest::addColumn<QString>("because");
        QTest::newRow("two statements") << "SELECT 1; SELECT 2" << "2 statements";
        QTest::newRow("commit escape") << "COMMIT; DROP TABLE tickets" << "2 statements";
        QTest::newRow("begin") << "BEGIN" << "transaction control";
        QTest::newRow("commit") << "COMMIT" << "transaction control";
        QTest::newRow("rollback") << "ROLLBACK" << "transaction control";
        QTest::newRow("savepoint") << "SAVEPOINT mine" << "transaction control";
        QTest::newRow("release") << "RELEASE SAVEPOINT writ_sandbox_run" << "transaction control";
        QTest::newRow("copy to the client") << "COPY tickets (id) TO STDOUT" << "COPY";
        QTest::newRow("session authorization") << "SET SESSION AUTHORIZATION postgres" << "session authorization";
        QTest::newRow("reset session authorization") << "RESET SESSION AUTHORIZATION" << "session authorization";
        QTest::newRow("set_config of it") << "SELECT set_config('session_authorization', 'postgres', true)" << "session authorization";
        QTest::newRow("computed setting name") << "SELECT set_config(chr(114) || 'ole', 'postgres', true)" << "session authorization";
        QTest::newRow("unparseable") << "SELEC 1" << "does not parse";
        QTest::newRow("empty") << " -- nothing\n" << "no statement";
    }
    void refusedStatements()
    {
        QFETCH(QString, sql);
        QFETCH(QString, because);
        const SandboxResult r = run(summarizer(sql.toStdString()));
        QCOMPARE(r.outcome, SandboxResult::Outcome::NotRun);
        QVERIFY2(QString::fromStdString(r.error).contains(because), describe(r));
        QVERIFY(r.taskRole.empty()); // refused before anything ran
    }

    void taskRequestsAreValidatedLikeTaskStart()
    {
        Sandbox sandbox(m_fresh->dsn().toStdString(), m_demo, m_freshCatalog);
        const std::vector<std::pair<SandboxRequest, std::string>> cases = {
            {summarizer("SELECT 1", {}), "customer_id"},
            {summarizer("SELECT 1", {{"customer_id", "forty-two"}}), "32-bit integer"},
            {{"nobody", "nothing", {}, "", "SELECT 1"}, "nobody"},
            {{"support-summarizer", "nothing", {}, "", "SELECT 1"}, "nothing"},
        };
        for (const auto &[request, mentions] : cases) {
            try {
                sandbox.run(request);
                QFAIL(qPrintable("no error for " + QString::fromStdString(mentions)));
            } catch (const SandboxError &e) {
                QCOMPARE(e.kind(), SandboxError::Kind::Refused);
                QVERIFY2(std::string(e.what()).find(mentions) != std::string::npos, e.what());
            }
        }
        // The session is still usable after refusals.
        QVERIFY2(sandbox.run(summarizer("SELECT 1")).succeeded(), "after refusals");
    }

    void needsASuperuser()
    {
        const QString helpdesk = withCredentials(m_fresh->dsn(), "helpdesk_app", "helpdesk");
        try {
            simulate::runInSandbox(helpdesk.toStdString(), *m_demo, *m_freshCatalog, summarizer("SELECT 1"));
            QFAIL("a non-superuser got a sandbox");
        } catch (const SandboxError &e) {
            QCOMPARE(e.kind(), SandboxError::Kind::Environment);
            QVERIFY2(std::string(e.what()).find("superuser") != std::string::npos, e.what());
        }
    }

    void unreachableDatabaseIsAnEnvironmentError()
    {
        try {
            simulate::runInSandbox("postgresql://postgres@127.0.0.1:1/x?connect_timeout=2", *m_demo, *m_freshCatalog, summarizer("SELECT 1"));
            QFAIL("no error");
        } catch (const SandboxError &e) {
            QCOMPARE(e.kind(), SandboxError::Kind::Environment);
        }
    }

    void aDraftThatDoesNotCompileIsRefused()
    {
        policy::Policy broken = *m_demo;
        broken.agents.front().tasks.front().access.front().columns->push_back("no_such_column");
        try {
            simulate::runInSandbox(m_fresh->dsn().toStdString(), broken, *m_freshCatalog, summarizer("SELECT 1"));
            QFAIL("a broken draft was applied");
        } catch (const SandboxError &e) {
            QCOMPARE(e.kind(), SandboxError::Kind::Refused);
            QVERIFY2(std::string(e.what()).find("no_such_column") != std::string::npos, e.what());
        }
    }

    void draftWaitsForLocksOnlyUntilTheTimeout()
    {
        // A reader in a long transaction: enabling row-level security on tickets must wait for it. Queued
        // behind it, the sandbox would hold up every later reader, so it gives up at the timeout instead.
        Session reader(m_fresh->dsn());
        QVERIFY(reader.exec("BEGIN").ok);
        QVERIFY(reader.exec("SELECT 1 FROM tickets LIMIT 1").ok);
        SandboxOptions options;
        options.statementTimeout = std::chrono::milliseconds(500);
        QElapsedTimer timer;
        timer.start();
        try {
            run(summarizer("SELECT id FROM tickets"), options);
            QFAIL("the sandbox applied its draft past a lock");
        } catch (const SandboxError &e) {
            QCOMPARE(e.kind(), SandboxError::Kind::Environment);
            QVERIFY2(std::string(e.what()).find("could not take a lock") != std::string::npos, e.what());
        }
        QVERIFY2(timer.elapsed() < 10000, qPrintable(QString::number(timer.elapsed())));
        QVERIFY(reader.exec("ROLLBACK").ok);
        // With the reader gone the draft applies. The default timeout, not 500 ms: the first run's backend may
        // still be ending (its aborted transaction holds the locks it took before it waited), and autovacuum
        // on the freshly copied tables steps aside for a waiting lock only after deadlock_timeout (1 s).
        const SandboxResult after = run(summarizer("SELECT id FROM tickets"));
        QVERIFY2(after.succeeded(), describe(after));
    }

    void sessionIsReopenedAfterItWasEnded()
    {
        Sandbox sandbox(m_fresh->dsn().toStdString(), m_demo, m_freshCatalog);
        QVERIFY(sandbox.run(summarizer("SELECT 1")).succeeded());
        QVERIFY(sandbox.draftPlan());
        // An administrator ends the sandbox's backend between two runs (it is the only other session on the copy).
        const SqlResult killed = m_su.exec(QStringLiteral("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '%1' "
                                                          "AND pid <> pg_backend_pid() AND backend_type = 'client backend'")
                                               .arg(kFresh));
        QVERIFY2(killed.ok && killed.count() == 1, killed.describe());
        const SandboxResult r = sandbox.run(summarizer("SELECT id FROM tickets"));
        QVERIFY2(r.succeeded(), describe(r));
        QCOMPARE(r.visibleRows, m_su.scalar("SELECT count(*) FROM tickets WHERE customer_id = 42").toLongLong());
    }

    // ---------------------------------------------------------------------------------------------
    // The draft applies inside the sandbox only

    void draftReplacesTheDeployedPolicyInsideOnly()
    {
        // Deployed: the summarizer may not read phone numbers; the draft says it may.
        Task task = startTask(m_deployed->dsn(), "support-summarizer", "summarize-tickets", {"--ctx", "customer_id=42"});
        QVERIFY2(task.ok(), cliText(task.cli));
        Session asTask(task.uri);
        QVERIFY2(asTask.isOpen(), qPrintable(asTask.error()));
        const SqlResult native = asTask.exec("SELECT phone FROM public.customers");
        QCOMPARE(native.sqlstate, QString("42501"));

        const SandboxResult r = simulate::runInSandbox(m_deployed->dsn().toStdString(), *m_draft, *m_deployedCatalog,
                                                       summarizer("SELECT phone FROM public.customers"));
        QVERIFY2(r.succeeded(), describe(r));
        QCOMPARE(r.visibleRows, 1);
        QCOMPARE(value(r, 0, 0), m_suDeployed.scalar("SELECT phone FROM customers WHERE id = 42"));

        // And after it the deployed floor is unchanged.
        QCOMPARE(asTask.exec("SELECT phone FROM public.customers").sqlstate, QString("42501"));
        asTask.close();
        QVERIFY2(runWrit({"task", "end", task.id, "--db", m_deployed->dsn()}).exitCode == 0, "task end");
    }

    // ---------------------------------------------------------------------------------------------
    // Nothing persists

    void persistentStateSeesChanges()
    {
        // The fingerprint the next tests compare must notice a role's setting, a grant and a row. The probes
        // stay inside this copy: other tests compare roles meanwhile, and roles are cluster-wide.
        const QString before = persistentState(m_su);
        QVERIFY2(!before.contains("error:"), qPrintable(before));
        QVERIFY(m_su.exec(QStringLiteral("ALTER ROLE reporting IN DATABASE %1 SET work_mem = '1MB'").arg(kFresh)).ok);
        const QString set = persistentState(m_su);
        QVERIFY(m_su.exec(QStringLiteral("ALTER ROLE reporting IN DATABASE %1 RESET work_mem").arg(kFresh)).ok);
        QVERIFY(set != before);
        QVERIFY(m_su.exec("GRANT SELECT (city) ON customers TO reporting").ok);
        const QString granted = persistentState(m_su);
        QVERIFY(m_su.exec("REVOKE SELECT (city) ON customers FROM reporting").ok);
        QVERIFY(granted != before);
        QVERIFY(m_su.exec("UPDATE payments SET status = 'refunded' WHERE id = 7").ok);
        const QString updated = persistentState(m_su);
        QVERIFY(m_su.exec("UPDATE payments SET status = 'succeeded' WHERE id = 7").ok);
        QVERIFY(updated != before);
        QCOMPARE(persistentState(m_su), before);
    }

    void nothingPersistsOnAFreshDatabase()
    {
        const QString before = persistentState(m_su);
        QVERIFY(before.contains("no writ schema"));
        QVERIFY2(!before.contains("error:"), qPrintable(before));
        {
            Sandbox sandbox(m_fresh->dsn().toStdString(), m_draft, m_freshCatalog);
            SandboxOptions quick;
            quick.statementTimeout = std::chrono::milliseconds(300);
            const std::vector<SandboxRequest> requests = {
                summarizer("SELECT id, name, email, phone FROM customers"),
                refundBot("UPDATE payments SET status = 'refunded' WHERE id = 7"),
                refundBot("INSERT INTO refunds (payment_id, amount_cents, reason) VALUES (7, 5, 'x')"),
                {"cleanup-bot", "purge-refunds", {{"payment_id", "7"}}, "", "DELETE FROM refunds"},
                refundBot("UPDATE payments SET status = 'pending' WHERE id = 7"),             // fails: check
                summarizer("SELECT pg_sleep(5)"),                                             // times out
                summarizer("CREATE TABLE public.sandbox_leftover (a int)"),                   // fails: no privilege
                summarizer("SELECT 1; DROP TABLE tickets"),                                   // refused
                summarizer("PREPARE sandbox_p AS SELECT 1"),                                  // not transactional
                summarizer("SELECT set_config('writ.leftover', 'x', false)"),                 // reverted with the savepoint
            };
            for (const auto &request : requests)
                sandbox.run(request, quick);
            // Between runs the session holds nothing: no transaction, no lock, no trace.
            const QString during = persistentState(m_su);
            QCOMPARE(m_su.scalar(QStringLiteral("SELECT count(*) FROM pg_stat_activity WHERE datname = '%1' AND state LIKE 'idle in "
                                                "transaction%'").arg(kFresh)),
                     QString("0"));
            QVERIFY2(during == before, firstDifference(before, during));
            // Within the session, nothing of one run reaches the next either.
            const SandboxResult next = sandbox.run(summarizer("EXECUTE sandbox_p"));
            QCOMPARE(next.outcome, SandboxResult::Outcome::Failed);
            QCOMPARE(next.sqlstate, std::string("26000")); // invalid_sql_statement_name
            const SandboxResult setting = sandbox.run(summarizer("SELECT current_setting('writ.leftover', true)"));
            QVERIFY2(setting.succeeded(), describe(setting));
            QCOMPARE(value(setting, 0, 0), QString());
        }
        const QString after = persistentState(m_su);
        QVERIFY2(after == before, firstDifference(before, after));
    }

    void nothingPersistsOnADeployedDatabase()
    {
        const QString before = persistentState(m_suDeployed);
        QVERIFY(before.contains("deployments=1:") && !before.contains("no writ schema"));
        const QString versionBefore = m_suDeployed.scalar("SELECT last_value FROM writ.deployment_version_seq");
        for (const auto &sql : {std::string("SELECT id, subject FROM tickets"), std::string("SELECT pg_sleep(5)"),
                                std::string("SELECT phone FROM public.customers")}) {
            SandboxOptions quick;
            quick.statementTimeout = std::chrono::milliseconds(300);
            simulate::runInSandbox(m_deployed->dsn().toStdString(), *m_draft, *m_deployedCatalog, summarizer(sql), quick);
        }
        const QString after = persistentState(m_suDeployed);
        QVERIFY2(after == before, firstDifference(before, after));
        QCOMPARE(m_suDeployed.scalar("SELECT last_value FROM writ.deployment_version_seq"), versionBefore);
        // The deployed floor still works as before: a real task reads exactly its rows.
        Task task = startTask(m_deployed->dsn(), "support-summarizer", "summarize-tickets", {"--ctx", "customer_id=42"});
        QVERIFY2(task.ok(), cliText(task.cli));
        Session asTask(task.uri);
        QCOMPARE(asTask.scalar("SELECT count(*) FROM tickets"), m_suDeployed.scalar("SELECT count(*) FROM tickets WHERE customer_id = 42"));
        asTask.close();
        QVERIFY2(runWrit({"task", "end", task.id, "--db", m_deployed->dsn()}).exitCode == 0, "task end");
    }
};

QTEST_GUILESS_MAIN(TestSandbox)
#include "tst_sandbox.moc"
