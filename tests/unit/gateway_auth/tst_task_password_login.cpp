// SPDX-License-Identifier: Apache-2.0
// Derived JIT passwords end to end, on a private copy of the demo database with the demo policy:
// a task started with the shared secret (writ::tasks::startTask, and `writ task start --password-secret`)
// gets a role whose password anyone holding the secret recomputes from the task id, and that role
// logs in over TCP with ScramClient — as a gateway would, with no password stored anywhere.
//
// Needs the sandbox: scripts/pg-sandbox start && load-demo, eval "$(scripts/pg-sandbox env)".
#include "wire_login.h"

#include "../../integration/floor/floor_db.h"
#include "tasks/task_manager.h"
#include "tasks/task_password.h"

#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <sys/stat.h>

using namespace wiretest;
using writ::tasks::derivedTaskPassword;

namespace {

constexpr const char *kCopy = "writ_tst_task_password_login";
constexpr const char *kAgent = "support-summarizer";
constexpr const char *kTaskType = "summarize-tickets";
const QByteArray kSecretText = "h4Q2vXk9Lm0pR7sT1wY3zA6bC8dE5fG2jK4nP9qS0uV7xZ1\n"; // as `openssl rand -base64 36` writes it
const std::string kSecret = "h4Q2vXk9Lm0pR7sT1wY3zA6bC8dE5fG2jK4nP9qS0uV7xZ1";

} // namespace

