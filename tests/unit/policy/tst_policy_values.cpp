// SPDX-License-Identifier: Apache-2.0
#include "policy/policy.h"
#include "policy/policy_rules.h"

#include <QtTest>

using namespace writ::policy;

class TestPolicyValues : public QObject
{
    Q_OBJECT

private slots:
    void durations_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<int>("seconds"); // -1 = invalid
        QTest::addColumn<QString>("canonical");
        QTest::newRow("seconds") << "30s" << 30 << "30s";
        QTest::newRow("minutes") << "5m" << 300 << "5m";
        QTest::newRow("combined") << "1h30m" << 5400 << "1h30m";
        QTest::newRow("normalised") << "90s" << 90 << "1m30s";
        QTest::newRow("days") << "2d" << 172800 << "2d";
        QTest::newRow("bare number") << "300" << -1 << "";
        QTest::newRow("unknown unit") << "5w" << -1 << "";
        QTest::newRow("zero") << "0s" << -1 << "";
        QTest::newRow("negative") << "-5m" << -1 << "";
        QTest::newRow("spaces") << "5 m" << -1 << "";
        QTest::newRow("over a year") << "367d" << -1 << "";
        QTest::newRow("overflow") << "99999999999999999999h" << -1 << "";
        QTest::newRow("empty") << "" << -1 << "";
    }

    void durations()
    {
        QFETCH(QString, text);
        QFETCH(int, seconds);
        QFETCH(QString, canonical);
        const auto d = parseDuration(text.toStdString());
        if (seconds < 0) {
            QVERIFY(!d);
            return;
        }
        QVERIFY(d);
        QCOMPARE(int(d->count()), seconds);
        QCOMPARE(QString::fromStdString(formatDuration(*d)), canonical);
    }

    void masks_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<bool>("valid");
        QTest::addColumn<QString>("canonical");
        QTest::newRow("email") << "email" << true << "email";
        QTest::newRow("partial default") << "partial" << true << "partial";
        QTest::newRow("partial args") << "partial(2, 3)" << true << "partial(2,3)";
        QTest::newRow("partial default args collapse") << "partial(0,4)" << true << "partial";
        QTest::newRow("args on hash") << "hash(1,2)" << false << "";
        QTest::newRow("one arg") << "partial(2)" << false << "";
        QTest::newRow("negative") << "partial(-1,2)" << false << "";
        QTest::newRow("unknown") << "scramble" << false << "";
    }

    void masks()
    {
        QFETCH(QString, text);
        QFETCH(bool, valid);
        QFETCH(QString, canonical);
        const auto m = parseMask(text.toStdString());
        QCOMPARE(bool(m), valid);
        if (m)
            QCOMPARE(QString::fromStdString(formatMask(*m)), canonical);
    }

    void qualifiedNames()
    {
        QCOMPARE(parseQualifiedName("tickets")->toString(), std::string("public.tickets"));
        QCOMPARE(parseQualifiedName("sales.orders")->toString(), std::string("sales.orders"));
        QVERIFY(!parseQualifiedName("a.b.c"));
        QVERIFY(!parseQualifiedName("\"Quoted\""));
        QVERIFY(!parseQualifiedName("1abc"));
        QVERIFY(!parseQualifiedName(""));
        QCOMPARE(parseColumnRef("customers.email")->toString(), std::string("public.customers.email"));
        QVERIFY(!parseColumnRef("email"));
    }

    void spiffeIds_data()
    {
        QTest::addColumn<QString>("id");
        QTest::addColumn<bool>("valid");
        QTest::newRow("workload") << "spiffe://example.com/agents/bot" << true;
        QTest::newRow("no path") << "spiffe://example.com" << false;
        QTest::newRow("trailing slash") << "spiffe://example.com/a/" << false;
        QTest::newRow("uppercase domain") << "spiffe://Example.com/a" << false;
        QTest::newRow("dot dot") << "spiffe://example.com/a/../b" << false;
        QTest::newRow("empty segment") << "spiffe://example.com/a//b" << false;
        QTest::newRow("wrong scheme") << "https://example.com/a" << false;
        QTest::newRow("percent") << "spiffe://example.com/a%20b" << false;
    }

    void spiffeIds()
    {
        QFETCH(QString, id);
        QFETCH(bool, valid);
        QCOMPARE(!spiffeIdProblem(id.toStdString()).has_value(), valid);
    }

    void cidrs()
    {
        QVERIFY(isValidCidr("10.0.0.0/8"));
        QVERIFY(isValidCidr("127.0.0.1/32"));
        QVERIFY(isValidCidr("fd00::/8"));
        QVERIFY(!isValidCidr("10.0.0.0"));
        QVERIFY(!isValidCidr("10.0.0.0/33"));
        QVERIFY(!isValidCidr("10.0.0/8"));
        QVERIFY(!isValidCidr("fd00::/129"));
        QVERIFY(!isValidCidr("host/8"));
        QVERIFY(!isValidCidr("10.0.0.0/"));
    }

    void ids()
    {
        QVERIFY(isValidId("support-summarizer"));
        QVERIFY(isValidId("a_1"));
        QVERIFY(!isValidId("Upper"));
        QVERIFY(!isValidId("1st"));
        QVERIFY(!isValidId("has space"));
        QVERIFY(!isValidId(std::string(49, 'a')));
    }
};

QTEST_APPLESS_MAIN(TestPolicyValues)
#include "tst_policy_values.moc"
