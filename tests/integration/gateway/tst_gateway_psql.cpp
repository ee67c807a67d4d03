// SPDX-License-Identifier: Apache-2.0
// writ-gateway end to end with real clients (libpq, psql, pgbench) against a real PostgreSQL: task
// credentials, the floor behind the gateway, request-time denials with the rule and the fix,
// transaction semantics of a refusal, the Function Call message, revocation of live sessions, hostile
// bytes, and an audit log whose chain verifies.

#include "gateway_fixture.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>
#include <QTcpSocket>

using namespace gatewaytest;

class TestGatewayPsql : public QObject
{
    Q_OBJECT

private:
    GatewayFixture m_gw{QStringLiteral("writ_gw_psql")};
    GatewayTask m_task;

    QStringList psqlArgs() const
    {
        return {"-X", "-At", "-v", "ON_ERROR_STOP=0", "-v", "VERBOSITY=verbose",
                QStringLiteral("host=127.0.0.1 port=%1 dbname=writ_gw_psql user=agent sslmode=disable").arg(m_gw.port)};
    }

private slots:
    void initTestCase()
    {
        m_gw.start();
        m_task = m_gw.startTask("support-summarizer", "summarize-tickets", {"customer_id=42"});
        QVERIFY(!m_task.credential.isEmpty());
    }

    void allowedReadSeesOnlyTheTasksRows()
    {
        Session admin(m_gw.dsn);
        const QString expected = admin.scalar("SELECT count(*) FROM tickets WHERE customer_id = 42");
        QVERIFY(expected.toInt() > 0);
        Session agent(m_gw.gatewayDsn(m_task.credential));
        QVERIFY2(agent.alive(), qPrintable(m_gw.log()));
        const SqlResult r = agent.exec("SELECT count(*) FROM tickets");
        QVERIFY2(r.ok, r.describe());
        QCOMPARE(r.value(), expected);
        // The session runs as the task's JIT role and says so where DBAs look.
        const SqlResult who = agent.exec("SELECT session_user, current_setting('application_name')");
        QVERIFY(who.value(0, 0).startsWith("writ_task_"));
        QCOMPARE(who.value(0, 1), "writ:support-summarizer/" + m_task.id);
    }

    void deniedColumnNamesTheRuleAndTheFix()
    {
        Session agent(m_gw.gatewayDsn(m_task.credential));
        const SqlResult r = agent.exec("SELECT phone FROM public.customers");
        QVERIFY(!r.ok);
        QCOMPARE(r.sqlstate, QString("42501"));
        QVERIFY2(r.error.contains("column public.customers.phone is not in scope"), qPrintable(r.error));
        // The session goes on after a refusal.
        QVERIFY(agent.exec("SELECT 1").ok);
    }

