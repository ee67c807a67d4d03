// SPDX-License-Identifier: Apache-2.0
#include "identity_test_support.h"

#include "identity/jwk.h"
#include "identity/jws.h"
#include "identity/task_credential.h"

#include <QtTest>

using namespace writ::identity;
using namespace idtest;
using namespace std::chrono_literals;

namespace {

const std::map<std::string, std::string> kContext {{"customer_id", "42"}, {"region", "eu"}};

TaskCredentialRequest request()
{
    TaskCredentialRequest r;
    r.agent = "support-summarizer";
    r.taskId = "7f6c2a9e-0d1b-4f7e-9a55-1c2b3d4e5f60";
    r.taskType = "summarize-tickets";
    r.contextDigest = contextDigest(kContext);
    r.environment = "prod";
    r.workflowId = "wf-123";
    r.ttl = 5min;
    return r;
}

TaskKeyRing ring(const std::string &kid)
{
    auto r = TaskKeyRing::create(generated(KeyType::Ed25519, kid));
    if (!r)
        qFatal("%s", r.error().toString().c_str());
    return std::move(r).value();
}

TaskCredentialRules rules()
{
    return TaskCredentialRules {"writ", "writ-gateway", 30s, 1h};
}

} // namespace

class TestTaskCredentials : public QObject
{
    Q_OBJECT

private slots:
    void issueAndVerifyRoundTrip()
    {
        const TaskCredentialIssuer issuer(ring("task-2024-01"), "writ", "writ-gateway", fixedClock());
        const auto token = issuer.issue(request());
        QVERIFY2(token.ok(), token.ok() ? "" : token.error().toString().c_str());

        const auto jws = decodeCompact(*token);
        QVERIFY(jws.ok());
        QCOMPARE(jws->header.alg, std::string("EdDSA"));
        QCOMPARE(jws->header.typ, std::string("writ-task+jwt"));
        QCOMPARE(jws->header.kid, std::string("task-2024-01"));

        const TaskCredentialVerifier verifier(rules(), issuer.keys().verificationKeys(), fixedClock());
        const auto cred = verifier.verify(*token);
        QVERIFY2(cred.ok(), cred.ok() ? "" : cred.error().toString().c_str());
        QCOMPARE(cred->agent, std::string("support-summarizer"));
        QCOMPARE(cred->taskId, request().taskId);
        QCOMPARE(cred->taskType, std::string("summarize-tickets"));
        QCOMPARE(cred->contextDigest, contextDigest(kContext));
        QCOMPARE(cred->environment, std::string("prod"));
        QCOMPARE(cred->workflowId, std::string("wf-123"));
        QCOMPARE(cred->issuer, std::string("writ"));
        QCOMPARE(cred->kid, std::string("task-2024-01"));
        QCOMPARE(cred->issuedAt.time_since_epoch().count(), kNow);
        QCOMPARE(cred->expiresAt.time_since_epoch().count(), kNow + 300);
        QCOMPARE(cred->jti.size(), std::size_t(22)); // 128 random bits
    }

    void claimsAreTheDocumentedOnes()
    {
        const TaskCredentialIssuer issuer(ring("k"), "writ", "writ-gateway", fixedClock());
        const auto jws = decodeCompact(issuer.issue(request()).value());
        const QJsonObject claims = QJsonDocument::fromJson(QByteArray::fromStdString(jws->payload)).object();
        QStringList keys = claims.keys();
        keys.sort();
        QCOMPARE(keys, QStringList({"agent", "aud", "ctx_digest", "env", "exp", "iat", "iss", "jti", "task_type", "tid", "wf"}));
        TaskCredentialRequest noWorkflow = request();
        noWorkflow.workflowId.clear();
        const auto jws2 = decodeCompact(issuer.issue(noWorkflow).value());
        QVERIFY(!QJsonDocument::fromJson(QByteArray::fromStdString(jws2->payload)).object().contains("wf"));
    }

