// SPDX-License-Identifier: Apache-2.0
// The case file loader of `writ test`: every key read, defaults filled in, and every mistake reported
// with file:line:col instead of a case silently skipped or a crash.
#include "simulate/policy_tests.h"

#include "../../support/diagnostics_text.h"

#include <QtTest>

using namespace writ;
using namespace writ::simulate;

namespace {

QString data(const char *file)
{
    return QStringLiteral(WRIT_TEST_DATA_DIR "/simulate/") + QLatin1String(file);
}

/// The diagnostic whose message contains `needle`, or nullptr.
const Diagnostic *find(const Diagnostics &d, const std::string &needle)
{
    for (const auto &item : d.items())
        if (item.message.find(needle) != std::string::npos)
            return &item;
    return nullptr;
}

} // namespace

class TestPolicyTestsLoader : public QObject
{
    Q_OBJECT

private slots:
    void defaultsFillWhatACaseLeavesOut()
    {
        const TestFileLoad loaded = loadPolicyTestsFile(data("defaults.tests.yaml").toStdString());
        QVERIFY2(loaded.ok(), qPrintable(describe(loaded.diagnostics)));
        QCOMPARE(loaded.tests.cases.size(), std::size_t(3));

        const TestCase &first = loaded.tests.cases[0];
        QCOMPARE(first.name, std::string("inherits everything"));
        QCOMPARE(first.agent, std::string("support-summarizer"));
        QCOMPARE(first.task, std::string("summarize-tickets"));
        QCOMPARE(first.context, (std::map<std::string, std::string> {{"customer_id", "42"}}));
        QCOMPARE(first.environment, std::string("prod"));
        QCOMPARE(first.expect, decide::Verdict::Allow);
        QVERIFY(first.rule.empty());
        QCOMPARE(first.rows, std::optional<std::int64_t>(31));
        QVERIFY(first.native && first.native->succeed);
        QCOMPARE(first.location.line, 9);
        QCOMPARE(first.location.column, 5);
    }

    void caseKeysOverrideDefaults()
    {
        const TestFileLoad loaded = loadPolicyTestsFile(data("defaults.tests.yaml").toStdString());
        QVERIFY2(loaded.ok(), qPrintable(describe(loaded.diagnostics)));
        const TestCase &c = loaded.tests.cases[1];
        QCOMPARE(c.agent, std::string("refund-bot"));
        QCOMPARE(c.task, std::string("refund-payment"));
        QCOMPARE(c.context, (std::map<std::string, std::string> {{"payment_id", "7"}})); // replaced, not merged
        QCOMPARE(c.environment, std::string());
        QCOMPARE(c.sql, std::string("UPDATE payments\n   SET status = 'refunded'\n WHERE id = 7\n"));
        QCOMPARE(c.expect, decide::Verdict::ApprovalRequired);
        QCOMPARE(c.rule, std::string("bulk-read"));
        QVERIFY(!c.rows);
        QVERIFY(c.native && !c.native->succeed);
        QCOMPARE(c.native->sqlstate, std::string("42703"));
        QCOMPARE(c.reason, std::string("Only to exercise every key."));

        const TestCase &empty = loaded.tests.cases[2];
        QVERIFY(empty.context.empty());
        QCOMPARE(empty.expect, decide::Verdict::Deny);
        QVERIFY(empty.native && !empty.native->succeed);
        QCOMPARE(empty.native->sqlstate, std::string("42501"));
    }

