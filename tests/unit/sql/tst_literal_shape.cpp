// SPDX-License-Identifier: Apache-2.0
// A statement's literal shape: statements that differ only in plain constants share it, anything else
// gets a different one or none, and wherever libpg_query's normalization of one statement replaced
// exactly the shape's constants, it normalizes every statement of that shape to the same text — the
// property the gateway's audit relies on to normalize a shape once.

#include "catalog/catalog.h"
#include "sql/analyzer.h"
#include "sql/literal_shape.h"

#include <QRandomGenerator>
#include <QtTest>

using writ::sql::literalShape;
using writ::sql::normalize;

namespace {

/// Plain constants of every form the shape accepts, some with the characters that end other tokens.
std::string randomNumber(QRandomGenerator &r)
{
    switch (r.bounded(6)) {
    case 0: return std::to_string(r.bounded(10));
    case 1: return std::to_string(r.generate64());
    case 2: return "99999999999999999999999"; // past int64: a float constant
    case 3: return std::to_string(r.bounded(1000)) + "." + std::to_string(r.bounded(100));
    case 4: return "." + std::to_string(r.bounded(1000));
    default: return std::to_string(r.bounded(9) + 1) + "e" + (r.bounded(2) ? "-" : "") + std::to_string(r.bounded(30));
    }
}

std::string randomString(QRandomGenerator &r)
{
    static const char *const pieces[] = {"a", "''", "--", "/*", "*/", "$1", "\"", ";", " ", "\n", "caf\xc3\xa9", "{1,2}", "{\"k\": 1}", "1 day", "%", "E", "$$"};
    std::string s = "'";
    for (int i = r.bounded(5); i > 0; --i)
        s += pieces[r.bounded(int(std::size(pieces)))];
    return s + "'";
}

/// `tmpl` with each {n} and {s} replaced by a random constant of that kind.
std::string instantiate(const std::string &tmpl, QRandomGenerator &r)
{
    std::string out;
    for (std::size_t i = 0; i < tmpl.size(); ++i) {
        if (tmpl.compare(i, 3, "{n}") == 0) {
            out += randomNumber(r);
            i += 2;
        } else if (tmpl.compare(i, 3, "{s}") == 0) {
            out += randomString(r);
            i += 2;
        } else {
            out += tmpl[i];
        }
    }
    return out;
}

} // namespace

class TestLiteralShape : public QObject
{
    Q_OBJECT

private slots:
    void constantsShareAShape()
    {
        const auto a = literalShape("SELECT abalance FROM pgbench_accounts WHERE aid = 17;");
        const auto b = literalShape("SELECT abalance FROM pgbench_accounts WHERE aid = 9081726;");
        QVERIFY(a && b);
        QCOMPARE(a->key, b->key);
        QCOMPARE(a->normalized(), std::string("SELECT abalance FROM pgbench_accounts WHERE aid = $1;"));
        QCOMPARE(a->normalized(), normalize("SELECT abalance FROM pgbench_accounts WHERE aid = 17;"));

        const auto other = literalShape("SELECT bid FROM pgbench_accounts WHERE aid = 17;");
        const auto asString = literalShape("SELECT abalance FROM pgbench_accounts WHERE aid = '17';");
        QVERIFY(other && asString);
        QVERIFY(other->key != a->key);
        QVERIFY(asString->key != a->key); // a number and a string are different statements
    }

