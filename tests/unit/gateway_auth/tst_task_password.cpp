// SPDX-License-Identifier: Apache-2.0
// Derived JIT passwords: a fixed known answer, deterministic, different per task and per secret,
// 43 characters of base64url; and the secret file: owner-only mode, a minimum size, line endings.

#include "tasks/task_password.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <sys/stat.h>

using writ::tasks::derivedTaskPassword;
using writ::tasks::loadTaskPasswordSecret;

namespace {

const std::string kSecret = "0123456789abcdef0123456789abcdef";

} // namespace

class TestTaskPassword : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;

    /// Writes `content` to a new file in the test directory with `mode`.
    QString secretFile(const QString &name, const QByteArray &content, mode_t mode = 0600)
    {
        const QString path = m_dir.filePath(name);
        QFile f(path);
        if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate) || f.write(content) != content.size())
            qFatal("cannot write %s", qPrintable(path));
        f.close();
        if (::chmod(QFile::encodeName(path).constData(), mode) != 0)
            qFatal("cannot chmod %s", qPrintable(path));
        return path;
    }

    static QByteArray load(const QString &path, std::string *error = nullptr)
    {
        std::string e;
        const auto secret = loadTaskPasswordSecret(path.toStdString(), e);
        if (error)
            *error = e;
        return secret ? QByteArray::fromStdString(*secret) : QByteArray();
    }

private slots:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void knownAnswer()
    {
        // base64url(HMAC-SHA-256(secret, "writ-task-password:" + id)), computed independently with Python's hmac.
        QCOMPARE(derivedTaskPassword(kSecret, "0011223344556677"), std::string("7dDwQTnESHLaJSxw8PJgyKNnhy9NSoBhRa8Ub_TQZ9M"));
        QCOMPARE(derivedTaskPassword(kSecret, "0011223344556678"), std::string("2cmXxDy4Q3Ul2pUCzXuz_JY5Qx4ho0Weq5raJmvfl4E"));
    }

    void deterministic()
    {
        QCOMPARE(derivedTaskPassword(kSecret, "a1b2c3d4e5f60718"), derivedTaskPassword(std::string(kSecret), "a1b2c3d4e5f60718"));
    }

    void differsPerTaskAndPerSecret()
    {
        const std::string base = derivedTaskPassword(kSecret, "a1b2c3d4e5f60718");
        QVERIFY(derivedTaskPassword(kSecret, "a1b2c3d4e5f60719") != base);
        QVERIFY(derivedTaskPassword(kSecret, "") != base);
        std::string otherSecret = kSecret;
        otherSecret.back() = 'e';
        QVERIFY(derivedTaskPassword(otherSecret, "a1b2c3d4e5f60718") != base);
        // The label is part of the MAC: a task id cannot be chosen to collide with another use of the secret.
        QVERIFY(derivedTaskPassword(kSecret, "writ-task-password:a1b2c3d4e5f60718") != base);
    }

    void isFortyThreeCharactersOfBase64url()
    {
        for (const std::string id : {"0011223344556677", "ffffffffffffffff", "", "x"}) {
            const std::string p = derivedTaskPassword(kSecret, id);
            QCOMPARE(p.size(), std::size_t(43));
            QVERIFY2(p.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") == std::string::npos,
                p.c_str());
        }
    }

    void secretFileIsLoaded()
    {
        const QByteArray raw = "abcdefghijklmnopqrstuvwxyz012345"; // 32 bytes: the minimum
        std::string error;
        QCOMPARE(load(secretFile("exact", raw), &error), raw);
        QVERIFY2(error.empty(), error.c_str());
        // Binary secrets are taken as they are.
        QByteArray binary(48, '\0');
        for (int i = 0; i < binary.size(); ++i)
            binary[i] = char(255 - i);
        QCOMPARE(load(secretFile("binary", binary)), binary);
        QCOMPARE(load(secretFile("readonly", raw, 0400)), raw);
    }

    void trailingLineEndingsAreNotPartOfTheSecret()
    {
        const QByteArray raw = "Jm9Qc3lQ2b1Yx0tq4E3v8Zr6Wp5Ns7Kd1Hf0Ga2Lc4Xe6Ub";
        QCOMPARE(load(secretFile("lf", raw + "\n")), raw);
        QCOMPARE(load(secretFile("crlf", raw + "\r\n")), raw);
        QCOMPARE(load(secretFile("lflf", raw + "\n\n")), raw);
        // Inner line breaks stay.
        QCOMPARE(load(secretFile("inner", raw + "\n" + raw + "\n")), raw + "\n" + raw);
    }

    void secretFileReadableByOthersIsRefused_data()
    {
        QTest::addColumn<int>("mode");
        QTest::newRow("0644") << 0644;
        QTest::newRow("0640") << 0640;
        QTest::newRow("0604") << 0604;
        QTest::newRow("0660") << 0660;
    }

    void secretFileReadableByOthersIsRefused()
    {
        QFETCH(int, mode);
        const QString path = secretFile(QStringLiteral("mode%1").arg(mode, 0, 8), QByteArray(40, 'k'), mode_t(mode));
        std::string error;
        QVERIFY(load(path, &error).isEmpty());
        QVERIFY2(QByteArray::fromStdString(error).contains("chmod 600"), error.c_str());
        QVERIFY2(QByteArray::fromStdString(error).contains(QFile::encodeName(path)), error.c_str());
    }

    void shortSecretIsRefused()
    {
        std::string error;
        QVERIFY(load(secretFile("short", QByteArray(31, 'k')), &error).isEmpty());
        QVERIFY2(QByteArray::fromStdString(error).contains("holds 31 bytes; it needs at least 32"), error.c_str());
        // A newline does not count towards the minimum.
        QVERIFY(load(secretFile("short-lf", QByteArray(31, 'k') + "\n"), &error).isEmpty());
        QVERIFY(load(secretFile("empty", QByteArray()), &error).isEmpty());
    }

    void missingOrSpecialFilesAreRefused()
    {
        std::string error;
        QVERIFY(load(m_dir.filePath("does-not-exist"), &error).isEmpty());
        QVERIFY2(QByteArray::fromStdString(error).contains("the password secret: cannot read"), error.c_str());
        QVERIFY(load(m_dir.path(), &error).isEmpty());
        QVERIFY2(QByteArray::fromStdString(error).contains("directory"), error.c_str());
        QVERIFY(load(secretFile("huge", QByteArray(64 * 1024 + 1, 'k')), &error).isEmpty());
        QVERIFY2(QByteArray::fromStdString(error).contains("limit"), error.c_str());
    }
};

QTEST_GUILESS_MAIN(TestTaskPassword)
#include "tst_task_password.moc"
