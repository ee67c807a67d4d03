// SPDX-License-Identifier: Apache-2.0
// Known-answer tests from the RFCs, then sign/verify round trips for each accepted algorithm.
#include "identity_test_support.h"

#include "identity/claims.h"
#include "identity/jwk.h"
#include "identity/jws.h"

#include <QtTest>

using namespace writ::identity;
using namespace idtest;

class TestJwsVerify : public QObject
{
    Q_OBJECT

private:
    static PublicKey jwk(const char *file)
    {
        auto k = parseJwk(data(file));
        if (!k)
            qFatal("%s: %s", file, k.error().toString().c_str());
        return k.value();
    }

private slots:
    void rfc8037Ed25519SignatureVerifies()
    {
        const auto jws = decodeCompact(data("rfc8037_a4_ed25519.jws"));
        QVERIFY2(jws.ok(), jws.ok() ? "" : jws.error().toString().c_str());
        QCOMPARE(jws->header.alg, std::string("EdDSA"));
        QCOMPARE(jws->payload, std::string("Example of Ed25519 signing"));
        QCOMPARE(jws->signature.size(), std::size_t(64));
        const Status st = verifySignature(*jws, jwk("rfc8037_a_ed25519_public.jwk"));
        QVERIFY2(st.ok(), st.ok() ? "" : st.error().toString().c_str());
    }

    void rfc8037Ed25519SigningIsByteExact()
    {
        // Ed25519 is deterministic: signing the RFC's input with the RFC's key must give the RFC's token.
        const auto seed = base64urlDecode(data("rfc8037_a_ed25519_private_d.txt"));
        QVERIFY(seed.ok());
        const auto key = PrivateKey::fromEd25519Seed(*seed);
        QVERIFY(key.ok());
        const auto token = signCompactRaw(R"({"alg":"EdDSA"})", "Example of Ed25519 signing", *key);
        QVERIFY(token.ok());
        QCOMPARE(QString::fromStdString(*token), QString::fromStdString(data("rfc8037_a4_ed25519.jws")));
    }

    void rfc7515Es256SignatureVerifies()
    {
        const auto jws = decodeCompact(data("rfc7515_a3_es256.jws"));
        QVERIFY(jws.ok());
        QCOMPARE(jws->signature.size(), std::size_t(64)); // R||S, not DER
        const Status st = verifySignature(*jws, jwk("rfc7515_a3_es256_public.jwk"));
        QVERIFY2(st.ok(), st.ok() ? "" : st.error().toString().c_str());
    }

    void rfc7515Rs256SignatureVerifies()
    {
        const auto jws = decodeCompact(data("rfc7515_a2_rs256.jws"));
        QVERIFY(jws.ok());
        const PublicKey key = jwk("rfc7515_a2_rs256_public.jwk");
        QCOMPARE(key.bits(), 2048);
        QCOMPARE(jws->signature.size(), std::size_t(256));
        const Status st = verifySignature(*jws, key);
        QVERIFY2(st.ok(), st.ok() ? "" : st.error().toString().c_str());
    }

    void rfc7515PayloadParsesAsClaims()
    {
        // The appendix A payload has CRLF line breaks inside the JSON; it is still one valid claims object.
        const auto jws = decodeCompact(data("rfc7515_a2_rs256.jws"));
        QVERIFY(jws.ok());
        const auto claims = parseClaims(jws->payload);
        QVERIFY2(claims.ok(), claims.ok() ? "" : claims.error().toString().c_str());
        QCOMPARE(claims->iss, std::string("joe"));
        QCOMPARE(*claims->exp, std::int64_t(1300819380));
        QVERIFY(!claims->nbf && !claims->iat);
    }

    void rfcVectorsFailWithAnotherKey()
    {
        const auto ed = decodeCompact(data("rfc8037_a4_ed25519.jws"));
        const auto es = decodeCompact(data("rfc7515_a3_es256.jws"));
        const auto rs = decodeCompact(data("rfc7515_a2_rs256.jws"));
        QVERIFY(ed.ok() && es.ok() && rs.ok());
        QCOMPARE_REASON(verifySignature(*ed, generated(KeyType::Ed25519, "x").publicKey()), Reason::SignatureInvalid);
        QCOMPARE_REASON(verifySignature(*es, generated(KeyType::EcP256, "x").publicKey()), Reason::SignatureInvalid);
        QCOMPARE_REASON(verifySignature(*rs, generated(KeyType::Rsa, "x").publicKey()), Reason::SignatureInvalid);
    }

