// SPDX-License-Identifier: Apache-2.0
// The demo policy applied with `writ apply` to a private copy of the demo database, then exercised on
// real connections as the JIT roles `writ task start` creates: allowed queries return exactly the rows
// and columns the superuser computes for the task's context, everything else is refused natively
// (SQLSTATE 42501) or invisible, masked columns come back masked, the context cannot be forged, and the
// application that used the tables before keeps working with row-level security on.
//
// Needs the sandbox: scripts/pg-sandbox start && load-demo, eval "$(scripts/pg-sandbox env)".
#include "floor_db.h"

#include <QtTest>

#include <map>

using namespace floortest;

namespace {

constexpr const char *kCopy = "writ_tst_floor_behaviour";
constexpr const char *kDenied = "42501"; // insufficient_privilege, also a row-level security WITH CHECK violation

const QStringList kAppTables = {"customers", "tickets", "messages", "payments", "refunds", "internal_notes", "accounts"};

/// What writ.mask_email must make of an address: first character, ***, the domain.
QString maskedEmail(const QString &email)
{
    const int at = email.indexOf(QLatin1Char('@'));
    return email.left(1) + QStringLiteral("***@") + email.mid(at + 1);
}

} // namespace

class TestFloorBehaviour : public QObject
{
    Q_OBJECT

private:
    QString m_admin;
    std::unique_ptr<DatabaseCopy> m_copy;
    Session m_su; ///< superuser on the copy: the reference every expectation is computed with
    std::map<QString, QString> m_helpdeskCountsBefore;

    QString helpdeskDsn() const { return withCredentials(m_copy->dsn(), "helpdesk_app", "helpdesk"); }

    /// Starts a task and opens a session as its role; fails the calling test when either fails.
    bool connectAs(Session &session, Task &task, const QString &agent, const QString &taskType, const QStringList &extra)
    {
        task = startTask(m_copy->dsn(), agent, taskType, extra);
        if (!task.ok()) {
            qWarning("writ task start failed: %s", cliText(task.cli).constData());
            return false;
        }
        if (!session.open(task.uri)) {
            qWarning("cannot connect as %s: %s", qPrintable(task.role), qPrintable(session.error()));
            return false;
        }
        return true;
    }

    void endTask(const Task &task)
    {
        const CliResult r = runWrit({"task", "end", task.id, "--db", m_copy->dsn()});
        QVERIFY2(r.exitCode == 0, cliText(r));
    }

private slots:
    void initTestCase()
    {
        m_admin = requiredDsn("WRIT_TEST_ADMIN_DSN");
        m_copy = std::make_unique<DatabaseCopy>(m_admin, kCopy);
        QString error;
        QVERIFY2(m_copy->create("supportdesk", &error), qPrintable(error));
        QVERIFY2(m_su.open(m_copy->dsn()), qPrintable(m_su.error()));

        // The shared application login before Writ arrives.
        Session app(helpdeskDsn());
        QVERIFY2(app.isOpen(), qPrintable(app.error()));
        for (const QString &t : kAppTables) {
            const SqlResult r = app.exec("SELECT count(*) FROM public." + t);
            QVERIFY2(r.ok, r.describe());
            m_helpdeskCountsBefore[t] = r.value();
        }
        app.close();

        const CliResult applied = apply(demoPolicy(), m_copy->dsn());
        QVERIFY2(applied.exitCode == 0, cliText(applied));
        QVERIFY2(applied.out.contains("Applied deployment v1"), cliText(applied));
    }

    void cleanupTestCase()
    {
        m_su.close();
        m_copy.reset(); // ends the JIT roles left and drops the copy
    }

    // ---------------------------------------------------------------------------------------------
    // helpdesk_app and reporting: RLS is on now, and they must not notice.

