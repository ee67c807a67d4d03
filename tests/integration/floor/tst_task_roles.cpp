// SPDX-License-Identifier: Apache-2.0
// Just-in-time task roles through `writ task start|end|reap|list` on a private copy of the demo database
// with the demo policy applied: the role's attributes, its lifetime (ended: no login, live sessions gone
// within a second; expired: no login, context NULL, reaped), the TTL cap, the connection limit, and
// requests the policy refuses.
//
// Needs the sandbox: scripts/pg-sandbox start && load-demo, eval "$(scripts/pg-sandbox env)".
#include "floor_db.h"

#include <QDateTime>
#include <QJsonArray>
#include <QtTest>

using namespace floortest;

namespace {

constexpr const char *kCopy = "writ_tst_task_roles";
const QStringList kSummarizer42 = {"--ctx", "customer_id=42"};

} // namespace

class TestTaskRoles : public QObject
{
    Q_OBJECT

private:
    QString m_admin;
    std::unique_ptr<DatabaseCopy> m_copy;
    Session m_su;
    QString m_ticketsOf42;

    Task start(const QStringList &extra = kSummarizer42)
    {
        return startTask(m_copy->dsn(), "support-summarizer", "summarize-tickets", extra);
    }

    QString taskColumn(const QString &id, const QString &column)
    {
        return m_su.scalar("SELECT " + column + " FROM writ.task WHERE id = '" + id + "'");
    }

    bool roleExists(const QString &role)
    {
        return m_su.scalar("SELECT count(*) FROM pg_roles WHERE rolname = '" + role + "'") == "1";
    }

    QString counts()
    {
        return m_su.scalar("SELECT (SELECT count(*) FROM writ.task) || '/' || (SELECT count(*) FROM pg_roles WHERE rolname LIKE "
                           "'writ\\_task\\_%')");
    }

    QJsonArray listTasks(bool all)
    {
        QStringList args {"task", "list", "--db", m_copy->dsn(), "--format", "json"};
        if (all)
            args << "--all";
        const CliResult r = runWrit(args);
        if (r.exitCode != 0)
            qWarning("writ task list: %s", cliText(r).constData());
        return QJsonDocument::fromJson(r.out.toUtf8()).array();
    }

    static QJsonObject findTask(const QJsonArray &list, const QString &id)
    {
        for (const auto &v : list)
            if (v.toObject().value("id").toString() == id)
                return v.toObject();
        return {};
    }

private slots:
    void initTestCase()
    {
        m_admin = requiredDsn("WRIT_TEST_ADMIN_DSN");
        m_copy = std::make_unique<DatabaseCopy>(m_admin, kCopy);
        QString error;
        QVERIFY2(m_copy->create("supportdesk", &error), qPrintable(error));
        QVERIFY2(m_su.open(m_copy->dsn()), qPrintable(m_su.error()));
        const CliResult applied = apply(demoPolicy(), m_copy->dsn());
        QVERIFY2(applied.exitCode == 0, cliText(applied));
        m_ticketsOf42 = m_su.scalar("SELECT count(*) FROM public.tickets WHERE customer_id = 42");
        QVERIFY(m_ticketsOf42.toInt() > 0);
    }

    void cleanupTestCase()
    {
        m_su.close();
        m_copy.reset();
    }

