// SPDX-License-Identifier: Apache-2.0
// Hostile input for analyze() and fingerprint(): size limits, NUL bytes, invalid UTF-8, empty and
// comment-only text, garbage, and 10,000-deep nesting of every kind that builds deep parse trees.
// Each case runs on this thread and again on a thread with a 1 MiB stack: the answer must be a clean
// Analysis::error (or a clean result), never a crash, a hang or a stack overflow.

#include "catalog/catalog_json.h"
#include "sql/analyzer.h"
#include "sql/nesting_scan.h"
#include "sql/raw_tree_info.h"

#include <QDir>
#include <QFile>
#include <QTest>

#include <pthread.h>

#include <chrono>
#include <functional>
#include <random>

using namespace writ;
using namespace writ::sql;

namespace {

const catalog::Catalog &supportdesk()
{
    static const catalog::Catalog c = catalog::loadCatalogFile(WRIT_TEST_DATA_DIR "/catalog/supportdesk.json");
    return c;
}

/// Runs fn on a thread whose stack is `stackBytes`.
void onSmallStack(std::size_t stackBytes, const std::function<void()> &fn)
{
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, stackBytes);
    pthread_t thread;
    auto *arg = const_cast<std::function<void()> *>(&fn);
    const int rc = pthread_create(&thread, &attr, [](void *p) -> void * { (*static_cast<std::function<void()> *>(p))(); return nullptr; }, arg);
    pthread_attr_destroy(&attr);
    QCOMPARE(rc, 0);
    pthread_join(thread, nullptr);
}

constexpr std::size_t kSmallStack = 1024 * 1024;

std::string repeat(std::string_view s, int n)
{
    std::string out;
    out.reserve(s.size() * static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i)
        out += s;
    return out;
}

/// Statements nesting `n` deep in each way the grammar allows.
std::vector<std::pair<const char *, std::string>> nested(int n)
{
    return {
        {"parentheses", "SELECT " + repeat("(", n) + "1" + repeat(")", n)},
        {"unary minus", "SELECT " + repeat("- ", n) + "1"},
        {"unary minus, no spaces", "SELECT " + repeat("+-", n / 2) + "1"},
        {"NOT", "SELECT " + repeat("NOT ", n) + "true"},
        {"sub-selects", "SELECT " + repeat("(SELECT ", n) + "1" + repeat(")", n)},
        {"ARRAY[]", "SELECT " + repeat("ARRAY[", n) + "1" + repeat("]", n)},
        {"function calls", "SELECT " + repeat("f(", n) + "1" + repeat(")", n)},
        {"CASE", "SELECT " + repeat("CASE WHEN true THEN ", n) + "1" + repeat(" END", n)},
        {"plus chain", "SELECT 1" + repeat("+1", n)},
        {"concatenation", "SELECT 'a'" + repeat(" || 'a'", n)},
        {"casts", "SELECT 1" + repeat("::int", n)},
        {"casts through WITH TIME ZONE", "SELECT now()" + repeat("::timestamp with time zone", n)},
        {"IS NULL", "SELECT 1" + repeat(" IS NULL", n)},
        {"COLLATE", "SELECT 'a'" + repeat(" COLLATE \"C\"", n)},
        {"AT TIME ZONE", "SELECT now()" + repeat(" AT TIME ZONE 'UTC'", n)},
        {"IN", "SELECT 1" + repeat(" IN (1)", n)},
        {"OPERATOR()", "SELECT 1" + repeat(" OPERATOR(pg_catalog.+) 1", n)},
        {"WITHIN GROUP", "SELECT 1" + repeat(" + percentile_cont(0.5) WITHIN GROUP (ORDER BY x)", n) + " FROM t"},
        {"UNION", "SELECT 1" + repeat(" UNION SELECT 1", n)},
        {"JOIN", "SELECT * FROM t0" + repeat(" JOIN t ON true", n)},
        {"nested WITH", repeat("WITH a AS (", n) + "SELECT 1" + repeat(") SELECT * FROM a", n)},
        {"row constructors", "SELECT " + repeat("ROW(", n) + "1" + repeat(")", n)},
        {"EXISTS", "SELECT " + repeat("EXISTS (SELECT ", n) + "1" + repeat(")", n)},
        {"ARRAY[] in IN lists", "SELECT 1 IN (" + repeat("ARRAY[", n) + "1" + repeat("]", n) + ")"},
    };
}