    void everyCredentialHasItsOwnJti()
    {
        const TaskCredentialIssuer issuer(ring("k"), "writ", "writ-gateway", fixedClock());
        const TaskCredentialVerifier verifier(rules(), issuer.keys().verificationKeys(), fixedClock());
        const auto a = verifier.verify(issuer.issue(request()).value());
        const auto b = verifier.verify(issuer.issue(request()).value());
        QVERIFY(a.ok() && b.ok());
        QVERIFY(a->jti != b->jti);
    }

    void contextDigestBindsTheCredential()
    {
        const TaskCredentialIssuer issuer(ring("k"), "writ", "writ-gateway", fixedClock());
        const TaskCredentialVerifier verifier(rules(), issuer.keys().verificationKeys(), fixedClock());
        const std::string token = issuer.issue(request()).value();
        QVERIFY(verifier.verify(token, contextDigest(kContext)).ok());
        auto other = kContext;
        other["customer_id"] = "43";
        QCOMPARE_REASON(verifier.verify(token, contextDigest(other)), Reason::ContextMismatch);
        QCOMPARE_REASON(verifier.verify(token, ""), Reason::ContextMismatch);
    }

    void contextDigestIsCanonicalAndUnambiguous()
    {
        const std::string d = contextDigest({{"b", "2"}, {"a", "1"}});
        QCOMPARE(d, contextDigest({{"a", "1"}, {"b", "2"}}));
        QVERIFY(d.rfind("sha256:", 0) == 0);
        QCOMPARE(d.size(), std::size_t(7 + 43));
        // Concatenation ambiguities must not collide.
        QVERIFY(contextDigest({{"a", "bc"}}) != contextDigest({{"ab", "c"}}));
        QVERIFY(contextDigest({{"a", "b"}, {"c", ""}}) != contextDigest({{"a", "b"}}));
        QVERIFY(contextDigest({}) != contextDigest({{"", ""}}));
        // Known answer: SHA-256 of the empty string.
        QCOMPARE(contextDigest({}), std::string("sha256:47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU"));
    }

    void rotationKeepsTwoKeysActive()
    {
        TaskCredentialIssuer issuer(ring("k1"), "writ", "writ-gateway", fixedClock());
        const std::string byK1 = issuer.issue(request()).value();

        QVERIFY(issuer.rotate(generated(KeyType::Ed25519, "k2")).ok());
        QCOMPARE(issuer.keys().current().kid(), std::string("k2"));
        QCOMPARE(issuer.keys().previous()->kid(), std::string("k1"));
        const std::string byK2 = issuer.issue(request()).value();
        QCOMPARE(decodeCompact(byK2)->header.kid, std::string("k2"));

        // Gateways verify with both active keys: credentials issued before the rotation keep working.
        const TaskCredentialVerifier both(rules(), issuer.keys().verificationKeys(), fixedClock());
        QVERIFY(both.verify(byK1).ok());
        QVERIFY(both.verify(byK2).ok());

        // The next rotation drops k1: what it signed is refused, as for a revoked key.
        QVERIFY(issuer.rotate(generated(KeyType::Ed25519, "k3")).ok());
        const TaskCredentialVerifier after(rules(), issuer.keys().verificationKeys(), fixedClock());
        QCOMPARE_REASON(after.verify(byK1), Reason::UnknownKid);
        QVERIFY(after.verify(byK2).ok());
        QVERIFY(after.verify(issuer.issue(request()).value()).ok());
    }

    void publishedJwksVerifiesOnAnotherGateway()
    {
        TaskCredentialIssuer issuer(ring("k1"), "writ", "writ-gateway", fixedClock());
        QVERIFY(issuer.rotate(generated(KeyType::Ed25519, "k2")).ok());
        const auto published = parseJwks(toJwks(issuer.keys().verificationKeys().keys));
        QVERIFY(published.ok());
        QCOMPARE(published->keys.size(), std::size_t(2));
        const TaskCredentialVerifier verifier(rules(), *published, fixedClock());
        QVERIFY(verifier.verify(issuer.issue(request()).value()).ok());
    }