    void helpdeskAppKeepsWorking()
    {
        QCOMPARE(
            m_su.scalar("SELECT count(*) FROM pg_class WHERE relname IN ('customers','tickets','messages','payments','refunds') "
                        "AND relnamespace = 'public'::regnamespace AND relrowsecurity"),
            QString("5"));
        Session app(helpdeskDsn());
        QVERIFY2(app.isOpen(), qPrintable(app.error()));
        for (const QString &t : kAppTables) {
            const SqlResult r = app.exec("SELECT count(*) FROM public." + t);
            QVERIFY2(r.ok, qPrintable(t + ": " + r.describe()));
            QVERIFY2(r.value() == m_helpdeskCountsBefore[t],
                qPrintable(t + ": " + r.value() + " rows after apply, " + m_helpdeskCountsBefore[t] + " before"));
        }
        // And it still writes: a ticket, an update, a note, a payment status, then cleans up.
        const SqlResult ticket = app.exec("INSERT INTO public.tickets (customer_id, subject, body, status, priority) "
                                          "VALUES (43, 'floor test', 'written by helpdesk_app', 'open', 'low') RETURNING id");
        QVERIFY2(ticket.ok && ticket.count() == 1, ticket.describe());
        const QString id = ticket.value();
        SqlResult r = app.exec("UPDATE public.tickets SET status = 'solved' WHERE id = " + id);
        QVERIFY2(r.ok && r.affected == 1, r.describe());
        r = app.exec("INSERT INTO public.internal_notes (ticket_id, author, body) VALUES (" + id + ", 'floor test', 'note')");
        QVERIFY2(r.ok && r.affected == 1, r.describe());
        r = app.exec("INSERT INTO public.messages (ticket_id, author_kind, author_name, body) VALUES (" + id
            + ", 'agent', 'floor test', 'hello')");
        QVERIFY2(r.ok && r.affected == 1, r.describe());
        r = app.exec("UPDATE public.customers SET city = city WHERE id = 43");
        QVERIFY2(r.ok && r.affected == 1, r.describe());
        r = app.exec("DELETE FROM public.tickets WHERE id = " + id); // cascades to the note and the message
        QVERIFY2(r.ok && r.affected == 1, r.describe());
        QCOMPARE(app.scalar("SELECT count(*) FROM public.tickets"), m_helpdeskCountsBefore["tickets"]);
    }

    void reportingKeepsReading()
    {
        // reporting is NOLOGIN: the superuser becomes it, and row security then applies to it.
        Session s(m_copy->dsn());
        QVERIFY(s.exec("SET ROLE reporting").ok);
        for (const QString &t : {QString("tickets"), QString("payments"), QString("accounts")}) {
            const SqlResult r = s.exec("SELECT count(*) FROM public." + t);
            QVERIFY2(r.ok, qPrintable(t + ": " + r.describe()));
            QCOMPARE(r.value(), m_su.scalar("SELECT count(*) FROM public." + t));
        }
    }

    void publicGrantWasReplaced()
    {
        // SELECT on internal_notes was granted to PUBLIC: every agent role would have inherited it.
        QCOMPARE(
            m_su.scalar("SELECT count(*) FROM pg_class c, aclexplode(c.relacl) a WHERE c.oid = 'public.internal_notes'::regclass "
                        "AND a.grantee = 0"),
            QString("0"));
        QCOMPARE(m_su.scalar("SELECT has_table_privilege('helpdesk_app', 'public.internal_notes', 'SELECT')"), QString("t"));
        QCOMPARE(m_su.scalar("SELECT has_table_privilege('reporting', 'public.internal_notes', 'SELECT')"), QString("t"));
    }

    // ---------------------------------------------------------------------------------------------
    // support-summarizer/summarize-tickets, customer 42

