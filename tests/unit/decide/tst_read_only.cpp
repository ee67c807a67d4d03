// SPDX-License-Identifier: Apache-2.0
// Which statements cannot change anything when run (the gateway sends those before their decision
// record is on file, and holds their answer until it is): plain reads, with or without the harmless
// built-ins; never a lock, a write hidden in a read, a setting, a user function, or a statement that
// keeps something in the session.

#include "decide_fixture.h"

#include "decide/read_only.h"
#include "sql/analyzer.h"

using namespace writ;

class TestReadOnly : public QObject
{
    Q_OBJECT

private:
    std::shared_ptr<const catalog::Catalog> m_catalog = test::loadRulesCatalog();
    std::shared_ptr<const policy::Policy> m_policy = test::loadRulesPolicy();
    decide::DecisionEngine m_engine{m_policy, m_catalog, "v1"};

private slots:
    void classifiesStatements_data()
    {
        QTest::addColumn<QString>("sql");
        QTest::addColumn<bool>("changesNothing");
        QTest::newRow("plain read") << "SELECT id, subject FROM public.tickets WHERE customer_id = 42" << true;
        QTest::newRow("parameter") << "SELECT id FROM tickets WHERE id = $1" << true;
        QTest::newRow("join, subquery, order") << "SELECT t.id, (SELECT count(*) FROM messages m WHERE m.ticket_id = t.id) "
                                                  "FROM tickets t JOIN customers c ON c.id = t.customer_id ORDER BY 1 LIMIT 5"
                                               << true;
        QTest::newRow("harmless built-ins") << "SELECT lower(subject), date_trunc('day', created_at), count(*) FROM tickets GROUP BY 1, 2"
                                            << true;
        QTest::newRow("no relation") << "SELECT 1" << true;
        QTest::newRow("Writ's context function") << "SELECT id FROM tickets WHERE customer_id = writ.ctx('customer_id')::int" << true;
        QTest::newRow("a user function in the writ schema") << "SELECT writ.publish_everything()" << false;
        QTest::newRow("read-only WITH") << "WITH t AS (SELECT id FROM tickets) SELECT * FROM t" << true;
        QTest::newRow("FOR UPDATE locks") << "SELECT id FROM tickets WHERE id = 1 FOR UPDATE" << false;
        QTest::newRow("FOR SHARE locks") << "SELECT id FROM tickets FOR SHARE" << false;
        QTest::newRow("SELECT INTO creates a table") << "SELECT id INTO new_table FROM tickets" << false;
        QTest::newRow("data-modifying WITH") << "WITH d AS (DELETE FROM tickets RETURNING id) SELECT * FROM d" << false;
        QTest::newRow("nextval advances") << "SELECT nextval('tickets_id_seq')" << false;
        QTest::newRow("set_config changes a setting") << "SELECT set_config('search_path', 'x', false)" << false;
        QTest::newRow("advisory lock") << "SELECT pg_advisory_lock(1)" << false;
        QTest::newRow("pg_sleep waits") << "SELECT pg_sleep(1)" << false;
        QTest::newRow("other built-in") << "SELECT md5(subject) FROM tickets" << false;
        QTest::newRow("user function") << "SELECT * FROM customer_lookup('a@example.com')" << false;
        QTest::newRow("user function named like a built-in") << "SELECT public.count(id) FROM tickets" << false;
        QTest::newRow("EXPLAIN") << "EXPLAIN SELECT id FROM tickets" << false;
        QTest::newRow("cursor") << "DECLARE c CURSOR FOR SELECT id FROM tickets" << false;
        QTest::newRow("PREPARE") << "PREPARE p AS SELECT id FROM tickets" << false;
        QTest::newRow("SHOW") << "SHOW search_path" << false;
        QTest::newRow("write") << "UPDATE tickets SET status = 'open' WHERE id = 1" << false;
        QTest::newRow("COPY out") << "COPY tickets TO STDOUT" << false;
        QTest::newRow("NOTIFY through a function") << "SELECT pg_notify('c', 'x')" << false;
    }

    void classifiesStatements()
    {
        QFETCH(QString, sql);
        QFETCH(bool, changesNothing);
        const sql::Analysis analysis = sql::analyze(sql.toStdString(), *m_catalog, {{"public"}});
        QVERIFY2(analysis.ok(), qPrintable(sql));
        QCOMPARE(analysis.statements.size(), std::size_t(1));
        QCOMPARE(decide::changesNothingWhenRun(analysis.statements.front()), changesNothing);
    }

    void theDecisionCarriesIt()
    {
        const auto context = test::summarizerContext();
        const auto read = m_engine.decide("SELECT id, subject FROM public.tickets WHERE customer_id = 42", context);
        QVERIFY(read->allowed());
        QVERIFY(read->changesNothing);
        // Two reads in one text: the flag is for one statement only.
        const auto two = m_engine.decide("SELECT id FROM public.tickets; SELECT id FROM public.tickets", context);
        QVERIFY(!two->changesNothing);
        const auto locking = m_engine.decide("SELECT id FROM public.tickets WHERE customer_id = 42 FOR UPDATE", context);
        QVERIFY(!locking->changesNothing);
        // Text the analyzer cannot read is denied, and never counts as a read that changes nothing.
        for (const std::string &garbage : {std::string("SELEC id FROM"), std::string("SELECT 'unterminated"), std::string("\x01\xff;;")}) {
            const auto d = m_engine.decide(garbage, context);
            QVERIFY2(!d->allowed() && !d->changesNothing, garbage.c_str());
        }
    }

    void onlyListedBuiltinsAreSideEffectFree()
    {
        QVERIFY(decide::isSideEffectFreeBuiltin("pg_catalog", "count"));
        QVERIFY(!decide::isSideEffectFreeBuiltin("public", "count"));
        QVERIFY(!decide::isSideEffectFreeBuiltin("pg_catalog", "nextval"));
        QVERIFY(!decide::isSideEffectFreeBuiltin("pg_catalog", "pg_terminate_backend"));
        QVERIFY(!decide::isSideEffectFreeBuiltin("pg_catalog", ""));
    }
};

QTEST_GUILESS_MAIN(TestReadOnly)
#include "tst_read_only.moc"
