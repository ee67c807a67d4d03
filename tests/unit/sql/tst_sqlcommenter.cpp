// SPDX-License-Identifier: Apache-2.0
// The trace id of a sqlcommenter traceparent comment: found where ORMs put it, refused when malformed.

#include "sql/sqlcommenter.h"

#include <QtTest>

using writ::sql::sqlcommenterTraceId;

class TestSqlcommenter : public QObject
{
    Q_OBJECT

private slots:
    void traceId_data()
    {
        QTest::addColumn<QString>("sql");
        QTest::addColumn<QString>("expected");
        const QString id = "4bf92f3577b34da6a3ce929d0e0e4736";
        const QString tp = "00-" + id + "-00f067aa0ba902b7-01";
        QTest::newRow("only key") << "SELECT 1 /*traceparent='" + tp + "'*/" << id;
        QTest::newRow("among others") << "SELECT * FROM t /*action='list',controller='users',traceparent='" + tp + "',tracestate='x%3Dy'*/" << id;
        QTest::newRow("trailing semicolon") << "SELECT 1 /*traceparent='" + tp + "'*/;\n" << id;
        QTest::newRow("url encoded") << "SELECT 1 /*traceparent='00%2D" + id + "%2D00f067aa0ba902b7%2D01'*/" << id;
        QTest::newRow("no comment") << "SELECT 1" << "";
        QTest::newRow("comment not at the end") << "SELECT /*traceparent='" + tp + "'*/ 1" << "";
        QTest::newRow("other keys only") << "SELECT 1 /*action='list'*/" << "";
        QTest::newRow("version ff") << "SELECT 1 /*traceparent='ff-" + id + "-00f067aa0ba902b7-01'*/" << "";
        QTest::newRow("short id") << "SELECT 1 /*traceparent='00-4bf92f35-00f067aa0ba902b7-01'*/" << "";
        QTest::newRow("upper hex") << "SELECT 1 /*traceparent='00-" + id.toUpper() + "-00f067aa0ba902b7-01'*/" << "";
        QTest::newRow("zero trace id") << "SELECT 1 /*traceparent='00-" + QString(32, '0') + "-00f067aa0ba902b7-01'*/" << "";
        QTest::newRow("zero parent id") << "SELECT 1 /*traceparent='00-" + id + "-0000000000000000-01'*/" << "";
        QTest::newRow("unterminated value") << "SELECT 1 /*traceparent='" + tp + "*/" << "";
        QTest::newRow("bare comment") << "/**/" << "";
        QTest::newRow("unterminated comment") << "SELECT 1 /*traceparent='" + tp + "'" << "";
    }

    void traceId()
    {
        QFETCH(QString, sql);
        QFETCH(QString, expected);
        const auto got = sqlcommenterTraceId(sql.toStdString());
        QCOMPARE(QString::fromStdString(got.value_or("")), expected);
    }

    void hugeCommentIsIgnoredCheaply()
    {
        const std::string sql = "SELECT 1 /*" + std::string(1 << 20, 'a') + "*/";
        QVERIFY(!sqlcommenterTraceId(sql));
    }
};

QTEST_GUILESS_MAIN(TestSqlcommenter)
#include "tst_sqlcommenter.moc"