    void constantsNoFactIsReadFromAreInert_data()
    {
        // The text, and which of its shape's constants (by position in text order) are inert.
        QTest::addColumn<QString>("sql");
        QTest::addColumn<QList<int>>("inert");
        QTest::newRow("compared") << "SELECT abalance FROM pgbench_accounts WHERE aid = 17 AND bid = 'x'" << QList<int>{0, 1};
        QTest::newRow("inserted") << "INSERT INTO t (a, b) VALUES (1, 'two')" << QList<int>{0, 1};
        QTest::newRow("ordinal") << "SELECT a FROM t ORDER BY 1" << QList<int>{0};
        QTest::newRow("typed") << "SELECT a FROM t WHERE d > date '2020-01-01'" << QList<int>{0};
        QTest::newRow("limit is read") << "SELECT a FROM t WHERE a = 3 LIMIT 5" << QList<int>{0};
        QTest::newRow("set_config name and flag are read") << "SELECT set_config('application_name', 'x', false), 4" << QList<int>{1, 2};
        QTest::newRow("current_setting name is read") << "SELECT current_setting('search_path')" << QList<int>{};
        QTest::newRow("COPY file is no expression") << "COPY t TO '/tmp/x'" << QList<int>{};
        QTest::newRow("SET value is not read") << "SET statement_timeout = '5s'" << QList<int>{0};
        QTest::newRow("negative number is another token") << "SELECT a FROM t WHERE a = -5" << QList<int>{};
        QTest::newRow("type modifier is no expression") << "SELECT a::varchar(10) FROM t" << QList<int>{};
        QTest::newRow("two statements") << "SELECT 1; SELECT a FROM t LIMIT 2" << QList<int>{0};
    }

    void constantsNoFactIsReadFromAreInert()
    {
        QFETCH(QString, sql);
        QFETCH(QList<int>, inert);
        const std::string text = sql.toStdString();
        const auto shape = literalShape(text);
        QVERIFY(shape);
        const writ::catalog::Catalog catalog;
        const auto analysis = writ::sql::analyze(text, catalog);
        QVERIFY2(analysis.ok(), analysis.error ? analysis.error->message.c_str() : "");
        QList<int> got;
        for (std::size_t i = 0; i < shape->offsets.size(); ++i)
            if (std::binary_search(analysis.inertConstants.begin(), analysis.inertConstants.end(), shape->offsets[i]))
                got.append(int(i));
        QCOMPARE(got, inert);
    }

    void commentsIdentifiersAndParametersAreNotConstants()
    {
        const auto s = literalShape("SELECT \"col'1\", t2.c3, $2 /* 'x' /* 5 */ 6 */ FROM t2 -- 'y' 7\nWHERE a = 'z'");
        QVERIFY(s);
        QCOMPARE(s->constants, 1); // only 'z'
        QCOMPARE(s->highestParameter, 2);
        QCOMPARE(s->normalized(), std::string("SELECT \"col'1\", t2.c3, $2 /* 'x' /* 5 */ 6 */ FROM t2 -- 'y' 7\nWHERE a = $3"));
    }

    void otherConstantsHaveNoShape_data()
    {
        QTest::addColumn<QByteArray>("sql");
        QTest::newRow("escape string") << QByteArray("SELECT E'a\\nb'");
        QTest::newRow("backslash") << QByteArray("SELECT 'a\\'");
        QTest::newRow("dollar quote") << QByteArray("SELECT $$x$$");
        QTest::newRow("tagged dollar quote") << QByteArray("SELECT $f$x$f$");
        QTest::newRow("bit string") << QByteArray("SELECT B'101'");
        QTest::newRow("hex string") << QByteArray("SELECT X'1F'");
        QTest::newRow("national") << QByteArray("SELECT N'x'");
        QTest::newRow("unicode") << QByteArray("SELECT U&'d\\0061t'");
        QTest::newRow("continued string") << QByteArray("SELECT 'a'\n'b'");
        QTest::newRow("range dots") << QByteArray("SELECT 1..5");
        QTest::newRow("trailing junk") << QByteArray("SELECT 12abc");
        QTest::newRow("dangling exponent") << QByteArray("SELECT 1e");
        QTest::newRow("unterminated string") << QByteArray("SELECT 'abc");
        QTest::newRow("unterminated comment") << QByteArray("SELECT 1 /* x");
        QTest::newRow("unterminated identifier") << QByteArray("SELECT \"abc");
        QTest::newRow("nul byte") << QByteArray("SELECT 1\0 OR 1", 14);
        QTest::newRow("nul byte in a comment") << QByteArray("SELECT 1 /* \0n */", 17);
    }
    void otherConstantsHaveNoShape()
    {
        QFETCH(QByteArray, sql);
        QVERIFY(!literalShape(std::string_view(sql.constData(), std::size_t(sql.size()))));
    }

