// SPDX-License-Identifier: Apache-2.0
#include "identity_test_support.h"

#include "identity/jwk.h"
#include "identity/key.h"

#include <QtTest>

using namespace writ::identity;
using namespace idtest;

namespace {

// A valid Ed25519 public key (RFC 8037) in JWK members, for building variations.
const QString kEdX = QStringLiteral("11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo");

std::string jwks(const QList<QJsonObject> &keys)
{
    QJsonArray arr;
    for (const QJsonObject &k : keys)
        arr.append(k);
    return idtest::json(QJsonObject {{"keys", arr}});
}

} // namespace

class TestJwk : public QObject
{
    Q_OBJECT

private slots:
    void parsesTheRfcKeys()
    {
        const auto ed = parseJwk(data("rfc8037_a_ed25519_public.jwk"));
        QVERIFY2(ed.ok(), ed.ok() ? "" : ed.error().toString().c_str());
        QCOMPARE(ed->type(), KeyType::Ed25519);
        QCOMPARE(ed->algorithm(), Algorithm::EdDSA);

        const auto ec = parseJwk(data("rfc7515_a3_es256_public.jwk"));
        QVERIFY2(ec.ok(), ec.ok() ? "" : ec.error().toString().c_str());
        QCOMPARE(ec->type(), KeyType::EcP256);
        QCOMPARE(ec->algorithm(), Algorithm::ES256);

        const auto rsa = parseJwk(data("rfc7515_a2_rs256_public.jwk"));
        QVERIFY2(rsa.ok(), rsa.ok() ? "" : rsa.error().toString().c_str());
        QCOMPARE(rsa->type(), KeyType::Rsa);
        QCOMPARE(rsa->bits(), 2048); // RFC 7515 A.2's key is exactly at the minimum
    }

    void thumbprintMatchesRfc8037AppendixA3()
    {
        const auto ed = parseJwk(data("rfc8037_a_ed25519_public.jwk"));
        QVERIFY(ed.ok());
        QCOMPARE(QString::fromStdString(jwkThumbprint(*ed)), QString::fromStdString(data("rfc8037_a3_thumbprint.txt")));
    }

    void privateSeedDerivesThePublishedPublicKey()
    {
        const auto d = base64urlDecode(data("rfc8037_a_ed25519_private_d.txt"));
        QVERIFY(d.ok());
        const auto priv = PrivateKey::fromEd25519Seed(*d);
        QVERIFY(priv.ok());
        const auto pub = parseJwk(data("rfc8037_a_ed25519_public.jwk"));
        QVERIFY(pub.ok());
        QVERIFY(priv->publicKey().sameKeyAs(*pub));
    }

    void exportRoundTripsForEveryKeyType_data()
    {
        QTest::addColumn<int>("type");
        QTest::newRow("Ed25519") << int(KeyType::Ed25519);
        QTest::newRow("P-256") << int(KeyType::EcP256);
        QTest::newRow("RSA") << int(KeyType::Rsa);
    }

    void exportRoundTripsForEveryKeyType()
    {
        QFETCH(int, type);
        const PrivateKey key = generated(KeyType(type), "k-1");
        const PublicKey pub = key.publicKey();
        QCOMPARE(pub.kid(), std::string("k-1"));

        const auto fromJwk = parseJwk(toJwk(pub));
        QVERIFY2(fromJwk.ok(), fromJwk.ok() ? "" : fromJwk.error().toString().c_str());
        QVERIFY(fromJwk->sameKeyAs(pub));
        QCOMPARE(fromJwk->kid(), std::string("k-1"));

        const auto fromSet = parseJwks(toJwks({pub}));
        QVERIFY(fromSet.ok());
        QCOMPARE(fromSet->keys.size(), std::size_t(1));
        QVERIFY(fromSet->skipped.empty());

        const auto fromPem = PublicKey::fromPem(pub.toPem());
        QVERIFY(fromPem.ok());
        QVERIFY(fromPem->sameKeyAs(pub));

        const auto privPem = PrivateKey::fromPem(key.toPem());
        QVERIFY(privPem.ok());
        QVERIFY(privPem->publicKey().sameKeyAs(pub));
        QCOMPARE(jwkThumbprint(privPem->publicKey()), jwkThumbprint(pub));
    }