    void summarizerSeesExactlyItsCustomersRows()
    {
        Session s;
        Task t;
        QVERIFY(connectAs(s, t, "support-summarizer", "summarize-tickets", {"--ctx", "customer_id=42"}));

        const QString ticketCols = "id, subject, body, status, priority, customer_id, created_at";
        const SqlResult expectedTickets
            = m_su.exec("SELECT " + ticketCols + " FROM public.tickets WHERE customer_id = 42 ORDER BY id");
        QVERIFY(expectedTickets.count() > 0);
        for (const QString &from : {QString("public.tickets"), QString("tickets")}) {
            const SqlResult got = s.exec("SELECT " + ticketCols + " FROM " + from + " ORDER BY id");
            QVERIFY2(got.ok, got.describe());
            QCOMPARE(got.columns, expectedTickets.columns);
            QCOMPARE(got.count(), expectedTickets.count());
            QVERIFY(got.rows == expectedTickets.rows);
        }

        const QString messageCols = "id, ticket_id, author_kind, body, created_at";
        const SqlResult expectedMessages = m_su.exec("SELECT " + messageCols
            + " FROM public.messages WHERE ticket_id IN (SELECT id FROM public.tickets WHERE customer_id = 42) ORDER BY id");
        QVERIFY(expectedMessages.count() > 0);
        const SqlResult messages = s.exec("SELECT " + messageCols + " FROM public.messages ORDER BY id");
        QVERIFY2(messages.ok, messages.describe());
        QCOMPARE(messages.count(), expectedMessages.count());
        QVERIFY(messages.rows == expectedMessages.rows);

        // A join inside the scope works natively.
        const SqlResult joined = s.exec("SELECT count(*) FROM tickets t JOIN messages m ON m.ticket_id = t.id");
        QVERIFY2(joined.ok, joined.describe());
        QCOMPARE(joined.value().toInt(), expectedMessages.count());
        endTask(t);
    }

    void summarizerCannotSeeOtherCustomers()
    {
        Session s;
        Task t;
        QVERIFY(connectAs(s, t, "support-summarizer", "summarize-tickets", {"--ctx", "customer_id=42"}));
        QVERIFY(m_su.scalar("SELECT count(*) FROM public.tickets WHERE customer_id = 43").toInt() > 0);
        for (const QString &q : {QString("SELECT count(*) FROM public.tickets WHERE customer_id = 43"),
                 QString("SELECT count(*) FROM public.tickets WHERE customer_id <> 42"),
                 QString("SELECT count(*) FROM public.messages m WHERE m.ticket_id IN "
                         "(SELECT id FROM public.tickets WHERE customer_id = 43)"),
                 QString("SELECT count(*) FROM public.customers WHERE id <> 42"),
                 QString("SELECT count(*) FROM customers WHERE id = 43")}) {
            const SqlResult r = s.exec(q);
            QVERIFY2(r.ok, qPrintable(q + ": " + r.describe()));
            QVERIFY2(r.value() == "0", qPrintable(q + " returned " + r.value()));
        }
        endTask(t);
    }

    void summarizerColumnsOutOfScopeAreRefused_data()
    {
        QTest::addColumn<QString>("sql");
        QTest::newRow("tickets.account_id") << "SELECT account_id FROM public.tickets";
        QTest::newRow("tickets.closed_at") << "SELECT closed_at FROM tickets";
        QTest::newRow("tickets.*") << "SELECT * FROM public.tickets";
        QTest::newRow("in WHERE") << "SELECT id FROM public.tickets WHERE account_id IS NOT NULL";
        QTest::newRow("messages.author_name") << "SELECT author_name FROM public.messages";
        QTest::newRow("qualified masked email") << "SELECT email FROM public.customers";
        QTest::newRow("qualified masked email, table.column") << "SELECT public.customers.email FROM public.customers";
        QTest::newRow("customers.phone") << "SELECT phone FROM public.customers";
        QTest::newRow("count(email)") << "SELECT count(email) FROM public.customers";
    }

    void summarizerColumnsOutOfScopeAreRefused()
    {
        QFETCH(QString, sql);
        Session s;
        Task t;
        QVERIFY(connectAs(s, t, "support-summarizer", "summarize-tickets", {"--ctx", "customer_id=42"}));
        const SqlResult r = s.exec(sql);
        QVERIFY2(!r.ok, "allowed: " + sql.toUtf8());
        QCOMPARE(r.sqlstate, QString(kDenied));
        endTask(t);
    }

