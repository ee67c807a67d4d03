// SPDX-License-Identifier: Apache-2.0
// How the audit log names a statement: the normalized text keeps no literal an agent sent, statements
// that differ only in their constants share one fingerprint (a password included), the same text always
// gets the same identity, statements of one literal shape share it only where libpg_query agrees with the
// shape, and text that does not parse is named by its size and SHA-256 only.

#include "gateway/session/statement_identities.h"

#include <QTest>

using writ::gateway::StatementIdentities;

class TestStatementIdentities : public QObject
{
    Q_OBJECT

private slots:
    void literalsAreNeverKept()
    {
        StatementIdentities ids;
        const auto id = ids.lookup("SELECT name FROM customers WHERE email = 'amelia@example.com' AND id = 42");
        QCOMPARE(QString::fromStdString(id->query), QStringLiteral("SELECT name FROM customers WHERE email = $1 AND id = $2"));
        QCOMPARE(id->fingerprint.size(), std::size_t(16));
    }

    void constantsShareOneFingerprint()
    {
        StatementIdentities ids;
        const auto a = ids.lookup("SELECT abalance FROM pgbench_accounts WHERE aid = 1");
        const auto b = ids.lookup("SELECT abalance FROM pgbench_accounts WHERE aid = 987654");
        const auto other = ids.lookup("SELECT bid FROM pgbench_accounts WHERE aid = 1");
        QCOMPARE(a->fingerprint, b->fingerprint);
        QCOMPARE(a->query, b->query);
        QVERIFY(a->fingerprint != other->fingerprint);
        QVERIFY(ids.lookup("SELECT abalance FROM pgbench_accounts WHERE aid = 1") == a); // the cached identity itself
        // Statements of one literal shape share the identity, normalized once.
        QVERIFY(ids.lookup("SELECT abalance FROM pgbench_accounts WHERE aid = 55555") == a);
    }

    // A shape libpg_query normalizes otherwise than the shape does (it keeps ORDER BY's position) is
    // not shared: each statement of it is normalized on its own and keeps what tells them apart.
    void shapesNormalizedOtherwiseAreNotShared()
    {
        StatementIdentities ids;
        const auto first = ids.lookup("SELECT * FROM t ORDER BY 1 LIMIT 5");
        const auto second = ids.lookup("SELECT * FROM t ORDER BY 2 LIMIT 7");
        QCOMPARE(QString::fromStdString(first->query), QStringLiteral("SELECT * FROM t ORDER BY 1 LIMIT $1"));
        QCOMPARE(QString::fromStdString(second->query), QStringLiteral("SELECT * FROM t ORDER BY 2 LIMIT $1"));
        const auto typmod = ids.lookup("SELECT x::varchar(10) FROM t WHERE y = 'a'");
        QCOMPARE(QString::fromStdString(ids.lookup("SELECT x::varchar(20) FROM t WHERE y = 'b'")->query),
                 QStringLiteral("SELECT x::varchar(20) FROM t WHERE y = $1"));
        QVERIFY(typmod->query.find("(10)") != std::string::npos);
    }

    void secretsChangeNothing()
    {
        StatementIdentities ids;
        const auto a = ids.lookup("ALTER ROLE app PASSWORD 'first secret'");
        const auto b = ids.lookup("ALTER ROLE app PASSWORD 'second secret'");
        QCOMPARE(a->fingerprint, b->fingerprint);
        QVERIFY(a->query.find("secret") == std::string::npos);
        QVERIFY(!a->fingerprint.empty());
    }

    void garbageIsNamedBySizeAndHash()
    {
        StatementIdentities ids;
        const auto id = ids.lookup("SELEC password FROM 'users");
        QVERIFY(id->fingerprint.empty());
        QVERIFY2(id->query.starts_with("(text that does not parse, 26 bytes, sha256 "), id->query.c_str());
        QVERIFY(id->query.find("password") == std::string::npos);
    }

    void aFullCacheStartsOver()
    {
        StatementIdentities ids(32); // two entries per shard
        for (int i = 0; i < 500; ++i)
            QVERIFY(!ids.lookup("SELECT " + std::to_string(i) + " AS c" + std::to_string(i))->fingerprint.empty());
        QCOMPARE(QString::fromStdString(ids.lookup("SELECT 7 AS c7")->query), QStringLiteral("SELECT $1 AS c7"));
    }
};

QTEST_GUILESS_MAIN(TestStatementIdentities)
#include "tst_statement_identities.moc"