struct Outcome
{
    bool ok = false;
    std::string message;
};

Outcome analyzeOn(std::size_t stack, const std::string &sql)
{
    Outcome out;
    const auto run = [&] {
        const Analysis a = analyze(sql, supportdesk());
        out.ok = a.ok();
        out.message = a.error ? a.error->message : "";
    };
    if (stack == 0)
        run();
    else
        onSmallStack(stack, run);
    return out;
}

} // namespace

class TestAnalyzerRobustness : public QObject
{
    Q_OBJECT

private slots:
    void deepNestingIsRefusedCleanly_data()
    {
        QTest::addColumn<QString>("sql");
        QTest::addColumn<int>("stack");
        for (const auto &[name, sql] : nested(10'000)) {
            QTest::newRow(qPrintable(QString("%1, this thread").arg(name))) << QString::fromStdString(sql) << 0;
            QTest::newRow(qPrintable(QString("%1, 1 MiB stack").arg(name))) << QString::fromStdString(sql) << int(kSmallStack);
        }
    }

    void deepNestingIsRefusedCleanly()
    {
        QFETCH(QString, sql);
        QFETCH(int, stack);
        const auto t0 = std::chrono::steady_clock::now();
        const Outcome o = analyzeOn(static_cast<std::size_t>(stack), sql.toStdString());
        QVERIFY2(!o.ok, "10,000 levels must not be analyzed");
        QVERIFY2(o.message.find("nests deeper than 1000 levels") != std::string::npos, o.message.c_str());
        QVERIFY(!fingerprint(sql.toStdString()));
        // Refused by the pre-scan, before any parsing: fast.
        QVERIFY(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(2));
    }

    void moderateNestingIsAnalyzedEvenOnASmallStack_data()
    {
        // Deep enough that the pre-scan's bound does not fit a 1 MiB stack (the analyzer moves the
        // work to a thread with a large stack), shallow enough to be allowed.
        QTest::addColumn<QString>("sql");
        QTest::addColumn<int>("stack");
        for (const auto &[name, sql] : nested(300)) {
            QTest::newRow(qPrintable(QString("%1, this thread").arg(name))) << QString::fromStdString(sql) << 0;
            QTest::newRow(qPrintable(QString("%1, 1 MiB stack").arg(name))) << QString::fromStdString(sql) << int(kSmallStack);
        }
    }

    void moderateNestingIsAnalyzedEvenOnASmallStack()
    {
        QFETCH(QString, sql);
        QFETCH(int, stack);
        const Outcome o = analyzeOn(static_cast<std::size_t>(stack), sql.toStdString());
        QVERIFY2(o.ok, o.message.c_str());
    }

    void nestingInsideLiteralsAndCommentsDoesNotCount_data()
    {
        QTest::addColumn<QString>("sql");
        const std::string parens = repeat("(", 20'000);
        QTest::newRow("string") << QString::fromStdString("SELECT '" + parens + "'");
        QTest::newRow("E-string with escaped quote") << QString::fromStdString("SELECT E'\\'" + parens + "'");
        QTest::newRow("quoted identifier") << QString::fromStdString("SELECT 1 AS \"" + parens + "\"");
        QTest::newRow("dollar quote") << QString::fromStdString("SELECT $x$" + parens + "$x$");
        QTest::newRow("line comment") << QString::fromStdString("SELECT 1 -- " + parens + "\n");
        QTest::newRow("nested block comment") << QString::fromStdString("SELECT 1 /* /* */ " + parens + " */");
        QTest::newRow("DO body") << QString::fromStdString("DO $$BEGIN PERFORM " + parens + "; END$$");
    }

    void nestingInsideLiteralsAndCommentsDoesNotCount()
    {
        QFETCH(QString, sql);
        const Outcome o = analyzeOn(0, sql.toStdString());
        QVERIFY2(o.ok, o.message.c_str());
    }

    void preScanBoundsTheNestingItSees()
    {
        using detail::estimateNesting;
        QCOMPARE(estimateNesting("SELECT abalance FROM pgbench_accounts WHERE aid = 4711", 1000).nesting, 1);
        QCOMPARE(estimateNesting("SELECT ((1))", 1000).nesting, 2);
        QVERIFY(estimateNesting("SELECT 1 + 1 + 1 + 1", 1000).nesting >= 3);
        // AND/OR chains are flattened by the parser; commas separate.
        QVERIFY(estimateNesting("SELECT 1 WHERE a = 1 AND b = 2 AND c = 3 AND d = 4 AND e = 5", 1000).nesting <= 2);
        // A reserved word after a dot or AS is a name, and does not end a chain.
        QVERIFY(estimateNesting("SELECT - - - - t.and - - - - t.and - - - - t.and", 1000).nesting >= 12);
        QVERIFY(estimateNesting("SELECT 1 BETWEEN 1 AND 2 + 3 + 4", 1000).nesting >= 3);
        const auto e = estimateNesting("SELECT " + repeat("(", 2000), 1000);
        QVERIFY(e.exceeded);
        QCOMPARE(e.deepestAt, std::size_t(7 + 1000));
    }

    void preScanBoundsRealTrees()
    {
        // The bound the analyzer picks its stack by must hold for real trees: every example statement,
        // every golden, and every moderately nested statement above.
        std::vector<std::string> texts;
        QFile classes(QStringLiteral(WRIT_TEST_DATA_DIR "/sql/statement_classes.txt"));
        QVERIFY(classes.open(QIODevice::ReadOnly));
        while (!classes.atEnd()) {
            const QString line = QString::fromUtf8(classes.readLine()).trimmed();
            if (!line.isEmpty() && !line.startsWith('#'))
                texts.push_back(line.section('|', 2).trimmed().toStdString());
        }
        const QDir facts(QStringLiteral(WRIT_TEST_DATA_DIR "/sql/facts"));
        for (const QString &f : facts.entryList({"*.sql"}, QDir::Files)) {
            QFile file(facts.filePath(f));
            QVERIFY(file.open(QIODevice::ReadOnly));
            texts.push_back(file.readAll().toStdString());
        }
        for (const auto &[name, sql] : nested(150))
            texts.push_back(sql);
        int parsed = 0;
        for (const std::string &sql : texts) {
            const auto estimate = detail::estimateNesting(sql, kMaxNestingDepth);
            const int depth = detail::parsedTreeDepth(sql.c_str());
            if (depth < 0)
                continue;
            ++parsed;
            QVERIFY2(depth <= estimate.treeDepth,
                     qPrintable(QString("tree depth %1 > bound %2: %3").arg(depth).arg(estimate.treeDepth).arg(QString::fromStdString(sql.substr(0, 200)))));
        }
        QVERIFY(parsed > 150);
    }

    void sizeLimit()
    {
        const std::string prefix = "SELECT '";
        std::string atLimit = prefix + std::string(kMaxAnalyzeBytes - prefix.size() - 1, 'x') + "'";
        QCOMPARE(atLimit.size(), kMaxAnalyzeBytes);
        Outcome o = analyzeOn(0, atLimit);
        QVERIFY2(o.ok, o.message.c_str());
        o = analyzeOn(kSmallStack, atLimit);
        QVERIFY2(o.ok, o.message.c_str());

        atLimit.insert(prefix.size(), "y");
        o = analyzeOn(0, atLimit);
        QVERIFY(!o.ok);
        QVERIFY2(o.message.rfind("cannot analyze: the text is 1048577 bytes", 0) == 0, o.message.c_str());
    }

    void megabyteOfFlatExpressions()
    {
        // A 1 MiB IN list is deep in no way but large: it must finish, on a small stack too.
        std::string sql = "SELECT name FROM customers WHERE id IN (1";
        while (sql.size() + 3 < kMaxAnalyzeBytes)
            sql += ",1";
        sql += ")";
        const auto t0 = std::chrono::steady_clock::now();
        const Outcome o = analyzeOn(kSmallStack, sql);
        QVERIFY2(o.ok, o.message.c_str());
        QVERIFY(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(60));
    }

    void longFlatChainsAreNotNesting()
    {
        // Subscripts, AND lists and comma lists are flat in the parse tree: 10,000 of them are fine.
        for (const std::string &sql : {"SELECT x" + repeat("[1]", 10'000) + " FROM t",
                 "SELECT 1 FROM customers WHERE true" + repeat(" AND id = 1", 10'000),
                 "SELECT 1" + repeat(", 1", 10'000)}) {
            const Outcome o = analyzeOn(kSmallStack, sql);
            QVERIFY2(o.ok, o.message.c_str());
        }
    }

    void nulBytesAreRefused()
    {
        const std::string sql("SELECT 1;\0DROP TABLE customers", 30);
        const Analysis a = analyze(sql, supportdesk());
        QVERIFY(!a.ok());
        QCOMPARE(a.error->message, std::string("cannot analyze: the text contains a NUL byte"));
        QCOMPARE(a.error->offset, 9);
        QVERIFY(a.statements.empty());
    }

    void invalidUtf8IsRefused_data()
    {
        QTest::addColumn<QByteArray>("sql");
        QTest::addColumn<int>("offset");
        QTest::newRow("lone continuation byte") << QByteArray("SELECT '\x80'") << 8;
        QTest::newRow("truncated sequence") << QByteArray("SELECT 1 -- \xE2\x82") << 12;
        QTest::newRow("overlong slash") << QByteArray("SELECT '\xC0\xAF'") << 8;
        QTest::newRow("surrogate") << QByteArray("SELECT '\xED\xA0\x80'") << 8;
        QTest::newRow("in an identifier") << QByteArray("SELECT x\xFF FROM t") << 8;
    }

    void invalidUtf8IsRefused()
    {
        QFETCH(QByteArray, sql);
        QFETCH(int, offset);
        const Analysis a = analyze(sql.toStdString(), supportdesk());
        QVERIFY(!a.ok());
        QCOMPARE(a.error->message, std::string("cannot analyze: the text is not valid UTF-8"));
        QCOMPARE(a.error->offset, offset);
    }

    void emptyAndCommentOnlyTextHasNoStatements_data()
    {
        QTest::addColumn<QString>("sql");
        QTest::newRow("empty") << QString();
        QTest::newRow("blanks") << QString(" \n\t ");
        QTest::newRow("line comment") << QString("-- nothing here");
        QTest::newRow("block comment") << QString("/* nothing /* here */ */");
        QTest::newRow("semicolons") << QString(";;; ;");
    }

    void emptyAndCommentOnlyTextHasNoStatements()
    {
        QFETCH(QString, sql);
        const Analysis a = analyze(sql.toStdString(), supportdesk());
        QVERIFY2(a.ok(), a.error ? a.error->message.c_str() : "");
        QVERIFY(a.statements.empty());
    }

    void syntaxErrorsCarryTheParsersMessageAndByteOffset()
    {
        // The offset is in bytes, past the two-byte ü.
        const std::string sql = "SELECT 'ü' FORM customers";
        const Analysis a = analyze(sql, supportdesk());
        QVERIFY(!a.ok());
        QCOMPARE(a.error->message, std::string("syntax error at or near \"customers\""));
        QCOMPARE(a.error->offset, static_cast<int>(sql.find("customers")));
        QVERIFY(a.statements.empty());

        const Analysis b = analyze("SELECT 1; SELEC 2", supportdesk());
        QVERIFY(!b.ok());
        QCOMPARE(b.error->offset, 10);
        QVERIFY2(b.statements.empty(), "one bad statement fails the whole text");

        const Analysis c = analyze("SELECT 'unterminated", supportdesk());
        QVERIFY(!c.ok());
        QCOMPARE(c.error->message, std::string("unterminated quoted string at or near \"'unterminated\""));
    }

    void garbageNeverCrashes()
    {
        // Deterministic random bytes and random SQL-ish tokens; every answer is an Analysis.
        std::mt19937 rng(20240601);
        const std::vector<std::string> tokens = {"SELECT", "(", ")", "[", "]", "-", "+", "NOT", "CASE", "END", "'", "\"", "$$", "/*",
            "*/", "--", "\n", ",", ";", "FROM", "t", "1", "::", "AND", "BETWEEN", "E'\\'", "ARRAY", "WITH", "AS", "JOIN", "ON", "$1"};
        for (int round = 0; round < 400; ++round) {
            std::string sql;
            const int n = static_cast<int>(rng() % 200);
            for (int i = 0; i < n; ++i) {
                if (round % 2 == 0)
                    sql += tokens[rng() % tokens.size()] + " ";
                else
                    sql += static_cast<char>(1 + rng() % 255);
            }
            const Analysis a = analyze(sql, supportdesk());
            QVERIFY(a.ok() || a.error->offset >= -1);
            if (a.ok())
                for (const auto &s : a.statements)
                    QVERIFY(s.location >= 0 && static_cast<std::size_t>(s.location) + s.text.size() <= sql.size());
            fingerprint(sql);
        }
    }

    void multiStatementTextIsSplit()
    {
        const std::string sql = "  COMMIT ;\n  -- then\n DROP TABLE customers;  ";
        const Analysis a = analyze(sql, supportdesk());
        QVERIFY(a.ok());
        QCOMPARE(a.statements.size(), std::size_t(2));
        QCOMPARE(a.statements[0].text, std::string("COMMIT"));
        QCOMPARE(a.statements[0].location, 2);
        QCOMPARE(a.statements[0].kind, StatementClass::Transaction);
        QCOMPARE(a.statements[1].text, std::string("-- then\n DROP TABLE customers"));
        QCOMPARE(a.statements[1].location, static_cast<int>(sql.find("-- then")));
        QCOMPARE(a.statements[1].kind, StatementClass::Ddl);
    }

    void fingerprintIgnoresConstantsAndRefusesWhatDoesNotParse()
    {
        const auto a = fingerprint("SELECT name FROM customers WHERE id = 1");
        const auto b = fingerprint("select name from customers where id = 42");
        const auto c = fingerprint("SELECT email FROM customers WHERE id = 1");
        QVERIFY(a && b && c);
        QCOMPARE(*a, *b);
        QVERIFY(*a != *c);
        QVERIFY(!fingerprint("SELEC 1"));
        QVERIFY(!fingerprint(std::string("SELECT 1\0", 9)));
        QVERIFY(!fingerprint("SELECT '\xff'"));
    }

    void manyStatementsInOneText()
    {
        std::string sql;
        for (int i = 0; i < 20'000; ++i)
            sql += "SELECT " + std::to_string(i) + ";";
        const Analysis a = analyze(sql, supportdesk());
        QVERIFY(a.ok());
        QCOMPARE(a.statements.size(), std::size_t(20'000));
        QCOMPARE(a.statements.back().text, std::string("SELECT 19999"));
    }
};

QTEST_APPLESS_MAIN(TestAnalyzerRobustness)
#include "tst_analyzer_robustness.moc"