    void summarizerReadsMaskedEmail()
    {
        Session s;
        Task t;
        QVERIFY(connectAs(s, t, "support-summarizer", "summarize-tickets", {"--ctx", "customer_id=42"}));
        const SqlResult real = m_su.exec("SELECT id, name, email FROM public.customers WHERE id = 42");
        QCOMPARE(real.count(), 1);

        // Unqualified: the view schema is first on the role's search_path, so this is the masked view.
        const SqlResult masked = s.exec("SELECT id, name, email FROM customers");
        QVERIFY2(masked.ok, masked.describe());
        QCOMPARE(masked.columns, QStringList({"id", "name", "email"}));
        QCOMPARE(masked.count(), 1);
        QCOMPARE(masked.value(0, 0), QString("42"));
        QCOMPARE(masked.value(0, 1), real.value(0, 1));
        QCOMPARE(masked.value(0, 2), maskedEmail(real.value(0, 2)));
        QVERIFY(masked.value(0, 2) != real.value(0, 2));
        const SqlResult star = s.exec("SELECT * FROM customers");
        QVERIFY2(star.ok, star.describe());
        QCOMPARE(star.columns, QStringList({"id", "name", "email"}));
        QCOMPARE(star.value(0, 2), maskedEmail(real.value(0, 2)));

        // Qualified without the masked column: the base table, natively filtered.
        const SqlResult base = s.exec("SELECT id, name FROM public.customers");
        QVERIFY2(base.ok, base.describe());
        QCOMPARE(base.count(), 1);
        QCOMPARE(base.value(0, 0), QString("42"));

        // The view cannot be used to reach another customer or an unmasked column.
        SqlResult r = s.exec("SELECT count(*) FROM customers WHERE email LIKE '%'");
        QCOMPARE(r.value(), QString("1"));
        r = s.exec("SELECT phone FROM customers");
        QVERIFY2(!r.ok, "phone readable through the view");
        endTask(t);
    }

    void contextCannotBeForged()
    {
        Session s;
        Task t;
        QVERIFY(connectAs(s, t, "support-summarizer", "summarize-tickets", {"--ctx", "customer_id=42"}));
        const QString mine = m_su.scalar("SELECT count(*) FROM public.tickets WHERE customer_id = 42");
        QCOMPARE(s.scalar("SELECT writ.ctx('customer_id')"), QString("42"));

        QVERIFY(s.exec("SET writ.customer_id = '43'").ok);
        QVERIFY(s.exec("SELECT set_config('writ.customer_id', '43', false)").ok);
        QVERIFY(s.exec("SET writ.ctx = '43'").ok);
        QCOMPARE(s.scalar("SELECT writ.ctx('customer_id')"), QString("42"));
        QCOMPARE(s.scalar("SELECT count(*) FROM public.tickets"), mine);
        QCOMPARE(s.scalar("SELECT count(*) FROM public.tickets WHERE customer_id = 43"), QString("0"));

        // SET ROLE to its own task type changes current_user, not session_user: same context, same rows.
        SqlResult r = s.exec("SET ROLE \"writ_support-summarizer/summarize-tickets\"");
        QVERIFY2(r.ok, r.describe());
        QCOMPARE(s.scalar("SELECT count(*) FROM public.tickets"), mine);
        QCOMPARE(s.scalar("SELECT count(*) FROM public.tickets WHERE customer_id = 43"), QString("0"));
        QVERIFY(s.exec("RESET ROLE").ok);

        // Roles it is not a member of, and session authorization, are refused.
        for (const QString &sql : {QString("SET ROLE helpdesk_app"), QString("SET ROLE postgres"), QString("SET ROLE writ_owner"),
                 QString("SET ROLE \"writ_refund-bot/refund-payment\""), QString("SET SESSION AUTHORIZATION helpdesk_app"),
                 QString("SET ROLE reporting")}) {
            r = s.exec(sql);
            QVERIFY2(!r.ok, qPrintable("allowed: " + sql));
            QCOMPARE(r.sqlstate, QString(kDenied));
        }

        // The task table cannot be read or written; the context function cannot be replaced.
        for (const QString &sql :
            {QString("SELECT * FROM writ.task"), QString("UPDATE writ.task SET context = '{\"customer_id\": \"43\"}'"),
                QString("INSERT INTO writ.task (id, role, agent, task_type, expires_at) VALUES ('x', 'x', 'x', 'x', now())"),
                QString("SELECT * FROM writ.deployment"),
                QString("CREATE OR REPLACE FUNCTION writ.ctx(key text) RETURNS text LANGUAGE sql AS $$ SELECT '43' $$"),
                QString("CREATE TABLE public.forged (id int)")}) {
            r = s.exec(sql);
            QVERIFY2(!r.ok, qPrintable("allowed: " + sql));
            QCOMPARE(r.sqlstate, QString(kDenied));
        }
        QCOMPARE(s.scalar("SELECT count(*) FROM public.tickets"), mine);

        // Moving the view schema off the search_path reaches the base table, where email is refused.
        QVERIFY(s.exec("SET search_path = public").ok);
        r = s.exec("SELECT email FROM customers");
        QVERIFY(!r.ok);
        QCOMPARE(r.sqlstate, QString(kDenied));
        endTask(t);
    }

