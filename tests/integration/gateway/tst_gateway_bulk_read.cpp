// SPDX-License-Identifier: Apache-2.0
// Bulk reads through writ-gateway (ARCHITECTURE §6 rule 4): a read the planner expects to go over the
// task type's bulk_read_rows needs approval, whatever shape hides the rows — an aggregate or an
// ARRAY(...) returns one row holding everything it read, so every plan node counts, not the top one.
// A point read runs; an estimate inside a transaction block leaves the block usable; an approved bulk
// read runs once. Before the gateway starts, the copy of the demo database gives every ticket to one of
// two customers, so that the planner — which cannot see the task's context value behind the row filter
// and estimates with the column's distinct values — expects half the table for the task's customer.

#include "gateway_fixture.h"

using namespace gatewaytest;

class TestGatewayBulkRead : public QObject
{
    Q_OBJECT

private:
    GatewayFixture m_gw{QStringLiteral("writ_gw_bulk")};
    GatewayTask m_task;


private slots:
    void initTestCase()
    {
        m_gw.start({}, {"UPDATE tickets SET customer_id = CASE WHEN id % 2 = 0 THEN 77 ELSE 78 END", "ANALYZE tickets"});
        m_task = m_gw.startTask("support-summarizer", "summarize-tickets", {"customer_id=77"});
    }

    void bulkReadsNeedApproval_data()
    {
        QTest::addColumn<QString>("sql");
        QTest::newRow("plain read") << "SELECT id, subject FROM tickets";
        QTest::newRow("aggregate into one row") << "SELECT json_agg(t.subject) FROM tickets t";
        QTest::newRow("array of a sub-select") << "SELECT ARRAY(SELECT subject FROM tickets) AS everything";
        QTest::newRow("string_agg") << "SELECT string_agg(subject, ',') FROM tickets";
        QTest::newRow("limit above the threshold") << "SELECT id FROM tickets LIMIT 20000";
    }

    void bulkReadsNeedApproval()
    {
        QFETCH(QString, sql);
        Session agent(m_gw.gatewayDsn(m_task.credential));
        const SqlResult r = agent.exec(sql);
        QVERIFY2(!r.ok, "a bulk read ran without approval");
        QCOMPARE(r.sqlstate, QStringLiteral("42501"));
        QVERIFY2(r.error.contains("bulk_read") && !approvalIdIn(r.error).isEmpty(), qPrintable(r.error));
    }

    void smallReadsRun_data()
    {
        QTest::addColumn<QString>("sql");
        QTest::newRow("point read") << "SELECT subject FROM tickets WHERE id = 1";
        QTest::newRow("small limit") << "SELECT id FROM tickets LIMIT 50";
        QTest::newRow("parameter-free small range") << "SELECT id FROM tickets WHERE id < 10";
    }

    void smallReadsRun()
    {
        QFETCH(QString, sql);
        Session agent(m_gw.gatewayDsn(m_task.credential));
        const SqlResult r = agent.exec(sql);
        QVERIFY2(r.ok, qPrintable(r.error));
    }

    void estimateInsideATransactionKeepsItUsable()
    {
        Session agent(m_gw.gatewayDsn(m_task.credential));
        QVERIFY(agent.exec("BEGIN").ok);
        QVERIFY(agent.exec("SELECT id FROM tickets WHERE id < 10").ok);
        QVERIFY(!agent.exec("SELECT id, subject FROM tickets ORDER BY id").ok); // needs approval: aborts the block
        QCOMPARE(agent.exec("SELECT 1").sqlstate, QStringLiteral("25P02"));
        QVERIFY(agent.exec("ROLLBACK").ok);
        QVERIFY(agent.exec("BEGIN").ok);
        QVERIFY(agent.exec("SELECT subject FROM tickets WHERE id = 2").ok); // estimated inside the block
        QVERIFY(agent.exec("SELECT 1").ok);
        QVERIFY(agent.exec("COMMIT").ok);
    }

    void approvedBulkReadRunsOnce()
    {
        Session agent(m_gw.gatewayDsn(m_task.credential));
        const QString sql = QStringLiteral("SELECT count(*) FROM tickets");
        const QString id = approvalIdIn(agent.exec(sql).error);
        QVERIFY(!id.isEmpty());
        const auto approved = runWrit({"approve", id, "--db", m_gw.dsn, "--by", "lead"});
        QVERIFY2(approved.exitCode == 0, qPrintable(approved.err));
        const SqlResult r = agent.exec(sql);
        QVERIFY2(r.ok, qPrintable(r.error));
        QVERIFY(r.value().toInt() >= 15000); // half of the 40,000 tickets
        QVERIFY(!agent.exec(sql).ok); // once
    }
};

QTEST_GUILESS_MAIN(TestGatewayBulkRead)
#include "tst_gateway_bulk_read.moc"