    void nativeSpellings_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<bool>("valid");
        QTest::addColumn<bool>("succeed");
        QTest::addColumn<QString>("sqlstate");
        QTest::newRow("succeed") << "succeed" << true << true << "";
        QTest::newRow("deny is 42501") << "deny" << true << false << "42501";
        QTest::newRow("a SQLSTATE") << "42P01" << true << false << "42P01";
        QTest::newRow("lower case is no SQLSTATE") << "42p01" << false << false << "";
        QTest::newRow("too short") << "4250" << false << false << "";
        QTest::newRow("a word") << "fail" << false << false << "";
    }
    void nativeSpellings()
    {
        QFETCH(QString, text);
        QFETCH(bool, valid);
        QFETCH(bool, succeed);
        QFETCH(QString, sqlstate);
        const auto n = parseNativeExpectation(text.toStdString());
        QCOMPARE(n.has_value(), valid);
        if (!n)
            return;
        QCOMPARE(n->succeed, succeed);
        QCOMPARE(QString::fromStdString(n->sqlstate), sqlstate);
        QCOMPARE(parseNativeExpectation(toString(*n)), n); // round trip
    }

    void yamlSyntaxErrorNamesFileLineColumn()
    {
        const std::string file = data("malformed.tests.yaml").toStdString();
        const TestFileLoad loaded = loadPolicyTestsFile(file);
        QVERIFY(!loaded.ok());
        QCOMPARE(loaded.diagnostics.size(), std::size_t(1));
        const Diagnostic &d = loaded.diagnostics.items().front();
        QCOMPARE(d.code, std::string("tests.yaml-syntax"));
        QCOMPARE(d.location.file, file);
        // The flow mapping opened on line 12 never closes; the parser notices on the next line.
        QCOMPARE(d.location.line, 13);
        QCOMPARE(d.location.column, 8);
        QVERIFY2(d.message.find("end of map flow not found") != std::string::npos, d.message.c_str());
        QVERIFY(loaded.tests.cases.empty());
    }

    void everyMistakeIsReportedWhereItIs_data()
    {
        QTest::addColumn<QString>("needle");
        QTest::addColumn<QString>("code");
        QTest::addColumn<int>("line");
        QTest::addColumn<int>("column");
        QTest::newRow("misspelt key") << "unknown key 'expcet'" << "tests.unknown-key" << 7 << 5;
        QTest::newRow("verdict") << "expect 'allowed'" << "tests.bad-expect" << 10 << 13;
        QTest::newRow("rule") << "'column-scop'" << "tests.unknown-rule" << 14 << 11;
        QTest::newRow("rows") << "rows must be a whole number" << "tests.bad-rows" << 18 << 11;
        QTest::newRow("native") << "native 'maybe'" << "tests.bad-native" << 22 << 13;
        QTest::newRow("no sql") << "has no `sql`" << "tests.missing-key" << 23 << 5;
        QTest::newRow("duplicate name") << "two cases are named 'unknown key'" << "tests.duplicate-name" << 25 << 11;
    }
    void everyMistakeIsReportedWhereItIs()
    {
        QFETCH(QString, needle);
        QFETCH(QString, code);
        QFETCH(int, line);
        QFETCH(int, column);
        const std::string file = data("mistakes.tests.yaml").toStdString();
        const TestFileLoad loaded = loadPolicyTestsFile(file);
        QVERIFY(!loaded.ok());
        const Diagnostic *d = find(loaded.diagnostics, needle.toStdString());
        QVERIFY2(d, qPrintable(describe(loaded.diagnostics)));
        QCOMPARE(QString::fromStdString(d->code), code);
        QCOMPARE(d->location.file, file);
        QCOMPARE(d->location.line, line);
        QCOMPARE(d->location.column, column);
        QVERIFY2(!d->hint.empty() || code == "tests.duplicate-name" || code == "tests.bad-rows", qPrintable(describe(loaded.diagnostics)));
    }

    void misspeltKeySuggestsTheRightOne()
    {
        const TestFileLoad loaded = loadPolicyTestsFile(data("mistakes.tests.yaml").toStdString());
        const Diagnostic *key = find(loaded.diagnostics, "unknown key 'expcet'");
        QVERIFY(key);
        QVERIFY2(key->hint.find("did you mean 'expect'?") != std::string::npos, key->hint.c_str());
        const Diagnostic *rule = find(loaded.diagnostics, "'column-scop'");
        QVERIFY(rule);
        QVERIFY2(rule->hint.find("did you mean 'column-scope'?") != std::string::npos, rule->hint.c_str());
    }

    void structuralProblems_data()
    {
        QTest::addColumn<QString>("yaml");
        QTest::addColumn<QString>("code");
        QTest::newRow("empty file") << "" << "tests.empty";
        QTest::newRow("no cases") << "writ_tests: 1\n" << "tests.missing-key";
        QTest::newRow("cases not a list") << "cases: { a: b }\n" << "tests.expected-list";
        QTest::newRow("case not a map") << "cases: [ SELECT 1 ]\n" << "tests.expected-map";
        QTest::newRow("a list at the top") << "- a\n- b\n" << "tests.expected-map";
        QTest::newRow("newer format") << "writ_tests: 2\ncases: []\n" << "tests.version";
        QTest::newRow("ctx not a map") << "cases:\n  - { name: a, agent: x, task: y, sql: s, expect: allow, ctx: [1] }\n" << "tests.expected-map";
        QTest::newRow("empty sql") << "cases:\n  - { name: a, agent: x, task: y, sql: ' ', expect: allow }\n" << "tests.empty-sql";
        QTest::newRow("no agent anywhere") << "cases:\n  - { name: a, task: y, sql: s, expect: allow }\n" << "tests.missing-key";
        QTest::newRow("nul byte") << QString::fromLatin1("cases: []\n\0", 11) << "tests.nul-byte";
    }
    void structuralProblems()
    {
        QFETCH(QString, yaml);
        QFETCH(QString, code);
        const QByteArray text = yaml.toUtf8();
        const TestFileLoad loaded = loadPolicyTests(std::string_view(text.constData(), static_cast<std::size_t>(text.size())), "t.yaml");
        QVERIFY(!loaded.ok());
        bool found = false;
        for (const auto &d : loaded.diagnostics.items())
            found = found || d.code == code.toStdString();
        QVERIFY2(found, qPrintable(describe(loaded.diagnostics)));
        for (const auto &d : loaded.diagnostics.items())
            QCOMPARE(d.location.file, std::string("t.yaml"));
    }

    void invalidUtf8IsRefusedWithItsPlace()
    {
        const std::string text = "cases:\n  - name: caf\xE9\n";
        const TestFileLoad loaded = loadPolicyTests(text, "t.yaml");
        QVERIFY(!loaded.ok());
        const Diagnostic &d = loaded.diagnostics.items().front();
        QCOMPARE(d.code, std::string("tests.invalid-utf8"));
        QCOMPARE(d.location.line, 2);
        QCOMPARE(d.location.column, 14);
    }

    void aMissingFileIsADiagnostic()
    {
        const TestFileLoad loaded = loadPolicyTestsFile("/nonexistent/writ/cases.yaml");
        QVERIFY(!loaded.ok());
        QCOMPARE(loaded.diagnostics.items().front().code, std::string("tests.unreadable"));
    }

    void theDemoCaseFileLoads()
    {
        const TestFileLoad loaded = loadPolicyTestsFile(WRIT_SOURCE_DIR "/resources/demo/supportdesk.tests.yaml");
        QVERIFY2(loaded.ok(), qPrintable(describe(loaded.diagnostics)));
        QVERIFY(loaded.diagnostics.empty());
        // Every verdict and all three agents are covered.
        std::set<decide::Verdict> verdicts;
        std::set<std::string> agents;
        for (const auto &c : loaded.tests.cases) {
            verdicts.insert(c.expect);
            agents.insert(c.agent);
        }
        QCOMPARE(verdicts.size(), std::size_t(3));
        QCOMPARE(agents, (std::set<std::string> {"analytics-reporter", "refund-bot", "support-summarizer"}));
    }
};

QTEST_GUILESS_MAIN(TestPolicyTestsLoader)
#include "tst_policy_tests_loader.moc"