    void summarizerReachesNothingOutsideItsScope_data()
    {
        QTest::addColumn<QString>("sql");
        QTest::newRow("payments") << "SELECT id FROM public.payments";
        QTest::newRow("refunds") << "SELECT id FROM public.refunds";
        QTest::newRow("accounts") << "SELECT id FROM public.accounts";
        QTest::newRow("internal_notes (was PUBLIC)") << "SELECT id FROM public.internal_notes";
        QTest::newRow("open_tickets view") << "SELECT id FROM public.open_tickets";
        QTest::newRow("insert tickets") << "INSERT INTO public.tickets (customer_id, subject, body, status, priority) "
                                           "VALUES (42, 's', 'b', 'open', 'low')";
        QTest::newRow("update tickets") << "UPDATE public.tickets SET status = 'closed' WHERE customer_id = 42";
        QTest::newRow("delete messages") << "DELETE FROM public.messages";
    }

    void summarizerReachesNothingOutsideItsScope()
    {
        QFETCH(QString, sql);
        Session s;
        Task t;
        QVERIFY(connectAs(s, t, "support-summarizer", "summarize-tickets", {"--ctx", "customer_id=42"}));
        const SqlResult r = s.exec(sql);
        QVERIFY2(!r.ok, "allowed: " + sql.toUtf8());
        QCOMPARE(r.sqlstate, QString(kDenied));
        endTask(t);
    }

    void securityDefinerFunctionsExecutableByPublicAreClosed()
    {
        // public.customer_lookup(text) is SECURITY DEFINER, runs as its owner (a superuser) and is
        // executable by PUBLIC: through it the summarizer of customer 42 reads customer 43's phone.
        // ARCHITECTURE §5 (PUBLIC) says apply replaces that PUBLIC grant like the table grants.
        Session s;
        Task t;
        QVERIFY(connectAs(s, t, "support-summarizer", "summarize-tickets", {"--ctx", "customer_id=42"}));
        const QString other = m_su.scalar("SELECT email FROM public.customers WHERE id = 43");
        QVERIFY(s.exec("SET search_path = public").ok);
        const SqlResult r = s.exec("SELECT id, phone FROM public.customer_lookup('" + other + "')");
        QVERIFY2(!r.ok && r.sqlstate == kDenied, qPrintable("customer 43 through customer_lookup: " + r.value(0, 1)));
        // helpdesk_app must keep using it either way.
        Session app(helpdeskDsn());
        const SqlResult appCall = app.exec("SELECT id FROM public.customer_lookup('" + other + "')");
        QVERIFY2(appCall.ok && appCall.value() == "43", appCall.describe());
        endTask(t);
    }

    // ---------------------------------------------------------------------------------------------
    // refund-bot/refund-payment: approval required, one payment, status only

    void refundBotNeedsApproval()
    {
        const QString payment = m_su.scalar("SELECT min(id) FROM public.payments WHERE status = 'succeeded'");
        const Task refused = startTask(m_copy->dsn(), "refund-bot", "refund-payment", {"--ctx", "payment_id=" + payment});
        QCOMPARE(refused.cli.exitCode, 1);
        QVERIFY2(refused.cli.err.contains("approval") && refused.cli.err.contains("--approved-by"), cliText(refused.cli));
    }