    void refusesBadJwks_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<int>("reason");
        const QJsonObject ed {{"kty", "OKP"}, {"crv", "Ed25519"}, {"x", kEdX}};
        auto with = [](QJsonObject o, const QString &k, const QJsonValue &v) {
            o.insert(k, v);
            return QString::fromStdString(idtest::json(o));
        };
        QTest::newRow("private d") << with(ed, "d", "nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A")
                                   << int(Reason::JwkPrivateMaterial);
        QTest::newRow("symmetric oct") << R"({"kty":"oct","k":"c2VjcmV0"})" << int(Reason::JwkPrivateMaterial);
        QTest::newRow("oct without k") << R"({"kty":"oct"})" << int(Reason::JwkUnsupported);
        QTest::newRow("use enc") << with(ed, "use", "enc") << int(Reason::JwkUnsupported);
        QTest::newRow("key_ops sign only") << with(ed, "key_ops", QJsonArray {"sign"}) << int(Reason::JwkUnsupported);
        QTest::newRow("alg of another key type") << with(ed, "alg", "RS256") << int(Reason::JwkInvalid);
        QTest::newRow("alg HS256") << with(ed, "alg", "HS256") << int(Reason::JwkUnsupported);
        QTest::newRow("alg none") << with(ed, "alg", "none") << int(Reason::JwkUnsupported);
        QTest::newRow("Ed448") << with(ed, "crv", "Ed448") << int(Reason::JwkUnsupported);
        QTest::newRow("X25519") << with(ed, "crv", "X25519") << int(Reason::JwkUnsupported);
        QTest::newRow("Ed25519 x too short")
            << with(ed, "x", "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHUQ") << int(Reason::JwkInvalid);
        QTest::newRow("x padded") << with(ed, "x", kEdX + "=") << int(Reason::JwkInvalid);
        QTest::newRow("P-384") << R"({"kty":"EC","crv":"P-384","x":"AA","y":"AA"})" << int(Reason::JwkUnsupported);
        QTest::newRow("secp256k1") << R"({"kty":"EC","crv":"secp256k1","x":"AA","y":"AA"})" << int(Reason::JwkUnsupported);
        // The RFC 7515 A.3 point with y changed: not on the curve (an invalid-curve attack input).
        QTest::newRow("point not on curve")
            << R"({"kty":"EC","crv":"P-256","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a4"})"
            << int(Reason::JwkInvalid);
        QTest::newRow("EC x short")
            << R"({"kty":"EC","crv":"P-256","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVA","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"})"
            << int(Reason::JwkInvalid);
        QTest::newRow("RSA 1024") << QString::fromStdString(data("rsa1024_public.jwk")) << int(Reason::JwkWeak);
        QTest::newRow("unknown kty") << R"({"kty":"XYZ"})" << int(Reason::JwkUnsupported);
        QTest::newRow("no kty") << R"({"crv":"Ed25519"})" << int(Reason::JwkInvalid);
        QTest::newRow("duplicate member") << QString(R"({"kty":"OKP","crv":"Ed25519","x":"%1","x":"%1"})").arg(kEdX)
                                          << int(Reason::JwkInvalid);
        QTest::newRow("not json") << "kty=OKP" << int(Reason::JwkInvalid);
        QTest::newRow("array") << "[]" << int(Reason::JwkInvalid);
    }

    void refusesBadJwks()
    {
        QFETCH(QString, text);
        QFETCH(int, reason);
        QCOMPARE_REASON(parseJwk(text.toStdString()), Reason(reason));
    }

    void rsaModulusWithLeadingZeroIsRefused()
    {
        // RFC 7518 §6.3.1.1: the modulus in its shortest form; the RFC key with one zero octet prepended is refused.
        const auto rsa = parseJwk(data("rfc7515_a2_rs256_public.jwk"));
        QVERIFY(rsa.ok());
        const std::string n = rsa->params().n;
        const std::string jwk = "{\"kty\":\"RSA\",\"n\":\"" + base64urlEncode(std::string(1, '\0') + n) + "\",\"e\":\"AQAB\"}";
        const auto r = parseJwk(jwk);
        QCOMPARE_REASON(r, Reason::JwkInvalid);
        QVERIFY(r.error().message.find("leading zero") != std::string::npos);
    }

    void weakRsaPemIsRefused()
    {
        QCOMPARE_REASON(PublicKey::fromPem(data("rsa1024_public.pem")), Reason::JwkWeak);
        QCOMPARE_REASON(parseKeyFile(data("rsa1024_public.pem")), Reason::JwkWeak);
    }

    void pemWithPrivateKeyIsNotAPublicKeyFile()
    {
        const PrivateKey key = generated(KeyType::Ed25519, "");
        QCOMPARE_REASON(PublicKey::fromPem(key.toPem()), Reason::JwkPrivateMaterial);
        QCOMPARE_REASON(PrivateKey::fromPem(key.publicKey().toPem()), Reason::PemInvalid);
        QCOMPARE_REASON(PrivateKey::fromPem("-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n"),
            Reason::PemInvalid);
        QCOMPARE_REASON(PublicKey::fromPem("not a pem"), Reason::PemInvalid);
    }

    void jwksSkipsKeysItCannotUseButKeepsTheRest()
    {
        const QJsonObject good {{"kty", "OKP"}, {"crv", "Ed25519"}, {"x", kEdX}, {"kid", "good"}};
        const QJsonObject enc {{"kty", "OKP"}, {"crv", "Ed25519"}, {"x", kEdX}, {"kid", "encryption"}, {"use", "enc"}};
        const QJsonObject p384 {{"kty", "EC"}, {"crv", "P-384"}, {"x", "AA"}, {"y", "AA"}, {"kid", "p384"}};
        QJsonObject weak = QJsonDocument::fromJson(QByteArray::fromStdString(data("rsa1024_public.jwk"))).object();
        const auto set = parseJwks(jwks({good, enc, p384, weak}));
        QVERIFY2(set.ok(), set.ok() ? "" : set.error().toString().c_str());
        QCOMPARE(set->keys.size(), std::size_t(1));
        QCOMPARE(set->keys.front().kid(), std::string("good"));
        QCOMPARE(set->skipped.size(), std::size_t(3));
        QVERIFY(set->findSkipped("weak-1024"));
        QCOMPARE(set->findSkipped("weak-1024")->why.reason, Reason::JwkWeak);

        // A token naming a skipped key gets the skip reason, not a bare "unknown kid".
        const auto pick = selectKey({&set.value()}, "weak-1024", true);
        QCOMPARE_REASON(pick, Reason::KeyUnusable);
        QVERIFY(pick.error().message.find("2048") != std::string::npos);
    }

    void jwksRefusesPrivateMaterialAndDuplicateKids()
    {
        const QJsonObject a {{"kty", "OKP"}, {"crv", "Ed25519"}, {"x", kEdX}, {"kid", "a"}};
        QJsonObject withD = a;
        withD.insert("kid", "b");
        withD.insert("d", "nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A");
        QCOMPARE_REASON(parseJwks(jwks({a, withD})), Reason::JwkPrivateMaterial);
        QCOMPARE_REASON(parseJwks(jwks({a, a})), Reason::JwkDuplicateKid);
        QCOMPARE_REASON(parseJwks(R"({"kys":[]})"), Reason::JwkInvalid);
        QCOMPARE_REASON(parseJwks(R"({"keys":[],"keys":[]})"), Reason::JwkInvalid);
    }

    void keyFileFormatIsDetected()
    {
        const PrivateKey key = generated(KeyType::EcP256, "ec");
        const auto fromJwks = parseKeyFile(toJwks({key.publicKey()}));
        QVERIFY(fromJwks.ok());
        QCOMPARE(fromJwks->keys.front().kid(), std::string("ec"));
        const auto fromJwk = parseKeyFile(toJwk(key.publicKey()));
        QVERIFY(fromJwk.ok());
        const auto fromPem = parseKeyFile(key.publicKey().toPem());
        QVERIFY(fromPem.ok());
        QVERIFY(fromPem->keys.front().kid().empty());
        QCOMPARE_REASON(parseKeyFile("   "), Reason::JwkInvalid);
        QCOMPARE_REASON(parseKeyFile("hello"), Reason::JwkInvalid);
    }

    void keySelection()
    {
        const PrivateKey a = generated(KeyType::Ed25519, "a");
        const PrivateKey b = generated(KeyType::Ed25519, "b");
        KeySet two;
        two.keys = {a.publicKey(), b.publicKey()};
        QCOMPARE(selectKey({&two}, "b", true)->kid(), std::string("b"));
        QCOMPARE_REASON(selectKey({&two}, "", false), Reason::KidMissing);
        const auto unknown = selectKey({&two}, "c", true);
        QCOMPARE_REASON(unknown, Reason::UnknownKid);
        QVERIFY(unknown.error().message.find("'a'") != std::string::npos); // lists what is configured

        // A kid is a lookup name and nothing else: path-like or URL-like kids simply do not match.
        QCOMPARE_REASON(selectKey({&two}, "../../etc/passwd", true), Reason::UnknownKid);
        QCOMPARE_REASON(selectKey({&two}, "https://attacker.example/key", true), Reason::UnknownKid);

        KeySet pem; // a single key without kid (a PEM file) verifies tokens with or without kid
        PublicKey p = a.publicKey();
        p.setKid("");
        pem.keys = {p};
        QVERIFY(selectKey({&pem}, "", false).ok());
        QVERIFY(selectKey({&pem}, "anything", true).ok());
        KeySet none;
        QCOMPARE_REASON(selectKey({&none}, "a", true), Reason::NoKeys);
    }

    void rsaBoundsOnGeneration() { QCOMPARE_REASON(PrivateKey::generate(KeyType::Rsa, 1024), Reason::Config); }
};

QTEST_GUILESS_MAIN(TestJwk)
#include "tst_jwk.moc"
