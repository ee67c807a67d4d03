// SPDX-License-Identifier: Apache-2.0
// ScramClient against the sandbox PostgreSQL 15 over TCP (pg_hba: scram-sha-256): roles created by
// the test with a known password log in and see themselves as current_user; a wrong password gets
// the server's 28P01; a role whose verifier came from writ::tasks::scramVerifier logs in too.
//
// Needs the sandbox: scripts/pg-sandbox start, eval "$(scripts/pg-sandbox env)".
#include "wire_login.h"

#include "../../integration/floor/floor_db.h"
#include "tasks/scram.h"

#include <QtTest>

using namespace wiretest;
using floortest::Session;
using proto::AuthCode;

namespace {

constexpr const char *kPlainRole = "tst_scram_login_plain";
constexpr const char *kVerifierRole = "tst_scram_login_verifier";
// Characters that mean something in SCRAM's grammar and in SQL; the password never travels, so they do not matter.
const std::string kPassword = "Correct,horse=battery 'staple' n=,r=7";
const std::string kVerifierPassword = "Vq3_k8Zt-2mW9xYbLp0sRf4HjN6cDe1A";

QString sqlLiteral(const std::string &s)
{
    return QLatin1Char('\'') + QString::fromStdString(s).replace(QLatin1Char('\''), QLatin1String("''")) + QLatin1Char('\'');
}

} // namespace

class TestScramLogin : public QObject
{
    Q_OBJECT

private:
    Session m_admin;

    void dropRoles()
    {
        for (const char *role : {kPlainRole, kVerifierRole}) {
            m_admin.exec(QStringLiteral("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '%1'").arg(role));
            m_admin.exec(QStringLiteral("DROP ROLE IF EXISTS %1").arg(role));
        }
    }

private slots:
    void initTestCase()
    {
        QVERIFY2(m_admin.open(requiredDsn("WRIT_TEST_ADMIN_DSN")), qPrintable(m_admin.error()));
        dropRoles();
        const auto created
            = m_admin.exec(QStringLiteral("CREATE ROLE %1 LOGIN PASSWORD %2").arg(kPlainRole, sqlLiteral(kPassword)));
        QVERIFY2(created.ok, created.describe());
        const auto fromVerifier
            = m_admin.exec(QStringLiteral("CREATE ROLE %1 LOGIN PASSWORD %2")
                               .arg(kVerifierRole, sqlLiteral(writ::tasks::scramVerifier(kVerifierPassword))));
        QVERIFY2(fromVerifier.ok, fromVerifier.describe());
        // Both roles hold SCRAM verifiers (password_encryption = scram-sha-256), not md5 hashes.
        QCOMPARE(
            m_admin.scalar(QStringLiteral("SELECT count(*) FROM pg_authid WHERE rolname IN ('%1', '%2') AND rolpassword LIKE "
                                          "'SCRAM-SHA-256$4096:%'")
                               .arg(kPlainRole, kVerifierRole)),
            QStringLiteral("2"));
    }

    void cleanupTestCase()
    {
        dropRoles();
        QCOMPARE(
            m_admin.scalar(
                QStringLiteral("SELECT count(*) FROM pg_roles WHERE rolname IN ('%1', '%2')").arg(kPlainRole, kVerifierRole)),
            QStringLiteral("0"));
    }

    void knownPasswordLogsInWithScram()
    {
        WireConnection c;
        const LoginResult login = loginOverTcp(c, kPlainRole, "postgres", kPassword);
        QVERIFY2(login.ok, login.describe());
        QVERIFY(login.scramFinished);
        // The full exchange took place: the server proved it holds the verifier before AuthenticationOk.
        QCOMPARE(
            login.requests, (std::vector<AuthCode> {AuthCode::Sasl, AuthCode::SaslContinue, AuthCode::SaslFinal, AuthCode::Ok}));
        QVERIFY(std::find(login.mechanisms.begin(), login.mechanisms.end(), "SCRAM-SHA-256") != login.mechanisms.end());

        const QueryResult who = c.query("SELECT current_user, session_user, current_database()");
        QVERIFY2(who.ok, who.describe());
        QCOMPARE(who.rows.size(), std::size_t(1));
        QCOMPARE(who.rows[0], QStringList({kPlainRole, kPlainRole, "postgres"}));
        // The session keeps working after the first query.
        const QueryResult again = c.query("SELECT 6 * 7");
        QVERIFY2(again.ok, again.describe());
        QCOMPARE(again.value(), QStringLiteral("42"));
    }

    void wrongPasswordGetsInvalidPassword28P01()
    {
        WireConnection c;
        const LoginResult login = loginOverTcp(c, kPlainRole, "postgres", kPassword + "x");
        QVERIFY(!login.ok);
        QCOMPARE(login.sqlstate, QStringLiteral("28P01"));
        QVERIFY2(login.error.contains(kPlainRole), qPrintable(login.error));
        // The server refused the proof: it never sent server-final, so the client never finished.
        QCOMPARE(login.requests, (std::vector<AuthCode> {AuthCode::Sasl, AuthCode::SaslContinue}));
        QCOMPARE(login.scramState, ScramClient::State::SentClientFinal);
        QVERIFY(!login.scramFinished);
    }

    void verifierFromTaskStartLogsIn()
    {
        WireConnection c;
        const LoginResult login = loginOverTcp(c, kVerifierRole, "postgres", kVerifierPassword);
        QVERIFY2(login.ok, login.describe());
        const QueryResult who = c.query("SELECT current_user");
        QVERIFY2(who.ok, who.describe());
        QCOMPARE(who.value(), QString::fromLatin1(kVerifierRole));

        WireConnection wrong;
        const LoginResult refused = loginOverTcp(wrong, kVerifierRole, "postgres", kPassword);
        QCOMPARE(refused.sqlstate, QStringLiteral("28P01"));
    }

    void queryErrorsAreReported()
    {
        WireConnection c;
        const LoginResult login = loginOverTcp(c, kPlainRole, "postgres", kPassword);
        QVERIFY2(login.ok, login.describe());
        const QueryResult r = c.query("SELECT * FROM pg_authid");
        QVERIFY(!r.ok);
        QCOMPARE(r.sqlstate, QStringLiteral("42501")); // a plain role may not read password hashes
    }
};

QTEST_GUILESS_MAIN(TestScramLogin)
#include "tst_scram_login.moc"
