// SPDX-License-Identifier: Apache-2.0
#include "policy/policy_loader.h"
#include "policy/policy_writer.h"
#include "policy/yaml_comments.h"

#include <QtTest>

#include "../../support/diagnostics_text.h"

#include <fstream>
#include <sstream>

using namespace writ;
using namespace writ::policy;

namespace {

std::string readFile(const std::string &path)
{
    std::ifstream in(path, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}


Policy loadOrFail(const std::string &text)
{
    const LoadResult r = loadPolicy(text, "x.yaml");
    if (r.diagnostics.hasErrors())
        qWarning("%s\n---\n%s", qPrintable(describe(r.diagnostics)), text.c_str());
    return r.policy;
}

} // namespace

class TestPolicyWriter : public QObject
{
    Q_OBJECT

private slots:
    void roundTrip_data()
    {
        QTest::addColumn<QString>("path");
        QTest::newRow("demo policy") << QStringLiteral(WRIT_SOURCE_DIR "/resources/demo/supportdesk.writ.yaml");
        QTest::newRow("every key") << QStringLiteral(WRIT_TEST_DATA_DIR "/policy/every-key.writ.yaml");
        QTest::newRow("awkward strings") << QStringLiteral(WRIT_TEST_DATA_DIR "/policy/awkward-strings.writ.yaml");
    }

    void roundTrip()
    {
        QFETCH(QString, path);
        const LoadResult first = loadPolicyFile(path.toStdString());
        QVERIFY2(first.ok(), qPrintable(describe(first.diagnostics)));
        const std::string saved = writePolicy(first.policy);
        const LoadResult second = loadPolicy(saved, "saved.yaml");
        QVERIFY2(second.ok(), qPrintable(describe(second.diagnostics) + "\n" + QString::fromStdString(saved)));
        QVERIFY2(second.policy == first.policy, "load -> save -> load must give an equal policy");
        QCOMPARE(writePolicy(second.policy), saved); // saving twice gives identical bytes
    }

    void canonicalFormMatchesGolden()
    {
        const LoadResult r = loadPolicyFile(WRIT_TEST_DATA_DIR "/policy/every-key.writ.yaml");
        QVERIFY2(r.ok(), qPrintable(describe(r.diagnostics)));
        const std::string golden = readFile(WRIT_TEST_DATA_DIR "/policy/every-key.canonical.yaml");
        QCOMPARE(QString::fromStdString(writePolicy(r.policy)), QString::fromStdString(golden));
    }

    void demoPolicyIsStoredCanonically()
    {
        const std::string path = WRIT_SOURCE_DIR "/resources/demo/supportdesk.writ.yaml";
        const LoadResult r = loadPolicyFile(path);
        QVERIFY2(r.ok(), qPrintable(describe(r.diagnostics)));
        QCOMPARE(QString::fromStdString(writePolicy(r.policy)), QString::fromStdString(readFile(path)));
    }

    void oneFieldChangeIsOneLineDiff()
    {
        const LoadResult r = loadPolicyFile(WRIT_SOURCE_DIR "/resources/demo/supportdesk.writ.yaml");
        QVERIFY(r.ok());
        Policy changed = r.policy;
        auto &scope = changed.agents.front().tasks.front().access.front();
        QVERIFY(scope.columns);
        scope.columns->push_back("closed_at");
        const QStringList before = QString::fromStdString(writePolicy(r.policy)).split('\n');
        const QStringList after = QString::fromStdString(writePolicy(changed)).split('\n');
        QCOMPARE(after.size(), before.size());
        int differing = 0;
        for (int i = 0; i < before.size(); ++i)
            differing += before[i] != after[i];
        QCOMPARE(differing, 1);
    }

    void scalarsQuoteOnlyWhenNeeded_data()
    {
        QTest::addColumn<QString>("value");
        QTest::addColumn<QString>("expected");
        QTest::newRow("word") << "pii" << "pii";
        QTest::newRow("dotted") << "public.customers" << "public.customers";
        QTest::newRow("email") << "team@example.com" << "team@example.com";
        QTest::newRow("bool-like yes") << "yes" << "\"yes\"";
        QTest::newRow("bool-like Off") << "Off" << "\"Off\"";
        QTest::newRow("null-like") << "null" << "\"null\"";
        QTest::newRow("number-like") << "1.5" << "\"1.5\"";
        QTest::newRow("colon") << "a: b" << "\"a: b\"";
        QTest::newRow("url") << "https://x" << "\"https://x\"";
        QTest::newRow("hash") << "#tag" << "\"#tag\"";
        QTest::newRow("leading dash") << "-x" << "\"-x\"";
        QTest::newRow("empty") << "" << "\"\"";
        QTest::newRow("quote and backslash") << "a \"b\" \\c" << "\"a \\\"b\\\" \\\\c\"";
        QTest::newRow("newline and tab") << "a\nb\tc" << "\"a\\nb\\tc\"";
        QTest::newRow("control char") << QString(QChar(0x01)) << "\"\\x01\"";
        QTest::newRow("non-ascii stays readable") << "Zoë's café" << "\"Zoë's café\"";
    }

    void scalarsQuoteOnlyWhenNeeded()
    {
        QFETCH(QString, value);
        QFETCH(QString, expected);
        QCOMPARE(QString::fromStdString(yamlScalar(value.toStdString())), expected);
    }

    void longScopesSwitchToBlockForm()
    {
        const std::string text = readFile(WRIT_TEST_DATA_DIR "/policy/long-scope.writ.yaml");
        const std::string out = writePolicy(loadOrFail(text));
        QVERIFY2(out.find("          public.short: { ops: [select] }\n") != std::string::npos, out.c_str());
        QVERIFY2(out.find("          public.long:\n            ops: [select]\n            columns: [") != std::string::npos, out.c_str());
        for (const auto &line : QString::fromStdString(out).split('\n'))
            QVERIFY2(std::size_t(line.size()) <= kCanonicalLineWidth, qPrintable(line));
    }

    void commentsAreCounted()
    {
        QCOMPARE(countYamlComments("# top\nname: x # trailing\nrows: \"a # not a comment\"\nurl: a#b\n"), 2);
        QCOMPARE(countYamlComments("name: x\n"), 0);
    }
};

QTEST_APPLESS_MAIN(TestPolicyWriter)
#include "tst_policy_writer.moc"
