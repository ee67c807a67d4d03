// SPDX-License-Identifier: Apache-2.0
// The JUnit XML `writ test --junit` writes: well-formed whatever the case names and messages hold, and
// counting failures and errors the way CI report readers do.
#include "simulate/junit.h"

#include <QXmlStreamReader>
#include <QtTest>

using namespace writ::simulate;

namespace {

struct Parsed
{
    bool ok = false;
    QString error;
    int suites = 0;
    QMap<QString, QString> suiteAttributes;
    QStringList caseNames;
    QStringList failureMessages;
    QStringList failureTexts;
    int errors = 0;
};

Parsed parse(const std::string &xml)
{
    Parsed p;
    QXmlStreamReader r(QByteArray::fromStdString(xml));
    while (!r.atEnd()) {
        r.readNext();
        if (!r.isStartElement())
            continue;
        if (r.name() == QLatin1String("testsuite")) {
            ++p.suites;
            for (const auto &a : r.attributes())
                p.suiteAttributes[a.name().toString()] = a.value().toString();
        } else if (r.name() == QLatin1String("testcase")) {
            p.caseNames << r.attributes().value("name").toString();
        } else if (r.name() == QLatin1String("failure")) {
            p.failureMessages << r.attributes().value("message").toString();
            p.failureTexts << r.readElementText();
        } else if (r.name() == QLatin1String("error")) {
            ++p.errors;
        }
    }
    p.ok = !r.hasError();
    p.error = r.errorString();
    return p;
}

} // namespace

class TestJUnit : public QObject
{
    Q_OBJECT

private slots:
    void escapesElementText_data()
    {
        QTest::addColumn<QByteArray>("input");
        QTest::addColumn<QByteArray>("expected");
        QTest::newRow("markup") << QByteArray("a < b && c > d") << QByteArray("a &lt; b &amp;&amp; c &gt; d");
        QTest::newRow("quotes stay in text") << QByteArray("say \"hi\" 'x'") << QByteArray("say \"hi\" 'x'");
        QTest::newRow("line breaks stay") << QByteArray("one\ntwo\tthree") << QByteArray("one\ntwo\tthree");
        QTest::newRow("carriage return kept as reference") << QByteArray("a\rb") << QByteArray("a&#13;b");
        QTest::newRow("control character") << QByteArray("bell\x07!") << QByteArray("bell\xEF\xBF\xBD!");
        QTest::newRow("NUL") << QByteArray("a\0b", 3) << QByteArray("a\xEF\xBF\xBD" "b");
        QTest::newRow("invalid UTF-8") << QByteArray("caf\xE9!") << QByteArray("caf\xEF\xBF\xBD!");
        QTest::newRow("truncated sequence") << QByteArray("x\xE2\x82") << QByteArray("x\xEF\xBF\xBD\xEF\xBF\xBD");
        QTest::newRow("valid UTF-8 kept") << QByteArray("Müller € 😀") << QByteArray("Müller € 😀");
        QTest::newRow("noncharacter U+FFFF") << QByteArray("a\xEF\xBF\xBF") << QByteArray("a\xEF\xBF\xBD");
        QTest::newRow("CDATA end") << QByteArray("]]>") << QByteArray("]]&gt;");
    }
    void escapesElementText()
    {
        QFETCH(QByteArray, input);
        QFETCH(QByteArray, expected);
        const std::string out = xmlEscape(std::string_view(input.constData(), static_cast<std::size_t>(input.size())));
        QCOMPARE(QByteArray::fromStdString(out), expected);
    }

    void escapesAttributes()
    {
        QCOMPARE(xmlEscape("a\"b'c\nd\te<f&", true), std::string("a&quot;b&apos;c&#10;d&#9;e&lt;f&amp;"));
    }

    void writesAParsableReportThatCountsFailures()
    {
        JUnitSuite suite;
        suite.name = "cases <demo> & \"more\".yaml";
        suite.seconds = 1.25;
        suite.cases.push_back({"passes", "agent/task", 0.001, std::nullopt, std::nullopt, {}});
        suite.cases.push_back({"fails: a < b", "agent/task", 0.002, std::string("expected deny, got allow \"x\""), std::nullopt,
                               "sql: SELECT '<b>' & 1\nline two\x01"});
        suite.cases.push_back({"cannot run", "other/task", 0.0, std::nullopt, std::string("the task cannot start"), "details"});
        suite.cases.push_back({"fails too \xFF", "agent/task", 0.0, std::string("multi\nline"), std::nullopt, "x"});
        QCOMPARE(suite.failures(), std::size_t(2));
        QCOMPARE(suite.errors(), std::size_t(1));

        const std::string xml = writeJUnitXml(suite);
        const Parsed p = parse(xml);
        QVERIFY2(p.ok, qPrintable(p.error + "\n" + QString::fromStdString(xml)));
        QCOMPARE(p.suites, 1);
        QCOMPARE(p.suiteAttributes.value("name"), QString::fromUtf8("cases <demo> & \"more\".yaml"));
        QCOMPARE(p.suiteAttributes.value("tests"), QString("4"));
        QCOMPARE(p.suiteAttributes.value("failures"), QString("2"));
        QCOMPARE(p.suiteAttributes.value("errors"), QString("1"));
        QCOMPARE(p.suiteAttributes.value("time"), QString("1.250"));
        QCOMPARE(p.caseNames, (QStringList {"passes", "fails: a < b", "cannot run", QString::fromUtf8("fails too \xEF\xBF\xBD")}));
        QCOMPARE(p.failureMessages, (QStringList {"expected deny, got allow \"x\"", "multi\nline"}));
        QCOMPARE(p.failureTexts.front(), QString::fromUtf8("sql: SELECT '<b>' & 1\nline two\xEF\xBF\xBD"));
        QCOMPARE(p.errors, 1);
    }

    void anEmptySuiteIsStillAReport()
    {
        JUnitSuite suite;
        suite.name = "empty";
        const Parsed p = parse(writeJUnitXml(suite));
        QVERIFY2(p.ok, qPrintable(p.error));
        QCOMPARE(p.suites, 1);
        QCOMPARE(p.suiteAttributes.value("tests"), QString("0"));
        QVERIFY(p.caseNames.isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestJUnit)
#include "tst_junit.moc"
