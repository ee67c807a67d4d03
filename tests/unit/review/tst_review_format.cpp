// SPDX-License-Identifier: Apache-2.0
// The three forms of a review, compared with golden files in tests/data/review/:
// base.writ.yaml -> sample.writ.yaml against the analyzed supportdesk snapshot, with the witnesses
// that can be planned without a database. WRIT_UPDATE_GOLDEN=1 rewrites the goldens instead.
#include "catalog/catalog_json.h"
#include "review/review.h"
#include "review/review_format.h"
#include "review/witness.h"
#include "review_fixtures.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

using namespace writ;
using namespace writ::review;

namespace {

Review sampleReview(const QString &newName)
{
    const auto o = loadFixture("base");
    const auto n = loadFixture(newName);
    static const catalog::Catalog cat = catalog::loadCatalogFile(WRIT_TEST_DATA_DIR "/review/supportdesk-analyzed.catalog.json");
    PolicyDiff diff = diffPolicies(o.policy, n.policy);
    locateChanges(diff, o.sources, n.sources);
    Review r = buildReview(o.policy, n.policy, std::move(diff), &cat);
    r.oldLabel = "base.writ.yaml";
    r.newLabel = (newName + ".writ.yaml").toStdString();
    r.witnessed = true;
    r.database = cat.database;
    r.witnesses = planWitnesses(o.policy, n.policy, cat, {}); // no --ctx: row witnesses say what they need
    return r;
}

/// Empty when `actual` matches the golden file (or after rewriting it with WRIT_UPDATE_GOLDEN=1).
QString compareGolden(const QString &file, const std::string &actualText)
{
    const QByteArray actual = QByteArray::fromStdString(actualText);
    const QString path = reviewData(file);
    if (qEnvironmentVariableIntValue("WRIT_UPDATE_GOLDEN") == 1) {
        QFile f(path);
        if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate) || f.write(actual) != actual.size())
            return "cannot write " + path;
        qInfo("updated %s", qPrintable(path));
    }
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return path + " does not exist; create it with WRIT_UPDATE_GOLDEN=1";
    const QByteArray expected = f.readAll();
    if (actual == expected)
        return {};
    const QList<QByteArray> a = actual.split('\n'), e = expected.split('\n');
    int line = 0;
    while (line < a.size() && line < e.size() && a[line] == e[line])
        ++line;
    return QStringLiteral(
        "%1 differs at line %2:\n  golden: %3\n  actual: %4\n(WRIT_UPDATE_GOLDEN=1 rewrites it; review the diff)")
        .arg(path)
        .arg(line + 1)
        .arg(QString::fromUtf8(line < e.size() ? e[line] : "<end of file>"),
            QString::fromUtf8(line < a.size() ? a[line] : "<end of file>"));
}

} // namespace

class TestReviewFormat : public QObject
{
    Q_OBJECT

private slots:
    void goldens_data()
    {
        QTest::addColumn<QString>("newName");
        QTest::addColumn<QString>("format");
        QTest::addColumn<QString>("golden");
        for (const char *format : {"md", "json", "txt"}) {
            QTest::newRow(qPrintable(QStringLiteral("sample %1").arg(format)))
                << "sample" << format << QStringLiteral("sample.%1").arg(format);
            QTest::newRow(qPrintable(QStringLiteral("no changes %1").arg(format)))
                << "formatted" << format << QStringLiteral("formatted.%1").arg(format);
        }
    }

    void goldens()
    {
        QFETCH(QString, newName);
        QFETCH(QString, format);
        QFETCH(QString, golden);
        const Review r = sampleReview(newName);
        const std::string text = format == "md" ? formatMarkdown(r) : format == "json" ? formatJson(r) : formatText(r);
        const QString problem = compareGolden(golden, text);
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
    }

    void markdownSummaryAndTables()
    {
        const std::string md = formatMarkdown(sampleReview("sample"));
        const QString text = QString::fromStdString(md);
        const Review r = sampleReview("sample");
        const QString summary = QStringLiteral("**%1**").arg(QString::fromStdString(summaryLine(r.diff)));
        QVERIFY2(text.contains(summary), qPrintable(text));
        QVERIFY(summary.contains(QStringLiteral("widen")));
        // A '|' inside a value is escaped, so the table keeps its four columns.
        for (const QString &line : text.split('\n')) {
            if (!line.startsWith(QLatin1String("| ")) || line.startsWith(QLatin1String("| | before")))
                continue;
            QString unescaped = line;
            unescaped.remove(QStringLiteral("\\|"));
            QVERIFY2(unescaped.count('|') == 5 || unescaped.count('|') == 4, qPrintable(line));
        }
        QVERIFY(text.contains(QStringLiteral("where country \\|\\| '' <> 'XX'`"))); // escaped inside the table ...
        QVERIFY(text.contains(QStringLiteral("`Customers per country | plan.`"))); // ... but not in a list item
    }

    void summaryLineCountsByDirection()
    {
        PolicyDiff d;
        QCOMPARE(summaryLine(d), std::string("no changes"));
        for (Risk risk : {Risk::Widens, Risk::Widens, Risk::Narrows}) {
            Change c;
            c.risk = risk;
            d.changes.push_back(c);
        }
        QCOMPARE(summaryLine(d), std::string("3 changes: 2 widen, 1 narrows"));
        d.changes.resize(1);
        QCOMPARE(summaryLine(d), std::string("1 change: 1 widens"));
    }

    void jsonKeysAreStable()
    {
        const QJsonObject root = QJsonDocument::fromJson(QByteArray::fromStdString(formatJson(sampleReview("sample")))).object();
        QCOMPARE(root.keys(),
            QStringList({"blast_radius", "catalog", "changes", "impact", "new", "old", "policy", "summary", "witness", "writ_review"}));
        QVERIFY(root.value("impact").isNull()); // no audit file given
        QCOMPARE(root.value("writ_review").toInt(), kReviewJsonVersion);
        const QJsonArray changes = root.value("changes").toArray();
        QVERIFY(!changes.isEmpty());
        for (const auto &c : changes) // every change carries every key, null when it does not apply
            QCOMPARE(c.toObject().keys(),
                QStringList({"after", "agent", "before", "field", "items", "kind", "level", "location", "path", "reason",
                    "relation", "risk", "target", "task", "why"}));
        const QJsonObject summary = root.value("summary").toObject();
        QCOMPARE(summary.value("changes").toInt(), changes.size());
        QCOMPARE(summary.value("widens").toInt() + summary.value("narrows").toInt() + summary.value("neutral").toInt(),
            changes.size());
        for (const auto &w : root.value("witness").toObject().value("witnesses").toArray())
            QCOMPARE(w.toObject().keys(),
                QStringList({"agent", "columns", "context_keys", "example_key", "kind", "message", "missing_context",
                    "new_filter", "new_scope", "old_filter", "relation", "rows", "sql", "status", "task"}));
    }
};

QTEST_GUILESS_MAIN(TestReviewFormat)
#include "tst_review_format.moc"