    void refundBotUpdatesOnlyItsPaymentStatus()
    {
        const SqlResult two = m_su.exec("SELECT id FROM public.payments WHERE status = 'succeeded' ORDER BY id LIMIT 2");
        QCOMPARE(two.count(), 2);
        const QString mine = two.value(0), other = two.value(1);
        Session s;
        Task t;
        QVERIFY(connectAs(
            s, t, "refund-bot", "refund-payment", {"--ctx", "payment_id=" + mine, "--approved-by", "lead@example.com"}));

        const SqlResult expected
            = m_su.exec("SELECT id, customer_id, amount_cents, currency, status FROM public.payments WHERE id = " + mine);
        SqlResult r = s.exec("SELECT id, customer_id, amount_cents, currency, status FROM public.payments ORDER BY id");
        QVERIFY2(r.ok, r.describe());
        QCOMPARE(r.count(), 1);
        QVERIFY(r.rows == expected.rows);
        r = s.exec("SELECT card_last4 FROM public.payments");
        QCOMPARE(r.sqlstate, QString(kDenied));
        r = s.exec("SELECT account_id FROM public.payments");
        QCOMPARE(r.sqlstate, QString(kDenied));

        // Its payment, an allowed status.
        r = s.exec("UPDATE public.payments SET status = 'refund_pending' WHERE id = " + mine);
        QVERIFY2(r.ok && r.affected == 1, r.describe());
        QCOMPARE(m_su.scalar("SELECT status FROM public.payments WHERE id = " + mine), QString("refund_pending"));
        // A status outside the check: WITH CHECK violation.
        r = s.exec("UPDATE public.payments SET status = 'failed' WHERE id = " + mine);
        QVERIFY(!r.ok);
        QCOMPARE(r.sqlstate, QString(kDenied));
        QVERIFY2(r.error.contains("row-level security"), qPrintable(r.error));
        // Another column: not granted.
        r = s.exec("UPDATE public.payments SET amount_cents = 1 WHERE id = " + mine);
        QCOMPARE(r.sqlstate, QString(kDenied));
        // Another payment: invisible, so nothing is updated.
        const QString otherBefore = m_su.scalar("SELECT status FROM public.payments WHERE id = " + other);
        const QString othersRefunded
            = m_su.scalar("SELECT count(*) FROM public.payments WHERE status = 'refunded' AND id <> " + mine);
        r = s.exec("UPDATE public.payments SET status = 'refunded' WHERE id = " + other);
        QVERIFY2(r.ok, r.describe());
        QCOMPARE(r.affected, 0LL);
        // Even without a WHERE clause only its own payment changes.
        r = s.exec("UPDATE public.payments SET status = 'refunded'");
        QVERIFY2(r.ok, r.describe());
        QCOMPARE(r.affected, 1LL);
        QCOMPARE(m_su.scalar("SELECT status FROM public.payments WHERE id = " + mine), QString("refunded"));
        QCOMPARE(m_su.scalar("SELECT status FROM public.payments WHERE id = " + other), otherBefore);
        QCOMPARE(m_su.scalar("SELECT count(*) FROM public.payments WHERE status = 'refunded' AND id <> " + mine), othersRefunded);
        // Deleting is not in its scope.
        r = s.exec("DELETE FROM public.payments WHERE id = " + mine);
        QCOMPARE(r.sqlstate, QString(kDenied));
        endTask(t);
    }