    void startedRoleHasTheDocumentedShape()
    {
        const Task t = start();
        QVERIFY2(t.ok(), cliText(t.cli));
        QVERIFY(t.role.startsWith("writ_task_"));
        QCOMPARE(t.role, "writ_task_" + t.id);
        QCOMPARE(t.ttlSeconds, 300); // the task type's ttl: 5m
        QVERIFY(t.password.size() >= 24);
        QVERIFY2(!t.uri.contains(QString(qgetenv("WRIT_PG_PASSWORD"))), "the task URI carries the admin password");

        const SqlResult role
            = m_su.exec("SELECT rolcanlogin, rolsuper, rolbypassrls, rolcreaterole, rolcreatedb, rolinherit, rolconnlimit, "
                        "to_char(rolvaliduntil AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), left(rolpassword, 14) "
                        "FROM pg_authid WHERE rolname = '"
                + t.role + "'");
        QCOMPARE(role.count(), 1);
        QCOMPARE(role.rows[0], QStringList({"t", "f", "f", "f", "f", "t", "4", t.expiresAt, "SCRAM-SHA-256$"}));
        // Member of its task type's role only; nothing granted to it directly.
        QCOMPARE(m_su.scalar("SELECT string_agg(b.rolname, ',') FROM pg_auth_members m JOIN pg_roles b ON b.oid = m.roleid "
                             "JOIN pg_roles r ON r.oid = m.member WHERE r.rolname = '"
                     + t.role + "'"),
            QString("writ_support-summarizer/summarize-tickets"));
        QCOMPARE(m_su.scalar("SELECT count(*) FROM information_schema.role_table_grants WHERE grantee = '" + t.role + "'"),
            QString("0"));
        // The view schema first on its own search_path (role settings are not inherited).
        QCOMPARE(
            m_su.scalar("SELECT array_to_string(s.setconfig, ';') FROM pg_db_role_setting s JOIN pg_roles r ON r.oid = s.setrole "
                        "WHERE r.rolname = '"
                + t.role + "'"),
            QString(
                "search_path=\"writ_v_support-summarizer/summarize-tickets\", public;application_name=writ:support-summarizer/")
                + t.id);
        // The task row.
        QCOMPARE(taskColumn(t.id, "role"), t.role);
        QCOMPARE(taskColumn(t.id, "agent || '/' || task_type"), QString("support-summarizer/summarize-tickets"));
        QCOMPARE(taskColumn(t.id, "context::text"), QString("{\"customer_id\": \"42\"}"));
        QCOMPARE(taskColumn(t.id, "revoked_at IS NULL"), QString("t"));
        QCOMPARE(taskColumn(t.id, "round(extract(epoch FROM expires_at - created_at))"), QString("300"));

        // It logs in and is listed as live.
        Session s(t.uri);
        QVERIFY2(s.isOpen(), qPrintable(s.error()));
        QCOMPARE(s.scalar("SELECT count(*) FROM public.tickets"), m_ticketsOf42);
        const QJsonObject listed = findTask(listTasks(false), t.id);
        QCOMPARE(listed.value("live").toBool(), true);
        QCOMPARE(listed.value("sessions").toInt(), 1);
        QCOMPARE(listed.value("role").toString(), t.role);
        s.close();
        QVERIFY(runWrit({"task", "end", t.id, "--db", m_copy->dsn()}).exitCode == 0);
    }

    void endRevokesLoginAndTerminatesLiveSessions()
    {
        const Task t = start();
        QVERIFY2(t.ok(), cliText(t.cli));
        Session live(t.uri), second(t.uri);
        QVERIFY2(live.isOpen() && second.isOpen(), qPrintable(live.error()));
        QCOMPARE(live.scalar("SELECT count(*) FROM public.tickets"), m_ticketsOf42);

        const CliResult ended = runWrit({"task", "end", t.id, "--db", m_copy->dsn(), "--reason", "floor test"});
        QElapsedTimer timer;
        timer.start();
        QVERIFY2(ended.exitCode == 0, cliText(ended));
        QVERIFY2(ended.out.contains("2 session(s) terminated"), cliText(ended));
        bool gone = false;
        while (!gone && timer.elapsed() < 1000)
            gone = !live.alive();
        QVERIFY2(gone, "a session of the ended task is still alive after 1 s");
        QVERIFY(!second.alive());

        Session again;
        QVERIFY2(!again.open(t.uri), "the ended task's role can still log in");
        QVERIFY(!roleExists(t.role));
        QCOMPARE(taskColumn(t.id, "revoked_at IS NOT NULL"), QString("t"));
        QCOMPARE(taskColumn(t.id, "revoke_reason"), QString("floor test"));
        QCOMPARE(taskColumn(t.id, "revoked_by"), QString("postgres"));

        // Ending it twice is refused; list shows it only with --all.
        const CliResult twice = runWrit({"task", "end", t.id, "--db", m_copy->dsn()});
        QCOMPARE(twice.exitCode, 1);
        QVERIFY2(twice.err.contains("already ended"), cliText(twice));
        QVERIFY(findTask(listTasks(false), t.id).isEmpty());
        const QJsonObject all = findTask(listTasks(true), t.id);
        QCOMPARE(all.value("live").toBool(), false);
        QCOMPARE(all.value("revoke_reason").toString(), QString("floor test"));

        const CliResult unknown = runWrit({"task", "end", "0000000000000000", "--db", m_copy->dsn()});
        QCOMPARE(unknown.exitCode, 1);
        QVERIFY2(unknown.err.contains("no task with id"), cliText(unknown));
    }