    void keyPinsTheAlgorithm()
    {
        // The RFC tokens presented to keys of the other types: refused before any cryptography.
        const auto ed = decodeCompact(data("rfc8037_a4_ed25519.jws"));
        const auto es = decodeCompact(data("rfc7515_a3_es256.jws"));
        QVERIFY(ed.ok() && es.ok());
        QCOMPARE_REASON(verifySignature(*ed, jwk("rfc7515_a3_es256_public.jwk")), Reason::AlgKeyMismatch);
        QCOMPARE_REASON(verifySignature(*es, jwk("rfc7515_a2_rs256_public.jwk")), Reason::AlgKeyMismatch);
        QCOMPARE_REASON(verifySignature(*es, jwk("rfc8037_a_ed25519_public.jwk")), Reason::AlgKeyMismatch);
    }

    void roundTrip_data()
    {
        QTest::addColumn<int>("type");
        QTest::addColumn<QString>("alg");
        QTest::addColumn<int>("signatureBytes");
        QTest::newRow("EdDSA") << int(KeyType::Ed25519) << "EdDSA" << 64;
        QTest::newRow("ES256") << int(KeyType::EcP256) << "ES256" << 64;
        QTest::newRow("RS256") << int(KeyType::Rsa) << "RS256" << 256;
    }

    void roundTrip()
    {
        QFETCH(int, type);
        QFETCH(QString, alg);
        QFETCH(int, signatureBytes);
        const PrivateKey key = generated(KeyType(type), "rt");
        const auto token = signCompact(R"({"sub":"x"})", key);
        QVERIFY(token.ok());
        const auto jws = decodeCompact(*token);
        QVERIFY(jws.ok());
        QCOMPARE(QString::fromStdString(jws->header.alg), alg);
        QCOMPARE(jws->header.kid, std::string("rt"));
        QCOMPARE(jws->header.typ, std::string("JWT"));
        QCOMPARE(int(jws->signature.size()), signatureBytes);
        QVERIFY(verifySignature(*jws, key.publicKey()).ok());
    }

    void es256SignaturesAreRawNotDer()
    {
        const PrivateKey key = generated(KeyType::EcP256, "ec");
        for (int i = 0; i < 20; ++i) { // r or s with leading zero bytes must still be padded to 32
            const auto token = signCompact("{\"i\":" + std::to_string(i) + "}", key);
            QVERIFY(token.ok());
            const auto jws = decodeCompact(*token);
            QCOMPARE(jws->signature.size(), std::size_t(64));
            QVERIFY(verifySignature(*jws, key.publicKey()).ok());
        }
    }

    void signingRefusesAHeaderThatDisagreesWithTheKey()
    {
        const PrivateKey key = generated(KeyType::Ed25519, "k");
        QCOMPARE_REASON(signCompactRaw(R"({"alg":"RS256"})", "{}", key), Reason::AlgKeyMismatch);
        QCOMPARE_REASON(signCompactRaw(R"({"alg":"none"})", "{}", key), Reason::AlgKeyMismatch);
    }

    void headerFieldsAreRead()
    {
        const std::string token
            = assemble(R"({"alg":"EdDSA","kid":"k1","typ":"JWT","cty":"x","crit":["exp"],"jku":"https://a","x5c":[]})", "{}",
                std::string(64, 'a'));
        const auto jws = splitCompact(token);
        QVERIFY(jws.ok());
        QCOMPARE(jws->header.kid, std::string("k1"));
        QVERIFY(jws->header.hasKid);
        QCOMPARE(jws->header.cty, std::string("x"));
        QCOMPARE(jws->header.crit.size(), std::size_t(1));
        QCOMPARE(jws->header.keyReferences.size(), std::size_t(2));
        QCOMPARE_REASON(checkHeader(jws->header), Reason::KeyReferenceHeader);
    }
};

QTEST_GUILESS_MAIN(TestJwsVerify)
#include "tst_jws_verify.moc"