    void keyRingRules()
    {
        QCOMPARE_REASON(TaskKeyRing::create(generated(KeyType::EcP256, "ec")), Reason::Config);
        QCOMPARE_REASON(TaskKeyRing::create(generated(KeyType::Ed25519, "")), Reason::Config);
        QCOMPARE_REASON(
            TaskKeyRing::create(generated(KeyType::Ed25519, "same"), generated(KeyType::Ed25519, "same")), Reason::Config);
        TaskKeyRing r = ring("a");
        QCOMPARE_REASON(r.rotate(generated(KeyType::Ed25519, "a")), Reason::Config);
        QCOMPARE_REASON(r.rotate(generated(KeyType::Rsa, "b")), Reason::Config);
        QCOMPARE(r.current().kid(), std::string("a")); // a refused rotation changes nothing
        QVERIFY(!r.previous());
    }

    void issuingRefusesBadRequests()
    {
        const TaskCredentialIssuer issuer(ring("k"), "writ", "writ-gateway", fixedClock());
        auto r = request();
        r.agent.clear();
        QCOMPARE_REASON(issuer.issue(r), Reason::ClaimMissing);
        r = request();
        r.contextDigest.clear();
        QCOMPARE_REASON(issuer.issue(r), Reason::ClaimMissing);
        r = request();
        r.ttl = 0s;
        QCOMPARE_REASON(issuer.issue(r), Reason::LifetimeTooLong);
        r.ttl = 25h;
        QCOMPARE_REASON(issuer.issue(r), Reason::LifetimeTooLong);
        r = request();
        r.taskId = std::string(300, 'x');
        QCOMPARE_REASON(issuer.issue(r), Reason::TokenFieldTooLarge);
        r = request();
        r.environment = "pr\xff"
                        "d";
        QCOMPARE_REASON(issuer.issue(r), Reason::ClaimType);
        const TaskCredentialIssuer noAudience(ring("k"), "writ", "", fixedClock());
        QCOMPARE_REASON(noAudience.issue(request()), Reason::Config);
    }

    void verifierRefusals()
    {
        const TaskCredentialIssuer issuer(ring("k"), "writ", "writ-gateway", fixedClock());
        const KeySet keys = issuer.keys().verificationKeys();
        const std::string token = issuer.issue(request()).value();

        // Time: 5 minutes of life, 30 s of leeway.
        QVERIFY(TaskCredentialVerifier(rules(), keys, fixedClock(kNow + 329)).verify(token).ok());
        QCOMPARE_REASON(TaskCredentialVerifier(rules(), keys, fixedClock(kNow + 330)).verify(token), Reason::Expired);
        QCOMPARE_REASON(TaskCredentialVerifier(rules(), keys, fixedClock(kNow - 31)).verify(token), Reason::IssuedInFuture);

        // Lifetime above what this gateway accepts.
        auto longer = request();
        longer.ttl = 2h;
        QCOMPARE_REASON(
            TaskCredentialVerifier(rules(), keys, fixedClock()).verify(issuer.issue(longer).value()), Reason::LifetimeTooLong);

        // Issuer and audience.
        QCOMPARE_REASON(
            TaskCredentialVerifier({"other-writ", "writ-gateway"}, keys, fixedClock()).verify(token), Reason::WrongIssuer);
        QCOMPARE_REASON(
            TaskCredentialVerifier({"writ", "staging-gateway"}, keys, fixedClock()).verify(token), Reason::WrongAudience);

        // Another issuer's keys.
        QCOMPARE_REASON(
            TaskCredentialVerifier(rules(), ring("k2").verificationKeys(), fixedClock()).verify(token), Reason::UnknownKid);
        KeySet impostor;
        PublicKey other = generated(KeyType::Ed25519, "k").publicKey();
        impostor.keys = {other};
        QCOMPARE_REASON(TaskCredentialVerifier(rules(), impostor, fixedClock()).verify(token), Reason::SignatureInvalid);

        // Tampering.
        QStringList seg = segments(token);
        const QJsonObject claims
            = QJsonDocument::fromJson(QByteArray::fromBase64(seg[1].toLatin1(), QByteArray::Base64UrlEncoding)).object();
        QJsonObject forged = claims;
        forged.insert("task_type", "export-everything");
        seg[1] = QString::fromStdString(b64(idtest::json(forged)));
        QCOMPARE_REASON(
            TaskCredentialVerifier(rules(), keys, fixedClock()).verify(seg.join('.').toStdString()), Reason::SignatureInvalid);
    }

