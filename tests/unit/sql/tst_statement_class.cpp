// SPDX-License-Identifier: Apache-2.0
// The statement class of every PostgreSQL 15 statement kind: a decision table in
// tests/data/sql/statement_classes.txt (class | node | SQL), one example per kind, plus checks that
// the class table in core/sql/statement_class.cpp covers every *Stmt node type of the raw parse tree
// (the node structs of the PostgreSQL 15 headers the analyzer walks).

#include "sql/analyzer.h"
#include "sql/raw_tree_info.h"
#include "sql/statement_class.h"

#include <QFile>
#include <QTest>

#include <map>
#include <set>

using namespace writ::sql;

namespace {

/// Statement nodes the raw parser never produces at the top level: no SQL example can exist.
const std::set<std::string> kUnreachable = {"SetOperationStmt", "ReturnStmt", "PLAssignStmt", "ReplicaIdentityStmt"};

struct Row
{
    int line = 0;
    std::string kind;
    std::string node;
    std::string sql;
};

std::vector<Row> loadRows()
{
    QFile f(QStringLiteral(WRIT_TEST_DATA_DIR "/sql/statement_classes.txt"));
    if (!f.open(QIODevice::ReadOnly))
        qFatal("cannot read statement_classes.txt");
    std::vector<Row> rows;
    int line = 0;
    while (!f.atEnd()) {
        ++line;
        const QString text = QString::fromUtf8(f.readLine()).trimmed();
        if (text.isEmpty() || text.startsWith('#'))
            continue;
        const QStringList parts = text.split('|');
        if (parts.size() < 3)
            qFatal("statement_classes.txt:%d: expected class | node | sql", line);
        Row r;
        r.line = line;
        r.kind = parts[0].trimmed().toStdString();
        r.node = parts[1].trimmed().toStdString();
        r.sql = parts.mid(2).join('|').trimmed().toStdString();
        rows.push_back(r);
    }
    return rows;
}

} // namespace

class TestStatementClass : public QObject
{
    Q_OBJECT

private slots:
    void everyExampleHasItsClass_data()
    {
        QTest::addColumn<QString>("sql");
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QString>("node");
        for (const Row &r : loadRows())
            QTest::newRow(qPrintable(QString("line %1: %2").arg(r.line).arg(QString::fromStdString(r.sql))))
                << QString::fromStdString(r.sql) << QString::fromStdString(r.kind) << QString::fromStdString(r.node);
    }

    void everyExampleHasItsClass()
    {
        QFETCH(QString, sql);
        QFETCH(QString, kind);
        QFETCH(QString, node);
        const writ::catalog::Catalog catalog;
        const Analysis a = analyze(sql.toStdString(), catalog);
        QVERIFY2(a.ok(), a.error ? a.error->message.c_str() : "");
        QCOMPARE(a.statements.size(), std::size_t(1));
        const StatementFacts &f = a.statements.front();
        QCOMPARE(QString::fromStdString(f.nodeType), node);
        QCOMPARE(QString(toString(f.kind)), kind);
        QVERIFY(!f.unknownKind);
    }

    void everyStatementNodeIsInTheTable()
    {
        // Every node type of the raw tree whose name ends in "Stmt" must have a class, except RawStmt
        // (the wrapper of every statement, never a statement kind itself).
        int statements = 0;
        for (const std::string_view node : detail::rawNodeNames()) {
            const std::string name(node);
            if (name.size() < 4 || name.compare(name.size() - 4, 4, "Stmt") != 0 || name == "RawStmt")
                continue;
            ++statements;
            QVERIFY2(statementClassOf(name).has_value(), ("no class for " + name).c_str());
        }
        QCOMPARE(statements, 116);
        QCOMPARE(statementClassTable().size(), std::size_t(116));
        QVERIFY(!statementClassOf("RawStmt"));
        QVERIFY(!statementClassOf("ColumnRef"));
    }

    void everyTableRowNamesARealNodeOnce()
    {
        std::set<std::string> nodes;
        for (const std::string_view node : detail::rawNodeNames())
            nodes.insert(std::string(node));
        std::set<std::string_view> seen;
        for (const auto &e : statementClassTable()) {
            QVERIFY2(nodes.count(std::string(e.nodeType)), std::string(e.nodeType).c_str());
            QVERIFY2(seen.insert(e.nodeType).second, std::string(e.nodeType).c_str());
        }
    }

    void everyReachableKindHasAnExample()
    {
        std::set<std::string> covered;
        for (const Row &r : loadRows())
            covered.insert(r.node);
        for (const auto &e : statementClassTable()) {
            const std::string node(e.nodeType);
            if (kUnreachable.count(node))
                continue;
            QVERIFY2(covered.count(node), ("no example in statement_classes.txt for " + node).c_str());
        }
    }

    void classNamesAreLowerCaseWords()
    {
        const std::map<StatementClass, std::string> expected = {{StatementClass::Read, "read"}, {StatementClass::Write, "write"},
            {StatementClass::Ddl, "ddl"}, {StatementClass::Export, "export"}, {StatementClass::Import, "import"},
            {StatementClass::Session, "session"}, {StatementClass::Transaction, "transaction"},
            {StatementClass::Utility, "utility"}, {StatementClass::Procedural, "procedural"}};
        for (const auto &[c, word] : expected)
            QCOMPARE(std::string(toString(c)), word);
        const std::map<Access, std::string> access = {{Access::Read, "read"}, {Access::Insert, "insert"}, {Access::Update, "update"},
            {Access::Delete, "delete"}, {Access::Truncate, "truncate"}, {Access::Lock, "lock"}};
        for (const auto &[a, word] : access)
            QCOMPARE(std::string(toString(a)), word);
    }
};

QTEST_APPLESS_MAIN(TestStatementClass)
#include "tst_statement_class.moc"