    // The property the audit relies on, over statements of many kinds with random constants: where the
    // first statement's normalization is the shape's own, every statement of the shape normalizes to it.
    void aShapeValidatedOnceNormalizesAlike()
    {
        const std::vector<std::string> templates = {
            "SELECT abalance FROM pgbench_accounts WHERE aid = {n};",
            "SELECT name FROM customers WHERE email = {s} AND id = {n}",
            "SELECT * FROM t WHERE a IN ({n}, {n}, {s}) AND b BETWEEN {n} AND {n}",
            "SELECT x::varchar({n}) FROM t WHERE y = {s}",
            "SELECT * FROM t ORDER BY {n} LIMIT {n} OFFSET {n}",
            "SELECT * FROM t LIMIT {n}",
            "SELECT interval {s}, date {s}, {s}::jsonb -> {s}",
            "INSERT INTO t (a, b, c) VALUES ({n}, {s}, {n}), ({n}, {s}, {n})",
            "UPDATE t SET a = {n}, b = {s} WHERE id = {n} RETURNING id",
            "DELETE FROM t WHERE created < now() - {s}::interval",
            "SELECT CASE WHEN a > {n} THEN {s} ELSE {s} END FROM t",
            "SELECT pg_sleep({n}), lpad({s}, {n}, {s})",
            "SET statement_timeout = {n}",
            "SET search_path = {s}",
            "ALTER ROLE app PASSWORD {s}",
            "CREATE TABLE t (a numeric({n}, {n}) DEFAULT {n}, b text DEFAULT {s})",
            "COPY t TO STDOUT WITH (FORMAT csv, DELIMITER {s})",
            "SELECT {s} || {s}, {n} + {n} * {n}",
            "SELECT * FROM t WHERE a = {n} /* c 5 */ AND b = {s} -- 'x' 7",
            "SELECT array[{n}, {n}], {s}::int[]",
            "SELECT * FROM t FETCH FIRST {n} ROWS ONLY",
            "SELECT $1, {n} FROM t WHERE c = $3",
            "SELECT {n}; SELECT {s}",
            "PREPARE p AS SELECT {n}",
            "EXPLAIN (COSTS false) SELECT * FROM t WHERE a = {n}",
            "SELECT * FROM t WHERE a = -{n}",
            "SELECT * FROM t t1 JOIN u ON u.id = t1.id + {n} WHERE t1.x LIKE {s}",
        };
        QRandomGenerator random(20261205);
        int validated = 0;
        for (const auto &tmpl : templates) {
            const std::string first = instantiate(tmpl, random);
            const auto shape = literalShape(first);
            QVERIFY2(shape, first.c_str());
            const std::string normalizedFirst = normalize(first);
            if (normalizedFirst != shape->normalized())
                continue; // the gateway would not share this shape
            ++validated;
            for (int i = 0; i < 40; ++i) {
                const std::string next = instantiate(tmpl, random);
                const auto nextShape = literalShape(next);
                QVERIFY2(nextShape && nextShape->key == shape->key, next.c_str());
                QCOMPARE(normalize(next), normalizedFirst);
            }
        }
        // Most shapes are shared; those libpg_query normalizes otherwise (ORDER BY 1, type modifiers,
        // unary minus, numbering out of text order) fall back to normalizing every statement.
        qInfo("%d of %zu shapes shared", validated, templates.size());
        QVERIFY2(validated >= 18, std::to_string(validated).c_str());
    }
};

QTEST_GUILESS_MAIN(TestLiteralShape)
#include "tst_literal_shape.moc"
