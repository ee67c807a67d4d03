// SPDX-License-Identifier: Apache-2.0
#include "common/diagnostic.h"
#include "common/file_io.h"
#include "common/text.h"

#include <QtTest>

#include <sys/stat.h>

using namespace writ;

class TestText : public QObject
{
    Q_OBJECT

private slots:
    void utf8Validation_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<int>("invalidAt"); // -1 = valid
        QTest::newRow("ascii") << QByteArray("hello") << -1;
        QTest::newRow("two-byte") << QByteArray("Zo\xc3\xab") << -1;
        QTest::newRow("four-byte emoji") << QByteArray("a\xf0\x9f\x98\x80") << -1;
        QTest::newRow("lone continuation") << QByteArray("ab\x80") << 2;
        QTest::newRow("truncated sequence") << QByteArray("ab\xe6\x9d") << 2;
        QTest::newRow("overlong slash") << QByteArray("\xc0\xaf") << 0;
        QTest::newRow("surrogate") << QByteArray("x\xed\xa0\x80") << 1;
        QTest::newRow("beyond U+10FFFF") << QByteArray("\xf4\x90\x80\x80") << 0;
        QTest::newRow("0xff") << QByteArray("\xff") << 0;
    }

    void utf8Validation()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(int, invalidAt);
        const auto bad = findInvalidUtf8(std::string_view(bytes.constData(), std::size_t(bytes.size())));
        if (invalidAt < 0)
            QVERIFY(!bad);
        else
            QCOMPARE(int(bad.value_or(999)), invalidAt);
    }

    void lineColumnCountsCharacters()
    {
        const std::string text = "ab\nZoë x\n";
        QCOMPARE(lineColumnAt(text, 0).line, 1);
        QCOMPARE(lineColumnAt(text, 3).line, 2);
        QCOMPARE(lineColumnAt(text, 3).column, 1);
        // 'x' is byte 8 ('ë' takes two bytes) but character column 5.
        QCOMPARE(lineColumnAt(text, 8).column, 5);
        QCOMPARE(lineColumnAt(text, 1000).line, 3); // clamps
    }

    void closestMatchSuggestsOnlyPlausibleTypos()
    {
        const std::vector<std::string> keys = {"columns", "ops", "rows", "update_columns"};
        QCOMPARE(closestMatch("colums", keys).value_or(""), std::string("columns"));
        QCOMPARE(closestMatch("row", keys).value_or(""), std::string("rows"));
        QVERIFY(!closestMatch("banana", keys));
    }

    void diagnosticsFormatLikeACompiler()
    {
        Diagnostic d{Severity::Error, "policy.x", "something is wrong", "do this", {"p.yaml", 3, 7}};
        QCOMPARE(QString::fromStdString(formatDiagnostic(d)), QStringLiteral("p.yaml:3:7: error: something is wrong [policy.x]\n  hint: do this"));
        Diagnostics all;
        all.warning("b", "second", {}, {"p.yaml", 9, 1});
        all.error("a", "first", {}, {"p.yaml", 2, 1});
        all.sortByLocation();
        QCOMPARE(all.items().front().code, std::string("a"));
        QCOMPARE(all.errorCount(), std::size_t(1));
        QCOMPARE(all.warningCount(), std::size_t(1));
    }

    void atomicWriteReplacesAndKeepsMode()
    {
        QTemporaryDir dir;
        const std::string path = dir.filePath("f.yaml").toStdString();
        std::string error;
        QVERIFY(writeFileAtomically(path, "one", error));
        ::chmod(path.c_str(), 0600);
        QVERIFY(writeFileAtomically(path, "two", error));
        QCOMPARE(readTextFile(path, error).value_or(""), std::string("two"));
        struct stat st {};
        QCOMPARE(::stat(path.c_str(), &st), 0);
        QCOMPARE(int(st.st_mode & 0777), 0600);
        QVERIFY(!QFile::exists(QString::fromStdString(path + ".writ-tmp")));
        QVERIFY(!readTextFile(dir.path().toStdString(), error)); // a directory
        QVERIFY(!readTextFile(path, error, 2));                   // over the size limit
        QVERIFY(error.find("limit") != std::string::npos);
        QVERIFY(!writeFileAtomically("/nonexistent-dir/x", "x", error));
    }
};

QTEST_APPLESS_MAIN(TestText)
#include "tst_text.moc"
