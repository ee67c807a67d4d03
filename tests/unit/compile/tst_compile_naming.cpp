// SPDX-License-Identifier: Apache-2.0
#include "compile/filter_sql.h"
#include "compile/naming.h"
#include "compile/sql_quote.h"
#include "policy/policy_loader.h"

#include <QtTest>

using namespace writ;
using namespace writ::compile;

class TestCompileNaming : public QObject
{
    Q_OBJECT

private slots:
    void quotingDoublesTheQuoteCharacter()
    {
        QCOMPARE(quoteIdent("plain"), std::string("\"plain\""));
        QCOMPARE(quoteIdent("Mixed \"Case\""), std::string("\"Mixed \"\"Case\"\"\""));
        QCOMPARE(quoteQualified("s", "t"), std::string("\"s\".\"t\""));
        QCOMPARE(quoteLiteral("it's"), std::string("'it''s'"));
        QCOMPARE(quoteLiteral("back\\slash"), std::string("'back\\slash'")); // standard_conforming_strings
    }

    void namesAreDeterministicAndFitPostgres()
    {
        const std::string agent(48, 'a'), task(48, 'b');
        const std::string role = taskTypeRoleName(agent, task);
        QVERIFY(role.size() <= kMaxIdentifierBytes);
        QCOMPARE(role, taskTypeRoleName(agent, task));
        QVERIFY(role != taskTypeRoleName(agent, std::string(47, 'b') + "c")); // the hash tells them apart
        QVERIFY(role.rfind("writ_", 0) == 0);
        QCOMPARE(taskTypeRoleName("bot", "read"), std::string("writ_bot/read"));
        QVERIFY(viewSchemaName(agent, task).size() <= kMaxIdentifierBytes);
        QVERIFY(isManagedName(jitRoleName("0123456789abcdef")));
    }

    void shorteningNeverSplitsAUtf8Character()
    {
        std::string text = "writ_";
        for (int i = 0; i < 40; ++i)
            text += "é"; // two bytes each
        const std::string shortened = shortenIdentifier(text);
        QVERIFY(shortened.size() <= kMaxIdentifierBytes);
        QVERIFY(QString::fromUtf8(shortened.c_str()).toUtf8().toStdString() == shortened);
        QVERIFY(!QString::fromUtf8(shortened.c_str()).contains(QChar::ReplacementCharacter));
    }

    void filtersThatCannotBeSplicedAreRefused_data()
    {
        QTest::addColumn<QString>("filter");
        QTest::addColumn<bool>("safe");
        QTest::newRow("plain") << "customer_id = $customer_id" << true;
        QTest::newRow("sub-select") << "id IN (SELECT id FROM t WHERE (a = 1))" << true;
        QTest::newRow("paren in literal") << "name = ')'" << true;
        QTest::newRow("escaped quote in E-string") << "name = E'\\')'" << true;
        QTest::newRow("quoted identifier with paren") << "\"we)ird\" = 1" << true;
        QTest::newRow("breaks out of USING") << "true) WITH CHECK (true" << false;
        QTest::newRow("semicolon") << "true; DROP TABLE t" << false;
        QTest::newRow("line comment eats the close paren") << "true --" << false;
        QTest::newRow("block comment") << "true /* x */" << false;
        QTest::newRow("dollar quote") << "name = $$x$$" << false;
        QTest::newRow("unclosed paren") << "(a = 1" << false;
        QTest::newRow("unterminated literal") << "name = 'abc" << false;
    }

    void filtersThatCannotBeSplicedAreRefused()
    {
        QFETCH(QString, filter);
        QFETCH(bool, safe);
        QCOMPARE(!filterSpliceProblem(filter.toStdString()).has_value(), safe);
    }

    void contextParametersBecomeTypedInitPlans()
    {
        const policy::LoadResult loaded = policy::loadPolicy(
            "writ: 1\nname: p\ndatabase: d\ncontext: { customer_id: int, region: text, since: date }\nagents: {}\n", "p.yaml");
        QVERIFY(loaded.ok());
        QCOMPARE(compileFilter("customer_id = $customer_id AND note <> '$region' AND day >= $since", loaded.policy),
                 std::string("customer_id = (SELECT writ.ctx('customer_id'))::integer AND note <> '$region' AND day >= "
                             "(SELECT writ.ctx('since'))::date"));
    }
};

QTEST_APPLESS_MAIN(TestCompileNaming)
#include "tst_compile_naming.moc"