    void refundBotInsertsRefundsOnlyForItsPayment()
    {
        const SqlResult two = m_su.exec("SELECT id, amount_cents FROM public.payments ORDER BY id LIMIT 2 OFFSET 10");
        const QString mine = two.value(0), other = two.value(1, 0);
        Session s;
        Task t;
        QVERIFY(connectAs(
            s, t, "refund-bot", "refund-payment", {"--ctx", "payment_id=" + mine, "--approved-by", "lead@example.com"}));
        const QString before = m_su.scalar("SELECT count(*) FROM public.refunds WHERE payment_id = " + mine);

        SqlResult r
            = s.exec("INSERT INTO public.refunds (payment_id, amount_cents, reason) VALUES (" + mine + ", 100, 'floor test')");
        QVERIFY2(r.ok && r.affected == 1, r.describe());
        QCOMPARE(
            m_su.scalar("SELECT count(*) FROM public.refunds WHERE payment_id = " + mine), QString::number(before.toInt() + 1));
        r = s.exec("INSERT INTO public.refunds (payment_id, amount_cents, reason, status) VALUES (" + mine
            + ", 100, 'floor test', 'requested')");
        QVERIFY2(r.ok && r.affected == 1, r.describe());

        // Another payment: WITH CHECK violation.
        r = s.exec("INSERT INTO public.refunds (payment_id, amount_cents, reason) VALUES (" + other + ", 100, 'floor test')");
        QVERIFY(!r.ok);
        QCOMPARE(r.sqlstate, QString(kDenied));
        QCOMPARE(m_su.scalar("SELECT count(*) FROM public.refunds WHERE reason = 'floor test' AND payment_id = " + other),
            QString("0"));
        // A column outside the scope, reading back, updating: refused.
        for (const QString &sql :
            {"INSERT INTO public.refunds (payment_id, amount_cents, reason, requested_at) VALUES (" + mine + ", 100, 'x', now())",
                "INSERT INTO public.refunds (payment_id, amount_cents, reason) VALUES (" + mine + ", 100, 'x') RETURNING id",
                QString("SELECT count(*) FROM public.refunds"), QString("UPDATE public.refunds SET status = 'completed'")}) {
            r = s.exec(sql);
            QVERIFY2(!r.ok, qPrintable("allowed: " + sql));
            QCOMPARE(r.sqlstate, QString(kDenied));
        }
        endTask(t);
    }

    // ---------------------------------------------------------------------------------------------
    // analytics-reporter/weekly-report: every row, no personal columns

    void analyticsReporterSeesAllRowsButNotTheText()
    {
        Session s;
        Task t;
        QVERIFY(connectAs(s, t, "analytics-reporter", "weekly-report", {}));
        SqlResult r = s.exec("SELECT count(*), count(closed_at), min(created_at)::text FROM public.tickets");
        QVERIFY2(r.ok, r.describe());
        QVERIFY(r.rows == m_su.exec("SELECT count(*), count(closed_at), min(created_at)::text FROM public.tickets").rows);
        r = s.exec("SELECT status, priority, count(*) FROM tickets GROUP BY 1, 2 ORDER BY 1, 2");
        QVERIFY2(r.ok, r.describe());
        QVERIFY(r.rows == m_su.exec("SELECT status, priority, count(*) FROM public.tickets GROUP BY 1, 2 ORDER BY 1, 2").rows);
        r = s.exec("SELECT sum(amount_cents), count(*) FROM public.payments");
        QVERIFY2(r.ok, r.describe());
        QVERIFY(r.rows == m_su.exec("SELECT sum(amount_cents), count(*) FROM public.payments").rows);
        r = s.exec("SELECT plan, count(*) FROM public.accounts GROUP BY 1 ORDER BY 1");
        QVERIFY2(r.ok, r.describe());
        QVERIFY(r.rows == m_su.exec("SELECT plan, count(*) FROM public.accounts GROUP BY 1 ORDER BY 1").rows);

        for (const QString &sql : {QString("SELECT subject FROM public.tickets"), QString("SELECT body FROM tickets"),
                 QString("SELECT customer_id FROM public.tickets"), QString("SELECT customer_id FROM public.payments"),
                 QString("SELECT card_last4 FROM public.payments"), QString("SELECT id FROM public.customers"),
                 QString("SELECT id FROM public.messages"), QString("SELECT id FROM public.internal_notes")}) {
            r = s.exec(sql);
            QVERIFY2(!r.ok, qPrintable("allowed: " + sql));
            QCOMPARE(r.sqlstate, QString(kDenied));
        }
        endTask(t);
    }
};

QTEST_GUILESS_MAIN(TestFloorBehaviour)
#include "tst_floor_behaviour.moc"