    void expiryEndsLoginAndContext()
    {
        const Task t = start({"--ctx", "customer_id=42", "--ttl", "2s"});
        QVERIFY2(t.ok(), cliText(t.cli));
        QCOMPARE(t.ttlSeconds, 2);
        Session live(t.uri);
        QVERIFY2(live.isOpen(), qPrintable(live.error()));
        QCOMPARE(live.scalar("SELECT count(*) FROM public.tickets"), m_ticketsOf42);
        QCOMPARE(live.scalar("SELECT count(*) FROM customers"), QString("1"));

        QTest::qWait(3000);
        Session late;
        QVERIFY2(!late.open(t.uri), "the expired task's role can still log in");
        // The session opened before expiry survives until reaped, but its context is gone: it sees nothing.
        QVERIFY(live.alive());
        const SqlResult ctx = live.exec("SELECT writ.ctx('customer_id') IS NULL");
        QCOMPARE(ctx.value(), QString("t"));
        QCOMPARE(live.scalar("SELECT count(*) FROM public.tickets"), QString("0"));
        QCOMPARE(live.scalar("SELECT count(*) FROM public.messages"), QString("0"));
        QCOMPARE(live.scalar("SELECT count(*) FROM customers"), QString("0"));
        QCOMPARE(findTask(listTasks(false), t.id).value("live").toBool(), false);

        const CliResult reaped = runWrit({"task", "reap", "--db", m_copy->dsn()});
        QVERIFY2(reaped.exitCode == 0, cliText(reaped));
        QVERIFY2(reaped.out.contains(t.id), cliText(reaped));
        QElapsedTimer timer;
        timer.start();
        bool gone = false;
        while (!gone && timer.elapsed() < 1000)
            gone = !live.alive();
        QVERIFY2(gone, "the expired task's session is still alive after reap");
        QVERIFY(!roleExists(t.role));
        QCOMPARE(taskColumn(t.id, "revoke_reason"), QString("expired"));

        // Nothing left to reap.
        const CliResult again = runWrit({"task", "reap", "--db", m_copy->dsn()});
        QVERIFY2(again.exitCode == 0 && !again.out.contains(t.id), cliText(again));
    }

    void ttlAboveMaxIsCapped()
    {
        const Task t = start({"--ctx", "customer_id=42", "--ttl", "3h"});
        QVERIFY2(t.ok(), cliText(t.cli));
        QCOMPARE(t.ttlSeconds, 3600); // defaults.max_ttl: 1h
        QVERIFY2(t.cli.err.contains("capped") && t.cli.err.contains("1h"), cliText(t.cli));
        QCOMPARE(taskColumn(t.id, "round(extract(epoch FROM expires_at - created_at))"), QString("3600"));
        const QDateTime expires = QDateTime::fromString(t.expiresAt, Qt::ISODate);
        QVERIFY(expires.isValid());
        const qint64 remaining = QDateTime::currentDateTimeUtc().secsTo(expires);
        QVERIFY2(remaining > 3500 && remaining <= 3601, qPrintable(QString::number(remaining)));
        QCOMPARE(m_su.scalar("SELECT to_char(rolvaliduntil AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') FROM pg_roles "
                             "WHERE rolname = '"
                     + t.role + "'"),
            t.expiresAt);
        QVERIFY(runWrit({"task", "end", t.id, "--db", m_copy->dsn()}).exitCode == 0);

        // Within max_ttl: as asked, no notice.
        const Task shorter = start({"--ctx", "customer_id=42", "--ttl", "20m"});
        QVERIFY2(shorter.ok(), cliText(shorter.cli));
        QCOMPARE(shorter.ttlSeconds, 1200);
        QVERIFY2(!shorter.cli.err.contains("capped"), cliText(shorter.cli));
        QVERIFY(runWrit({"task", "end", shorter.id, "--db", m_copy->dsn()}).exitCode == 0);
    }

    void connectionLimitHolds()
    {
        const Task t = start({"--ctx", "customer_id=42", "--connection-limit", "1"});
        QVERIFY2(t.ok(), cliText(t.cli));
        Session first(t.uri), second;
        QVERIFY2(first.isOpen(), qPrintable(first.error()));
        QVERIFY2(!second.open(t.uri), "a second connection beyond the limit was accepted");
        QVERIFY2(second.error().contains("too many connections"), qPrintable(second.error()));
        QVERIFY(runWrit({"task", "end", t.id, "--db", m_copy->dsn()}).exitCode == 0);
    }

