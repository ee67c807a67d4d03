// SPDX-License-Identifier: Apache-2.0
// Golden StatementFacts: every tests/data/sql/facts/<name>.sql is analyzed and its toJson() output
// compared with <name>.json. Leading comment lines of the form `-- catalog: pagila` and
// `-- search_path: reporting, public` choose the catalog snapshot (tests/data/catalog/, supportdesk
// by default) and the search_path; they are not part of the analyzed text.
// After an intended change of the analyzer: WRIT_UPDATE_GOLDEN=1 ctest -R tst_facts_golden, then
// review every changed golden by hand.

#include "catalog/catalog_json.h"
#include "sql/analyzer.h"
#include "sql/facts_json.h"

#include <QDir>
#include <QFile>
#include <QTest>

#include <map>

using namespace writ;

namespace {

const QString kFactsDir = QStringLiteral(WRIT_TEST_DATA_DIR "/sql/facts");

const catalog::Catalog &snapshot(const std::string &name)
{
    static std::map<std::string, catalog::Catalog> loaded;
    auto it = loaded.find(name);
    if (it == loaded.end())
        it = loaded.emplace(name, catalog::loadCatalogFile(std::string(WRIT_TEST_DATA_DIR "/catalog/") + name + ".json")).first;
    return it->second;
}

QString readFile(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? QString::fromUtf8(f.readAll()) : QString();
}

struct Case
{
    std::string sql;
    std::string catalog = "supportdesk";
    sql::AnalyzeOptions options;
};

Case parseCase(const QString &text)
{
    Case c;
    QStringList lines = text.split('\n');
    while (!lines.isEmpty() && lines.front().startsWith("-- ") && lines.front().contains(':')) {
        const QString header = lines.takeFirst().mid(3);
        const QString key = header.section(':', 0, 0).trimmed();
        const QString value = header.section(':', 1).trimmed();
        if (key == "catalog") {
            c.catalog = value.toStdString();
        } else if (key == "search_path") {
            c.options.searchPath.clear();
            for (const QString &s : value.split(','))
                c.options.searchPath.push_back(s.trimmed().toStdString());
        } else {
            break; // an ordinary comment: part of the text
        }
    }
    c.sql = lines.join('\n').toStdString();
    return c;
}

} // namespace

class TestFactsGolden : public QObject
{
    Q_OBJECT

private slots:
    void matchesGolden_data()
    {
        QTest::addColumn<QString>("name");
        const QStringList files = QDir(kFactsDir).entryList({"*.sql"}, QDir::Files, QDir::Name);
        QVERIFY2(files.size() >= 30, "expected the golden corpus in tests/data/sql/facts");
        for (const QString &f : files)
            QTest::newRow(qPrintable(f)) << f.chopped(4);
    }

    void matchesGolden()
    {
        QFETCH(QString, name);
        const Case c = parseCase(readFile(kFactsDir + "/" + name + ".sql"));
        const sql::Analysis a = sql::analyze(c.sql, snapshot(c.catalog), c.options);
        const QString actual = QString::fromStdString(sql::toJson(a));
        const QString goldenPath = kFactsDir + "/" + name + ".json";
        if (qEnvironmentVariableIntValue("WRIT_UPDATE_GOLDEN") == 1) {
            QFile f(goldenPath);
            QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
            f.write(actual.toUtf8());
            return;
        }
        QVERIFY2(QFile::exists(goldenPath), qPrintable("missing golden file " + goldenPath + " (create it with WRIT_UPDATE_GOLDEN=1)"));
        const QString expected = readFile(goldenPath);
        if (actual != expected) {
            const QStringList e = expected.split('\n');
            const QStringList g = actual.split('\n');
            int line = 0;
            while (line < e.size() && line < g.size() && e[line] == g[line])
                ++line;
            QFAIL(qPrintable(QString("%1.json differs from line %2:\n  expected: %3\n  actual:   %4\n"
                                     "(WRIT_UPDATE_GOLDEN=1 rewrites it; review the diff)")
                                 .arg(name)
                                 .arg(line + 1)
                                 .arg(line < e.size() ? e[line] : "<end>")
                                 .arg(line < g.size() ? g[line] : "<end>")));
        }
    }

    void goldensAreNotErrorsUnlessNamedSo()
    {
        // A golden that captured an analysis error by accident would pin the bug.
        const QStringList files = QDir(kFactsDir).entryList({"*.sql"}, QDir::Files, QDir::Name);
        for (const QString &f : files) {
            const Case c = parseCase(readFile(kFactsDir + "/" + f));
            const sql::Analysis a = sql::analyze(c.sql, snapshot(c.catalog), c.options);
            QVERIFY2(a.ok() || f.startsWith("error_"), qPrintable(f + ": " + QString::fromStdString(a.error ? a.error->message : "")));
        }
    }
};

QTEST_APPLESS_MAIN(TestFactsGolden)
#include "tst_facts_golden.moc"