    void qualifiedMaskedColumnReadsTheMaskedValue()
    {
        Session admin(m_gw.dsn);
        const QString real = admin.scalar("SELECT email FROM public.customers WHERE id = 42");
        QVERIFY(real.contains('@'));
        Session agent(m_gw.gatewayDsn(m_task.credential));
        const SqlResult unqualified = agent.exec("SELECT email FROM customers WHERE id = 42");
        QVERIFY2(unqualified.ok, unqualified.describe());
        const QString masked = unqualified.value();
        QVERIFY2(!masked.isEmpty() && masked != real, qPrintable(masked));
        // The qualified spellings read through the same masked view (PostgreSQL alone would refuse
        // them: the base column is not granted), in both protocols.
        for (const QString &sql : {QStringLiteral("SELECT email FROM public.customers WHERE id = 42"),
                                   QStringLiteral("SELECT public.customers.email FROM public.customers WHERE public.customers.id = 42"),
                                   QStringLiteral("SELECT c.email FROM \"public\".customers c JOIN public.tickets t ON t.customer_id = c.id LIMIT 1")}) {
            const SqlResult simple = agent.exec(sql);
            QVERIFY2(simple.ok, qPrintable(sql + ": " + simple.describe()));
            QCOMPARE(simple.value(), masked);
            const SqlResult extended = agent.execParams(sql, {});
            QVERIFY2(extended.ok, qPrintable(sql + ": " + extended.describe()));
            QCOMPARE(extended.value(), masked);
        }
        const SqlResult parameter = agent.execParams("SELECT email FROM public.customers WHERE id = $1", {"42"});
        QVERIFY2(parameter.ok, parameter.describe());
        QCOMPARE(parameter.value(), masked);
        // The row filter holds through the view: another customer's row stays out of reach.
        const SqlResult other = agent.exec("SELECT count(*) FROM public.customers WHERE email IS NOT NULL AND id <> 42");
        QVERIFY2(other.ok, other.describe());
        QCOMPARE(other.value(), QString("0"));
        // A write naming the masked base relation is not pointed at the view: the floor refuses it.
        QCOMPARE(agent.exec("UPDATE public.customers SET name = name WHERE email = 'x'").sqlstate, QString("42501"));
        // The audit records that the statement ran through the view.
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                QFile audit(m_gw.auditFile());
                return audit.open(QIODevice::ReadOnly) && audit.readAll().contains("read through the task's masked view");
            }(),
            5000);
    }

    void refusalAbortsTheTransactionLikeAServerError()
    {
        Session agent(m_gw.gatewayDsn(m_task.credential));
        QVERIFY(agent.exec("BEGIN").ok);
        QVERIFY(agent.exec("SELECT 1").ok);
        QCOMPARE(agent.exec("DROP TABLE tickets").sqlstate, QString("42501"));
        QCOMPARE(agent.exec("SELECT 2").sqlstate, QString("25P02")); // in_failed_sql_transaction
        QVERIFY(agent.exec("ROLLBACK").ok);
        QVERIFY(agent.exec("SELECT 3").ok);
    }

    void multiStatementEscapeIsRefusedWhole()
    {
        Session agent(m_gw.gatewayDsn(m_task.credential));
        const SqlResult r = agent.exec("COMMIT; DROP TABLE tickets");
        QCOMPARE(r.sqlstate, QString("42501"));
        Session admin(m_gw.dsn);
        QCOMPARE(admin.scalar("SELECT count(*) FROM pg_class WHERE relname = 'tickets'"), QString("1"));
    }

    void psqlShowsTheSqlstateAndHint()
    {
        const auto r = runTool("psql", psqlArgs() << "-c" << "SELECT id FROM tickets WHERE customer_id = 42 LIMIT 1"
                                                  << "-c" << "SELECT body FROM internal_notes",
                               m_task.credential);
        QVERIFY2(r.out.trimmed().toInt() > 0, qPrintable(r.out + r.err));
        QVERIFY2(r.err.contains("42501"), qPrintable(r.err));
        QVERIFY2(r.err.contains("relation public.internal_notes is not in scope"), qPrintable(r.err));
        QVERIFY2(r.err.contains("HINT:"), qPrintable(r.err));
    }

    void pgbenchInEveryQueryMode_data()
    {
        QTest::addColumn<QString>("mode");
        QTest::newRow("simple") << "simple";
        QTest::newRow("extended") << "extended";
        QTest::newRow("prepared") << "prepared";
    }

    void pgbenchInEveryQueryMode()
    {
        QFETCH(QString, mode);
        // A task per run: the demo task type allows 200 statements.
        const GatewayTask task = m_gw.startTask("support-summarizer", "summarize-tickets", {"customer_id=42"});
        QFile script(m_gw.path("bench-" + mode + ".sql"));
        QVERIFY(script.open(QIODevice::WriteOnly));
        script.write("\\set x random(1, 40000)\nSELECT id, status FROM tickets WHERE customer_id = 42 AND id > :x LIMIT 5;\n");
        script.close();
        // Four clients on the gateway's two I/O threads: sessions sharing a thread share audit writes.
        const auto r = runTool("pgbench", {"-n", "-f", script.fileName(), "-M", mode, "-t", "20", "-c", "4",
                                           QStringLiteral("host=127.0.0.1 port=%1 dbname=writ_gw_psql user=agent sslmode=disable").arg(m_gw.port)},
                               task.credential);
        QVERIFY2(r.exitCode == 0, qPrintable(r.out + r.err));
        QVERIFY2(r.out.contains("number of transactions actually processed: 80/80"), qPrintable(r.out));
        QVERIFY2(r.out.contains("number of failed transactions: 0"), qPrintable(r.out));

        // Every decision was on file before its statement ran: one per statement sent (prepared: one per
        // connection's Parse), each exactly once; every completion (on file within the sync interval) is
        // named by the same fingerprint as its decision; and the chain verifies.
        int decisions = 0;
        int completions = 0;
        QSet<QString> fingerprints;
        const auto readAudit = [&] {
            decisions = completions = 0;
            fingerprints.clear();
            QFile audit(m_gw.auditFile());
            if (!audit.open(QIODevice::ReadOnly))
                return;
            for (const QByteArray &line : audit.readAll().split('\n')) {
                const QJsonObject r = QJsonDocument::fromJson(line).object();
                if (r.value("task").toString() != task.id)
                    continue;
                const QString event = r.value("event").toString();
                decisions += event == "decision";
                completions += event == "statement";
                if (event == "decision" || event == "statement")
                    fingerprints.insert(r.value("fingerprint").toString());
            }
        };
        QTRY_VERIFY_WITH_TIMEOUT((readAudit(), completions == 80), 5000);
        QCOMPARE(decisions, mode == "prepared" ? 4 : 80);
        QCOMPARE(fingerprints.size(), 1);
        QVERIFY(QRegularExpression("^[0-9a-f]{16}$").match(*fingerprints.begin()).hasMatch());
        const auto verify = runWrit({"audit", "verify", m_gw.auditFile(), "--key-file", m_gw.path("audit.key")});
        QVERIFY2(verify.exitCode == 0, qPrintable(verify.out + verify.err));
    }

    void functionCallMessageIsRefused()
    {
        Session agent(m_gw.gatewayDsn(m_task.credential));
        QVERIFY(agent.alive());
        // lo_creat goes through the protocol's Function Call message (fast path).
        PGconn *conn = PQconnectdb(m_gw.gatewayDsn(m_task.credential).toUtf8().constData());
        QCOMPARE(PQstatus(conn), CONNECTION_OK);
        const Oid oid = lo_creat(conn, 0x40000);
        QCOMPARE(oid, Oid(0));
        QVERIFY2(QString::fromUtf8(PQerrorMessage(conn)).contains("Function Call"), PQerrorMessage(conn));
        PGresult *ok = PQexec(conn, "SELECT 1");
        QCOMPARE(PQresultStatus(ok), PGRES_TUPLES_OK);
        PQclear(ok);
        PQfinish(conn);
    }

    void forgedOrWrongCredentialsAreRefused_data()
    {
        QTest::addColumn<QString>("password");
        QTest::addColumn<QString>("expected");
        QTest::newRow("garbage") << "not-a-token" << "task credential refused";
        QTest::newRow("edited signature") << QString() << "task credential refused";
    }

    void forgedOrWrongCredentialsAreRefused()
    {
        QFETCH(QString, password);
        QFETCH(QString, expected);
        if (password.isEmpty()) {
            password = m_task.credential;
            password[password.size() - 3] = password[password.size() - 3] == 'A' ? 'B' : 'A';
        }
        Session agent;
        QVERIFY(!agent.open(m_gw.gatewayDsn(password)));
        QVERIFY2(agent.exec("SELECT 1").error.contains(expected) || m_gw.log().size() > 0, "refused");
        PGconn *conn = PQconnectdb(m_gw.gatewayDsn(password).toUtf8().constData());
        QCOMPARE(PQstatus(conn), CONNECTION_BAD);
        QVERIFY2(QString::fromUtf8(PQerrorMessage(conn)).contains(expected), PQerrorMessage(conn));
        PQfinish(conn);
    }

    void hostileBytesEndOnlyTheirOwnSession()
    {
        QTcpSocket raw;
        raw.connectToHost("127.0.0.1", static_cast<quint16>(m_gw.port));
        QVERIFY(raw.waitForConnected(5000));
        raw.write(QByteArray("\x7f\xff\xff\xff garbage", 12)); // a 2 GiB startup packet
        raw.waitForBytesWritten(1000);
        raw.waitForDisconnected(5000);
        QCOMPARE(raw.state(), QAbstractSocket::UnconnectedState);
        QVERIFY(m_gw.running());
        Session agent(m_gw.gatewayDsn(m_task.credential));
        QVERIFY(agent.exec("SELECT 1").ok);
    }

    void endingTheTaskEndsItsLiveSessionsWithinASecond()
    {
        const GatewayTask task = m_gw.startTask("support-summarizer", "summarize-tickets", {"customer_id=7"});
        Session agent(m_gw.gatewayDsn(task.credential));
        QVERIFY(agent.exec("SELECT 1").ok);
        const auto ended = runWrit({"task", "end", task.id, "--db", m_gw.dsn, "--reason", "test"});
        QCOMPARE(ended.exitCode, 0);
        QElapsedTimer t;
        t.start();
        QTest::qWait(1200);
        const SqlResult after = agent.exec("SELECT 1");
        QVERIFY2(!after.ok, "a session of an ended task still works");
        Session again;
        QVERIFY(!again.open(m_gw.gatewayDsn(task.credential)));
    }

    void auditLogVerifiesAndRecordsDenials()
    {
        const auto verify = runWrit({"audit", "verify", m_gw.auditFile(), "--key-file", m_gw.path("audit.key")});
        QVERIFY2(verify.exitCode == 0, qPrintable(verify.out + verify.err));
        QFile f(m_gw.auditFile());
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QString text = QString::fromUtf8(f.readAll());
        QVERIFY(text.contains("\"rule\":\"column-scope\""));
        QVERIFY(text.contains("\"verdict\":\"deny\""));
        QVERIFY(text.contains("\"event\":\"connect\""));
        QVERIFY(text.contains("\"event\":\"statement\""));
        QVERIFY(text.contains("\"rule\":\"authentication\""));
    }
};

QTEST_GUILESS_MAIN(TestGatewayPsql)
#include "tst_gateway_psql.moc"