    void refusedRequests_data()
    {
        QTest::addColumn<QString>("agent");
        QTest::addColumn<QString>("task");
        QTest::addColumn<QStringList>("extra");
        QTest::addColumn<int>("exitCode");
        QTest::addColumn<QString>("message");
        const QString s = "support-summarizer", st = "summarize-tickets";
        QTest::newRow("unknown context key") << s << st << QStringList {"--ctx", "customer_id=42", "--ctx", "tenant=7"} << 1
                                             << "context key 'tenant' is not part of support-summarizer/summarize-tickets";
        QTest::newRow("key of another task type") << s << st << QStringList {"--ctx", "customer_id=42", "--ctx", "payment_id=7"}
                                                  << 1 << "context key 'payment_id' is not part of";
        QTest::newRow("wrong type") << s << st << QStringList {"--ctx", "customer_id=abc"} << 1
                                    << "context customer_id=abc is invalid: expected a 32-bit integer";
        QTest::newRow("int out of range") << s << st << QStringList {"--ctx", "customer_id=99999999999"} << 1
                                          << "expected a 32-bit integer";
        QTest::newRow("SQL in the value") << s << st << QStringList {"--ctx", "customer_id=42 OR true"} << 1
                                          << "expected a 32-bit integer";
        QTest::newRow("bigint wrong type") << "refund-bot"
                                           << "refund-payment"
                                           << QStringList {"--ctx", "payment_id=1.5", "--approved-by", "lead@example.com"} << 1
                                           << "expected a 64-bit integer";
        QTest::newRow("missing key") << s << st << QStringList {} << 1 << "context key 'customer_id' is required";
        QTest::newRow("unknown agent") << "nobody" << st << kSummarizer42 << 1 << "agent 'nobody' is not in the deployed policy";
        QTest::newRow("unknown task type") << s << "export-everything" << kSummarizer42 << 1
                                           << "has no task type 'export-everything'";
        QTest::newRow("approval missing") << "refund-bot"
                                          << "refund-payment" << QStringList {"--ctx", "payment_id=7"} << 1
                                          << "needs a human's approval";
        QTest::newRow("not key=value") << s << st << QStringList {"--ctx", "customer_id"} << 64 << "is not key=value";
        QTest::newRow("not a duration") << s << st << QStringList {"--ctx", "customer_id=42", "--ttl", "forever"} << 64
                                        << "is not a duration";
    }

    void refusedRequests()
    {
        QFETCH(QString, agent);
        QFETCH(QString, task);
        QFETCH(QStringList, extra);
        QFETCH(int, exitCode);
        QFETCH(QString, message);
        const QString before = counts();
        const Task t = startTask(m_copy->dsn(), agent, task, extra);
        QCOMPARE(t.cli.exitCode, exitCode);
        QVERIFY2(t.cli.err.contains(message), cliText(t.cli));
        QVERIFY(t.cli.out.isEmpty());
        QCOMPARE(counts(), before); // no task row, no role
    }

    void taskRoleCannotTouchTheRuntime()
    {
        const Task t = start();
        QVERIFY2(t.ok(), cliText(t.cli));
        Session s(t.uri);
        QVERIFY(s.isOpen());
        for (const QString &sql : {QString("SELECT * FROM writ.task"),
                 QString("UPDATE writ.task SET expires_at = now() + interval '1 year'"), QString("SELECT * FROM writ.approval"),
                 QString("SELECT * FROM writ.deployment"), QString("ALTER ROLE CURRENT_USER VALID UNTIL 'infinity'"),
                 QString("GRANT \"writ_support-summarizer/summarize-tickets\" TO helpdesk_app"),
                 QString("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = 'postgres'")}) {
            const SqlResult r = s.exec(sql);
            QVERIFY2(!r.ok, qPrintable("allowed: " + sql));
            QCOMPARE(r.sqlstate, QString("42501"));
        }
        QVERIFY(m_su.alive());
        QVERIFY(runWrit({"task", "end", t.id, "--db", m_copy->dsn()}).exitCode == 0);
    }

    void startRefusedWithoutDeployment()
    {
        DatabaseCopy bare(m_admin, "writ_tst_task_roles_bare");
        QString error;
        QVERIFY2(bare.create("supportdesk", &error), qPrintable(error));
        const Task t = startTask(bare.dsn(), "support-summarizer", "summarize-tickets", kSummarizer42);
        QCOMPARE(t.cli.exitCode, 1);
        QVERIFY2(t.cli.err.contains("no Writ policy is deployed"), cliText(t.cli));
    }
};

QTEST_GUILESS_MAIN(TestTaskRoles)
#include "tst_task_roles.moc"