class TestTaskPasswordLogin : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<floortest::DatabaseCopy> m_copy;
    floortest::Session m_su;
    QTemporaryDir m_dir;
    QString m_secretFile;
    QString m_ticketsOf42;

    QString writeFile(const QString &name, const QByteArray &content, mode_t mode)
    {
        const QString path = m_dir.filePath(name);
        QFile f(path);
        if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate) || f.write(content) != content.size())
            qFatal("cannot write %s", qPrintable(path));
        f.close();
        ::chmod(QFile::encodeName(path).constData(), mode);
        return path;
    }

    writ::tasks::TaskRequest request(const std::string &secret)
    {
        writ::tasks::TaskRequest r;
        r.agent = kAgent;
        r.task = kTaskType;
        r.context = {{"customer_id", "42"}};
        r.passwordSecret = secret;
        return r;
    }

    std::string dsn() const { return m_copy->dsn().toStdString(); }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        const QString admin = requiredDsn("WRIT_TEST_ADMIN_DSN");
        m_copy = std::make_unique<floortest::DatabaseCopy>(admin, kCopy);
        QString error;
        QVERIFY2(m_copy->create("supportdesk", &error), qPrintable(error));
        QVERIFY2(m_su.open(m_copy->dsn()), qPrintable(m_su.error()));
        const CliResult applied = floortest::apply(floortest::demoPolicy(), m_copy->dsn());
        QVERIFY2(applied.exitCode == 0, floortest::cliText(applied));
        m_ticketsOf42 = m_su.scalar("SELECT count(*) FROM public.tickets WHERE customer_id = 42");
        QVERIFY(m_ticketsOf42.toInt() > 0);
        QVERIFY(m_ticketsOf42 != m_su.scalar("SELECT count(*) FROM public.tickets"));
        m_secretFile = writeFile("password-secret", kSecretText, 0600);
        std::string loadError;
        QCOMPARE(
            writ::tasks::loadTaskPasswordSecret(m_secretFile.toStdString(), loadError).value_or("<refused: " + loadError + ">"),
            kSecret);
    }

    void cleanupTestCase()
    {
        m_su.close();
        m_copy.reset();
    }

    void taskWithSecretLogsInWithTheDerivedPassword()
    {
        const writ::tasks::StartedTask t = writ::tasks::startTask(dsn(), request(kSecret));
        QCOMPARE(t.password, derivedTaskPassword(kSecret, t.id));
        QVERIFY2(t.connectionUri.find(t.password) != std::string::npos, t.connectionUri.c_str());

        // Another gateway knows only the secret and the task id.
        const std::string recomputed = derivedTaskPassword(kSecret, t.id);
        WireConnection c;
        const LoginResult login = loginOverTcp(c, t.role, kCopy, recomputed);
        QVERIFY2(login.ok, login.describe());
        QVERIFY(login.scramFinished);
        const QueryResult who = c.query("SELECT current_user, session_user, writ.ctx('customer_id')");
        QVERIFY2(who.ok, who.describe());
        QCOMPARE(who.rows.at(0), QStringList({QString::fromStdString(t.role), QString::fromStdString(t.role), "42"}));
        // The floor holds for the session: only customer 42's tickets.
        const QueryResult tickets = c.query("SELECT count(*) FROM public.tickets");
        QVERIFY2(tickets.ok, tickets.describe());
        QCOMPARE(tickets.value(), m_ticketsOf42);
    }

    void passwordDerivedUnderAnotherSecretIsRefused()
    {
        const writ::tasks::StartedTask t = writ::tasks::startTask(dsn(), request(kSecret));
        std::string rotated = kSecret;
        rotated[0] = 'H';
        WireConnection c;
        const LoginResult login = loginOverTcp(c, t.role, kCopy, derivedTaskPassword(rotated, t.id));
        QVERIFY(!login.ok);
        QCOMPARE(login.sqlstate, QStringLiteral("28P01"));
        // Nor does another task's password open this role.
        WireConnection other;
        const LoginResult swapped = loginOverTcp(other, t.role, kCopy, derivedTaskPassword(kSecret, t.id + "0"));
        QCOMPARE(swapped.sqlstate, QStringLiteral("28P01"));
    }

    void withoutSecretThePasswordStaysRandom()
    {
        const writ::tasks::StartedTask t = writ::tasks::startTask(dsn(), request({}));
        QVERIFY(t.password != derivedTaskPassword(kSecret, t.id));
        WireConnection c;
        const LoginResult login = loginOverTcp(c, t.role, kCopy, t.password);
        QVERIFY2(login.ok, login.describe());
        WireConnection derived;
        QCOMPARE(loginOverTcp(derived, t.role, kCopy, derivedTaskPassword(kSecret, t.id)).sqlstate, QStringLiteral("28P01"));
    }

    void shortSecretIsRefusedBeforeAnythingIsCreated()
    {
        const QString before = m_su.scalar("SELECT count(*) FROM writ.task");
        try {
            writ::tasks::startTask(dsn(), request(std::string(31, 'k')));
            QFAIL("a 31-byte secret was accepted");
        } catch (const writ::tasks::TaskError &e) {
            QCOMPARE(e.kind(), writ::tasks::TaskError::Kind::Refused);
            QVERIFY2(QByteArray(e.what()).contains("at least 32"), e.what());
        }
        QCOMPARE(m_su.scalar("SELECT count(*) FROM writ.task"), before);
    }

    void endedTaskNoLongerLogsIn()
    {
        const writ::tasks::StartedTask t = writ::tasks::startTask(dsn(), request(kSecret));
        writ::tasks::endTask(dsn(), t.id);
        WireConnection c;
        const LoginResult login = loginOverTcp(c, t.role, kCopy, derivedTaskPassword(kSecret, t.id));
        QVERIFY(!login.ok);
        QCOMPARE(login.sqlstate, QStringLiteral("28P01")); // PostgreSQL does not tell a missing role from a wrong password
    }

    void cliStartsTaskWithPasswordSecret()
    {
        const floortest::Task t = floortest::startTask(
            m_copy->dsn(), kAgent, kTaskType, {"--ctx", "customer_id=42", "--password-secret", m_secretFile});
        QVERIFY2(t.ok(), floortest::cliText(t.cli));
        QCOMPARE(t.password.toStdString(), derivedTaskPassword(kSecret, t.id.toStdString()));
        WireConnection c;
        const LoginResult login = loginOverTcp(c, t.role.toStdString(), kCopy, derivedTaskPassword(kSecret, t.id.toStdString()));
        QVERIFY2(login.ok, login.describe());
        QCOMPARE(c.query("SELECT session_user").value(), t.role);
    }

    void cliRefusesASecretOthersCanRead()
    {
        const QString before = m_su.scalar("SELECT count(*) FROM writ.task");
        const QString readable = writeFile("readable-secret", kSecretText, 0644);
        const floortest::Task t
            = floortest::startTask(m_copy->dsn(), kAgent, kTaskType, {"--ctx", "customer_id=42", "--password-secret", readable});
        QCOMPARE(t.cli.exitCode, 3);
        QVERIFY2(t.cli.err.contains("chmod 600") && t.cli.err.contains(readable), floortest::cliText(t.cli));
        const floortest::Task missing = floortest::startTask(
            m_copy->dsn(), kAgent, kTaskType, {"--ctx", "customer_id=42", "--password-secret", m_dir.filePath("nope")});
        QCOMPARE(missing.cli.exitCode, 3);
        QVERIFY2(missing.cli.err.contains("the password secret: cannot read"), floortest::cliText(missing.cli));
        QCOMPARE(m_su.scalar("SELECT count(*) FROM writ.task"), before);
    }
};

QTEST_GUILESS_MAIN(TestTaskPasswordLogin)
#include "tst_task_password_login.moc"
