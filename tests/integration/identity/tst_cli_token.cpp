// SPDX-License-Identifier: Apache-2.0
// `writ keys generate`, `writ token issue | verify | inspect` as an operator runs them.
#include "cli_runner.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>

#include <sys/stat.h>

namespace {

/// Runs writ with `input` on standard input (for TOKEN given as "-").
CliResult runWritWithInput(const QStringList &args, const QByteArray &input)
{
    QProcess p;
    p.start(QStringLiteral(WRIT_CLI), args);
    p.waitForStarted();
    p.write(input);
    p.closeWriteChannel();
    return finishProcess(p);
}

QString payloadSegmentWith(const QString &token, const QString &key, const QJsonValue &value)
{
    const QStringList seg = token.split('.');
    QJsonObject claims
        = QJsonDocument::fromJson(QByteArray::fromBase64(seg[1].toLatin1(), QByteArray::Base64UrlEncoding)).object();
    claims.insert(key, value);
    const QByteArray encoded = QJsonDocument(claims)
                                   .toJson(QJsonDocument::Compact)
                                   .toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
    return seg[0] + "." + QString::fromLatin1(encoded) + "." + seg[2];
}

} // namespace

class TestCliToken : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_keys;

    QString keyFile() const { return m_keys + "/dev-1.private.pem"; }
    QString jwks() const { return m_keys + "/jwks.json"; }

    QString issue(const QStringList &extra = {})
    {
        const CliResult r = runWrit(QStringList {"token", "issue", "--key", keyFile(), "--iss", "https://dev.local", "--sub",
                                        "agent-7", "--aud", "writ-gateway", "--ttl", "5m"}
            + extra);
        if (r.exitCode != 0)
            qWarning("issue failed: %s", qPrintable(r.err));
        return r.out.trimmed();
    }

    QStringList verifyArgs(const QString &token) const
    {
        return {"token", "verify", token, "--jwks", jwks(), "--iss", "https://dev.local", "--aud", "writ-gateway"};
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_keys = m_dir.filePath("keys");
    }

    void keysGenerateWritesAPrivateKeyOfMode0600AndAPublicJwks()
    {
        const CliResult r = runWrit({"keys", "generate", "--out", m_keys, "--kid", "dev-1"});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QCOMPARE(r.out.trimmed(), QStringLiteral("dev-1"));

        struct stat st
        {
        };
        QCOMPARE(::stat(QFile::encodeName(keyFile()).constData(), &st), 0);
        QCOMPARE(int(st.st_mode & 07777), 0600);
        QVERIFY(S_ISREG(st.st_mode));
        QCOMPARE(::stat(QFile::encodeName(m_keys).constData(), &st), 0);
        QCOMPARE(int(st.st_mode & 0077), 0); // a fresh key directory is private too

        QFile pem(keyFile());
        QVERIFY(pem.open(QIODevice::ReadOnly));
        QVERIFY(pem.readAll().startsWith("-----BEGIN PRIVATE KEY-----"));

        QFile f(jwks());
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QJsonArray keys = QJsonDocument::fromJson(f.readAll()).object().value("keys").toArray();
        QCOMPARE(keys.size(), 1);
        const QJsonObject k = keys.first().toObject();
        QCOMPARE(k.value("kid").toString(), QStringLiteral("dev-1"));
        QCOMPARE(k.value("kty").toString(), QStringLiteral("OKP"));
        QCOMPARE(k.value("alg").toString(), QStringLiteral("EdDSA"));
        QVERIFY(!k.contains("d")); // public only
        // No temporary files left behind.
        QCOMPARE(QDir(m_keys).entryList(QDir::Files | QDir::Hidden).size(), 2);
    }

    void keysGenerateNeverOverwritesAKey()
    {
        QFile pem(keyFile());
        QVERIFY(pem.open(QIODevice::ReadOnly));
        const QByteArray before = pem.readAll();
        const CliResult r = runWrit({"keys", "generate", "--out", m_keys, "--kid", "dev-1"});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("already has a key with kid 'dev-1'"), qPrintable(r.err));
        pem.seek(0);
        QCOMPARE(pem.readAll(), before);
        const CliResult bad = runWrit({"keys", "generate", "--out", m_keys, "--kid", "../escape"});
        QCOMPARE(bad.exitCode, 1);
    }

    void issuedTokenVerifies()
    {
        const CliResult issued = runWrit({"token", "issue", "--key", keyFile(), "--iss", "https://dev.local", "--sub", "agent-7",
            "--aud", "writ-gateway", "--ttl", "5m", "--claim", "env=dev"});
        QVERIFY2(issued.exitCode == 0, qPrintable(issued.err));
        QVERIFY2(issued.err.contains("DEVELOPMENT ISSUER"), qPrintable(issued.err));
        const QString token = issued.out.trimmed();
        QCOMPARE(token.count('.'), 2);

        const CliResult r = runWrit(verifyArgs(token));
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const QJsonObject claims = QJsonDocument::fromJson(r.out.toUtf8()).object();
        QCOMPARE(claims.value("sub").toString(), QStringLiteral("agent-7"));
        QCOMPARE(claims.value("env").toString(), QStringLiteral("dev"));
        QVERIFY2(r.err.contains("ok") && r.err.contains("'dev-1'"), qPrintable(r.err));

        const CliResult fromStdin
            = runWritWithInput({"token", "verify", "-", "--jwks", jwks(), "--iss", "https://dev.local", "--aud", "writ-gateway"},
                token.toUtf8() + "\n");
        QVERIFY2(fromStdin.exitCode == 0, qPrintable(fromStdin.err));
    }

    void tamperedTokenIsRefusedWithItsReason()
    {
        const QString token = issue();
        const CliResult r = runWrit(verifyArgs(payloadSegmentWith(token, "sub", "admin")));
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("refused [signature.invalid]"), qPrintable(r.err));
        QVERIFY(r.out.isEmpty()); // nothing that looks like verified claims

        const CliResult aud
            = runWrit({"token", "verify", token, "--jwks", jwks(), "--iss", "https://dev.local", "--aud", "billing"});
        QCOMPARE(aud.exitCode, 1);
        QVERIFY2(aud.err.contains("[claims.audience]"), qPrintable(aud.err));

        const CliResult iss
            = runWrit({"token", "verify", token, "--jwks", jwks(), "--iss", "https://other.example", "--aud", "writ-gateway"});
        QCOMPARE(iss.exitCode, 1);
        QVERIFY2(iss.err.contains("[trust.untrusted-issuer]"), qPrintable(iss.err));

        const QStringList seg = token.split('.');
        const QString none = QStringLiteral("eyJhbGciOiJub25lIn0.") + seg[1] + ".";
        const CliResult alg = runWrit(verifyArgs(none));
        QCOMPARE(alg.exitCode, 1);
        QVERIFY2(alg.err.contains("[header.alg-none]"), qPrintable(alg.err));
    }

    void editedExpiryIsAForgeryNotAnExpiry()
    {
        const QString token = issue();
        const QString expired = payloadSegmentWith(token, "exp", 1000000000);
        const CliResult r = runWrit(verifyArgs(expired));
        QCOMPARE(r.exitCode, 1);
        // The signature is checked first: an edited exp is a forgery, not an expired token.
        QVERIFY2(r.err.contains("[signature.invalid]"), qPrintable(r.err));
    }

    void inspectExplainsWithoutTrusting()
    {
        const QString token = issue();
        const CliResult r = runWrit({"token", "inspect", token});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY(r.out.contains("NOT VERIFIED"));
        QVERIFY(r.out.contains("\"sub\": \"agent-7\""));
        QVERIFY(r.out.contains("exp"));
        QVERIFY2(r.out.contains("(in 4m") || r.out.contains("(in 5m"), qPrintable(r.out));

        // A tampered token still decodes: inspect explains, it does not verify.
        const CliResult tampered = runWrit({"token", "inspect", payloadSegmentWith(token, "sub", "admin")});
        QCOMPARE(tampered.exitCode, 0);
        QVERIFY(tampered.out.contains("\"sub\": \"admin\""));

        const QStringList seg = token.split('.');
        const CliResult none = runWritWithInput({"token", "inspect", "-"}, ("eyJhbGciOiJub25lIn0." + seg[1] + ".").toUtf8());
        QCOMPARE(none.exitCode, 0);
        QVERIFY2(none.out.contains("header.alg-none"), qPrintable(none.out));

        const CliResult garbage = runWrit({"token", "inspect", "not.a-token"});
        QCOMPARE(garbage.exitCode, 1);
        QVERIFY2(garbage.out.contains("[token.segments]"), qPrintable(garbage.out));
    }

    void taskCredentialShapedTokenVerifiesWithTask()
    {
        const QString token = issue({"--typ", "writ-task+jwt", "--claim", "agent=support-summarizer", "--claim", "tid=t-1",
            "--claim", "task_type=summarize-tickets", "--claim", "ctx_digest=sha256:abc", "--claim", "env=prod"});
        const CliResult asTask = runWrit({"token", "verify", token, "--task", "--jwks", jwks(), "--iss", "https://dev.local",
            "--aud", "writ-gateway", "--context-digest", "sha256:abc"});
        QVERIFY2(asTask.exitCode == 0, qPrintable(asTask.err));
        QVERIFY2(asTask.err.contains("agent 'support-summarizer'"), qPrintable(asTask.err));
        const CliResult wrongContext = runWrit({"token", "verify", token, "--task", "--jwks", jwks(), "--iss",
            "https://dev.local", "--aud", "writ-gateway", "--context-digest", "sha256:other"});
        QCOMPARE(wrongContext.exitCode, 1);
        QVERIFY2(wrongContext.err.contains("[claims.context-digest]"), qPrintable(wrongContext.err));
        // The same token is not a workload identity.
        const CliResult asIdentity = runWrit(verifyArgs(token));
        QCOMPARE(asIdentity.exitCode, 1);
        QVERIFY2(asIdentity.err.contains("[header.typ]"), qPrintable(asIdentity.err));
    }

    void environmentProblemsExitWith3()
    {
        const QString token = issue();
        const CliResult r = runWrit(
            {"token", "verify", token, "--jwks", m_dir.filePath("missing.json"), "--iss", "https://dev.local", "--aud", "x"});
        QCOMPARE(r.exitCode, 3);
        const CliResult k
            = runWrit({"token", "issue", "--key", m_dir.filePath("missing.pem"), "--iss", "i", "--sub", "s", "--aud", "a"});
        QCOMPARE(k.exitCode, 3);
    }

    void rotationAddsASecondKeyToTheSameJwks()
    {
        const QString before = issue();
        const CliResult r = runWrit({"keys", "generate", "--out", m_keys, "--kid", "dev-2"});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        // Tokens of the old key still verify against the updated key set, and the new key signs.
        QCOMPARE(runWrit(verifyArgs(before)).exitCode, 0);
        const CliResult issued = runWrit({"token", "issue", "--key", m_keys + "/dev-2.private.pem", "--iss", "https://dev.local",
            "--sub", "agent-7", "--aud", "writ-gateway"});
        QCOMPARE(issued.exitCode, 0);
        const CliResult v = runWrit(verifyArgs(issued.out.trimmed()));
        QVERIFY2(v.exitCode == 0 && v.err.contains("'dev-2'"), qPrintable(v.err));
    }
};

QTEST_GUILESS_MAIN(TestCliToken)
#include "tst_cli_token.moc"