    void onlyTaskCredentialsAreAccepted()
    {
        const TaskKeyRing keys = ring("k");
        const PrivateKey &key = keys.current();
        const TaskCredentialVerifier verifier(rules(), keys.verificationKeys(), fixedClock());
        const QJsonObject good {{"iss", "writ"}, {"aud", "writ-gateway"}, {"iat", double(kNow)}, {"exp", double(kNow + 60)},
            {"jti", "j"}, {"agent", "a"}, {"tid", "t"}, {"task_type", "tt"}, {"ctx_digest", "d"}, {"env", ""}};
        const auto signedWith = [&](const QJsonObject &header, const QJsonObject &claims) {
            return sign(key, idtest::json(header), idtest::json(claims));
        };
        const QJsonObject taskHeader {{"alg", "EdDSA"}, {"kid", "k"}, {"typ", "writ-task+jwt"}};
        QVERIFY(verifier.verify(signedWith(taskHeader, good)).ok());

        // An identity token (or anything not typed as a task credential) signed by the same key.
        QCOMPARE_REASON(
            verifier.verify(signedWith({{"alg", "EdDSA"}, {"kid", "k"}, {"typ", "JWT"}}, good)), Reason::TypeMismatch);
        QCOMPARE_REASON(verifier.verify(signedWith({{"alg", "EdDSA"}, {"kid", "k"}}, good)), Reason::TypeMismatch);
        QCOMPARE_REASON(verifier.verify(signedWith({{"alg", "EdDSA"}, {"typ", "writ-task+jwt"}}, good)), Reason::KidMissing);

        for (const char *claim : {"agent", "tid", "task_type", "ctx_digest", "env", "jti", "iat"}) {
            QJsonObject missing = good;
            missing.remove(claim);
            QCOMPARE_REASON(verifier.verify(signedWith(taskHeader, missing)), Reason::ClaimMissing);
        }
        QJsonObject emptyAgent = good;
        emptyAgent.insert("agent", "");
        QCOMPARE_REASON(verifier.verify(signedWith(taskHeader, emptyAgent)), Reason::ClaimMissing);
        QJsonObject numericTid = good;
        numericTid.insert("tid", 5);
        QCOMPARE_REASON(verifier.verify(signedWith(taskHeader, numericTid)), Reason::ClaimMissing);
    }

    void nonEd25519KeysAreNotUsedForTaskCredentials()
    {
        KeySet keys;
        keys.keys = {generated(KeyType::EcP256, "ec").publicKey()};
        const PrivateKey ec = generated(KeyType::EcP256, "ec");
        keys.keys = {ec.publicKey()};
        const TaskCredentialVerifier verifier(rules(), keys, fixedClock());
        const QJsonObject header {{"alg", "ES256"}, {"kid", "ec"}, {"typ", "writ-task+jwt"}};
        const std::string token = sign(ec, idtest::json(header), R"({"iss":"writ"})");
        QCOMPARE_REASON(verifier.verify(token), Reason::KeyUnusable);
    }
};

QTEST_GUILESS_MAIN(TestTaskCredentials)
#include "tst_task_credentials.moc"
