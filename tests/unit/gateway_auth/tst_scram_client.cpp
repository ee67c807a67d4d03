// SPDX-License-Identifier: Apache-2.0
// The upstream SCRAM-SHA-256 client: RFC 7677's test vector, a full exchange against a server built
// from writ::tasks::scramVerifier (the verifier task start sends), hostile server messages refused,
// and the server signature checked.

#include "gateway/auth/base64.h"
#include "gateway/auth/scram_client.h"
#include "tasks/scram.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <QtTest>

#include <memory>
#include <set>

using writ::gateway::auth::ScramClient;
using Failure = ScramClient::Failure;
using State = ScramClient::State;

namespace {

// RFC 7677 §3 (the server signature recomputed independently with Python's hashlib/hmac: it is the RFC's).
constexpr const char *kRfcNonce = "rOprNGfwEbeRWgbNEkqO";
constexpr const char *kRfcServerFirst = "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096";
constexpr const char *kRfcClientFinal
    = "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=";
constexpr const char *kRfcServerFinal = "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=";

std::string hmacSha256(std::string_view key, std::string_view message)
{
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char *>(message.data()),
        message.size(), out, &len);
    return {reinterpret_cast<const char *>(out), len};
}

std::string sha256(std::string_view data)
{
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_Digest(data.data(), data.size(), out, &len, EVP_sha256(), nullptr);
    return {reinterpret_cast<const char *>(out), len};
}

std::string b64(std::string_view text)
{
    return writ::gateway::auth::base64Encode(text);
}

std::string unb64(std::string_view text)
{
    return writ::gateway::auth::base64Decode(text, 4096).value_or("<bad base64>");
}

/// The server half of SCRAM-SHA-256 over a PostgreSQL verifier "SCRAM-SHA-256$i:salt$StoredKey:ServerKey",
/// checking the client proof the way PostgreSQL's verify_client_proof does.
class VerifierServer
{
public:
    explicit VerifierServer(const std::string &verifier)
    {
        const QStringList parts = QString::fromStdString(verifier).split(QLatin1Char('$'));
        if (parts.size() != 3 || parts[0] != "SCRAM-SHA-256")
            qFatal("not a SCRAM verifier: %s", verifier.c_str());
        const QStringList countSalt = parts[1].split(QLatin1Char(':'));
        const QStringList keys = parts[2].split(QLatin1Char(':'));
        m_iterations = countSalt[0].toStdString();
        m_salt = countSalt[1].toStdString();
        m_storedKey = unb64(keys[0].toStdString());
        m_serverKey = unb64(keys[1].toStdString());
    }

    std::string serverFirst(const std::string &clientFirst)
    {
        const std::string bare = clientFirst.substr(3); // after "n,,"
        m_clientFirstBare = bare;
        const std::string clientNonce = bare.substr(bare.find(",r=") + 3);
        m_serverFirst = "r=" + clientNonce + "3rfcNHYJY1ZVvWVs7j,s=" + m_salt + ",i=" + m_iterations;
        return m_serverFirst;
    }

    /// The server-final-message, or empty when the proof is wrong.
    std::string serverFinal(const std::string &clientFinal)
    {
        const auto p = clientFinal.rfind(",p=");
        const std::string withoutProof = clientFinal.substr(0, p);
        const std::string proof = unb64(clientFinal.substr(p + 3));
        const std::string authMessage = m_clientFirstBare + "," + m_serverFirst + "," + withoutProof;
        const std::string clientSignature = hmacSha256(m_storedKey, authMessage);
        if (proof.size() != clientSignature.size())
            return {};
        std::string clientKey(proof.size(), '\0');
        for (std::size_t i = 0; i < proof.size(); ++i)
            clientKey[i] = static_cast<char>(proof[i] ^ clientSignature[i]);
        if (sha256(clientKey) != m_storedKey)
            return {};
        return "v=" + b64(hmacSha256(m_serverKey, authMessage));
    }

private:
    std::string m_iterations, m_salt, m_storedKey, m_serverKey, m_clientFirstBare, m_serverFirst;
};

/// A client that has sent client-first with the RFC's nonce.
std::unique_ptr<ScramClient> rfcClient(const std::string &password = "pencil")
{
    auto c = std::make_unique<ScramClient>(password, "user", kRfcNonce);
    c->clientFirst();
    return c;
}

} // namespace

Q_DECLARE_METATYPE(ScramClient::Failure)

class TestScramClient : public QObject
{
    Q_OBJECT

private slots:
    void rfc7677TestVector()
    {
        ScramClient c("pencil", "user", kRfcNonce);
        QCOMPARE(c.state(), State::Initial);
        QCOMPARE(c.clientFirst(), std::string("n,,n=user,r=rOprNGfwEbeRWgbNEkqO"));
        QCOMPARE(c.state(), State::SentClientFirst);
        const auto final = c.handleServerFirst(kRfcServerFirst);
        QVERIFY2(final.ok(), final.error().c_str());
        QCOMPARE(final.value(), std::string(kRfcClientFinal));
        QCOMPARE(c.state(), State::SentClientFinal);
        QVERIFY(!c.finished());
        const auto done = c.handleServerFinal(kRfcServerFinal);
        QVERIFY2(done.ok(), done.error().c_str());
        QVERIFY(done.value().empty());
        QVERIFY(c.finished());
        QCOMPARE(c.state(), State::Done);
    }

    void clientFirstIsStableAcrossCalls()
    {
        ScramClient c("pencil", "user", kRfcNonce);
        const std::string first = c.clientFirst();
        QCOMPARE(c.clientFirst(), first);
        QVERIFY(c.handleServerFirst(kRfcServerFirst).ok());
        QCOMPARE(c.clientFirst(), first);
        QCOMPARE(c.state(), State::SentClientFinal);
    }

    void wrongPasswordGivesAnotherProof()
    {
        auto c = rfcClient("pencil2");
        const auto final = c->handleServerFirst(kRfcServerFirst);
        QVERIFY(final.ok());
        QVERIFY(final.value() != kRfcClientFinal);
        QVERIFY(QByteArray::fromStdString(final.value())
                    .startsWith("c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p="));
        // The real server's signature is made from "pencil"'s keys: the client must refuse it.
        const auto done = c->handleServerFinal(kRfcServerFinal);
        QVERIFY(!done);
        QCOMPARE(done.failure(), Failure::ServerSignature);
    }

    void generatedNonceIsFreshBase64Of24Bytes()
    {
        std::set<std::string> nonces;
        for (int i = 0; i < 20; ++i) {
            ScramClient c("secret");
            const std::string first = c.clientFirst();
            QVERIFY2(first.starts_with("n,,n=,r="), first.c_str());
            const std::string nonce = first.substr(8);
            QCOMPARE(nonce.size(), std::size_t(32));
            QCOMPARE(writ::gateway::auth::base64Decode(nonce, 64).value_or("").size(), std::size_t(24));
            QVERIFY(nonce.find(',') == std::string::npos);
            nonces.insert(nonce);
        }
        QCOMPARE(nonces.size(), std::size_t(20));
    }

    void userNameIsEscaped()
    {
        ScramClient c("pw", "a=b,c", "abc");
        QCOMPARE(c.clientFirst(), std::string("n,,n=a=3Db=2Cc,r=abc"));
    }

    void injectedNonceMustBePrintableWithoutCommas()
    {
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, ScramClient("pw", "", ""));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, ScramClient("pw", "", "a,b"));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, ScramClient("pw", "", "a b"));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, ScramClient("pw", "", std::string(257, 'x')));
        ScramClient ok("pw", "", std::string(256, 'x'));
        QCOMPARE(ok.clientFirst().size(), std::size_t(8 + 256));
    }

    void fullExchangeWithTheVerifierTaskStartSends_data()
    {
        QTest::addColumn<QByteArray>("password");
        QTest::addColumn<int>("iterations");
        QTest::newRow("generated task password") << QByteArray::fromStdString(writ::tasks::randomPassword()) << 4096;
        QTest::newRow("punctuation the grammar uses") << QByteArray("p,=r=s=,i=1") << 4096;
        QTest::newRow("non-ASCII bytes used as they are") << QByteArray("gr\xc3\xbc\xc3\x9f dich \xe2\x80\x8b") << 4096;
        QTest::newRow("more iterations") << QByteArray("pencil") << 20000;
    }

    void fullExchangeWithTheVerifierTaskStartSends()
    {
        QFETCH(QByteArray, password);
        QFETCH(int, iterations);
        VerifierServer server(writ::tasks::scramVerifier(password.toStdString(), iterations));
        ScramClient client(password.toStdString());
        const auto final = client.handleServerFirst(server.serverFirst(client.clientFirst()));
        QVERIFY2(final.ok(), final.error().c_str());
        const std::string serverFinal = server.serverFinal(final.value());
        QVERIFY2(!serverFinal.empty(), "the server refused the client proof");
        const auto done = client.handleServerFinal(serverFinal);
        QVERIFY2(done.ok(), done.error().c_str());
        QVERIFY(client.finished());
    }

    void serverRefusesAProofFromAnotherPassword()
    {
        VerifierServer server(writ::tasks::scramVerifier("right password"));
        ScramClient client("wrong password");
        const auto final = client.handleServerFirst(server.serverFirst(client.clientFirst()));
        QVERIFY(final.ok());
        QVERIFY(server.serverFinal(final.value()).empty());
    }

    void hostileServerFirstIsRefused_data()
    {
        QTest::addColumn<QByteArray>("serverFirst");
        QTest::addColumn<Failure>("failure");
        const QByteArray salt = "s=W22ZaJ0SNY7soEsUEjb6gQ==";
        const QByteArray nonce = "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0";
        QTest::newRow("nonce of another client") << "r=xOprNGfwEbeRWgbNEkqO%hvY," + salt + ",i=4096" << Failure::NonceMismatch;
        QTest::newRow("nonce that is a prefix of ours") << "r=rOprNGfwEbeRWgbNEkq," + salt + ",i=4096" << Failure::NonceMismatch;
        QTest::newRow("nonce equal to ours: no server part")
            << "r=rOprNGfwEbeRWgbNEkqO," + salt + ",i=4096" << Failure::NonceMismatch;
        QTest::newRow("nonce with a control character")
            << "r=rOprNGfwEbeRWgbNEkqO\x01x," + salt + ",i=4096" << Failure::Malformed;
        QTest::newRow("empty nonce") << "r=," + salt + ",i=4096" << Failure::Malformed;
        QTest::newRow("i=0") << nonce + "," + salt + ",i=0" << Failure::IterationCount;
        QTest::newRow("i=4095") << nonce + "," + salt + ",i=4095" << Failure::IterationCount;
        QTest::newRow("i=2^31") << nonce + "," + salt + ",i=2147483648" << Failure::IterationCount;
        QTest::newRow("i=10000001") << nonce + "," + salt + ",i=10000001" << Failure::IterationCount;
        QTest::newRow("i beyond 64 bits") << nonce + "," + salt + ",i=99999999999999999999999" << Failure::Malformed;
        QTest::newRow("negative i") << nonce + "," + salt + ",i=-4096" << Failure::Malformed;
        QTest::newRow("i with a sign") << nonce + "," + salt + ",i=+4096" << Failure::Malformed;
        QTest::newRow("i with a space") << nonce + "," + salt + ",i= 4096" << Failure::Malformed;
        QTest::newRow("i in hex") << nonce + "," + salt + ",i=0x1000" << Failure::Malformed;
        QTest::newRow("empty i") << nonce + "," + salt + ",i=" << Failure::Malformed;
        QTest::newRow("salt with invalid characters") << nonce + ",s=W22ZaJ0SNY7so!sUEjb6gQ==,i=4096" << Failure::BadSalt;
        QTest::newRow("salt in base64url") << nonce + ",s=W22ZaJ0SNY7so-sUEjb6gQ==,i=4096" << Failure::BadSalt;
        QTest::newRow("salt without padding") << nonce + ",s=W22ZaJ0SNY7soEsUEjb6gQ,i=4096" << Failure::BadSalt;
        QTest::newRow("salt with wrong padding") << nonce + ",s=W22ZaJ0SNY7soEsUEjb6g===,i=4096" << Failure::BadSalt;
        QTest::newRow("salt with non-zero unused bits") << nonce + ",s=W22ZaJ0SNY7soEsUEjb6gR==,i=4096" << Failure::BadSalt;
        QTest::newRow("empty salt") << nonce + ",s=,i=4096" << Failure::BadSalt;
        QTest::newRow("salt of 1025 bytes") << nonce + ",s=" + QByteArray(1025, 'x').toBase64() + ",i=4096" << Failure::BadSalt;
        QTest::newRow("missing salt") << nonce + ",i=4096" << Failure::Malformed;
        QTest::newRow("missing iteration count") << nonce + "," + salt << Failure::Malformed;
        QTest::newRow("missing nonce") << salt + ",i=4096" << Failure::Malformed;
        QTest::newRow("attributes out of order") << salt + "," + nonce + ",i=4096" << Failure::Malformed;
        QTest::newRow("mandatory extension m=") << "m=ext," + nonce + "," + salt + ",i=4096" << Failure::Malformed;
        QTest::newRow("trailing extension") << nonce + "," + salt + ",i=4096,x=1" << Failure::Malformed;
        QTest::newRow("trailing comma") << nonce + "," + salt + ",i=4096," << Failure::Malformed;
        QTest::newRow("empty message") << QByteArray() << Failure::Malformed;
        QTest::newRow("oversized message") << nonce + QByteArray(9000, 'x') + "," + salt + ",i=4096" << Failure::Malformed;
        QTest::newRow("an error instead") << QByteArray("e=other-error") << Failure::Malformed;
    }

    void hostileServerFirstIsRefused()
    {
        QFETCH(QByteArray, serverFirst);
        QFETCH(Failure, failure);
        auto c = rfcClient();
        const auto step = c->handleServerFirst(serverFirst.toStdString());
        QVERIFY(!step);
        QVERIFY(step.value().empty());
        QVERIFY2(step.failure() == failure,
            qPrintable(QStringLiteral("got %1: %2").arg(writ::gateway::auth::toString(step.failure()), step.error().c_str())));
        QVERIFY(!step.error().empty());
        QCOMPARE(c->state(), State::Failed);
        // Once failed, nothing more is accepted.
        QCOMPARE(c->handleServerFirst(kRfcServerFirst).failure(), Failure::OutOfOrder);
        QCOMPARE(c->handleServerFinal(kRfcServerFinal).failure(), Failure::OutOfOrder);
        QVERIFY(!c->finished());
    }

    void lowestAllowedIterationCountIsAccepted()
    {
        ScramClient c("pencil", "", "abc");
        c.clientFirst();
        const auto step = c.handleServerFirst("r=abcdef,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096");
        QVERIFY2(step.ok(), step.error().c_str());
        QVERIFY(QByteArray::fromStdString(step.value()).startsWith("c=biws,r=abcdef,p="));
    }

    void serverFinal_data()
    {
        QTest::addColumn<QByteArray>("serverFinal");
        QTest::addColumn<Failure>("failure");
        QTest::newRow("the right signature") << QByteArray(kRfcServerFinal) << Failure::None;
        QTest::newRow("one bit flipped") << QByteArray("v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G8=")
                                         << Failure::ServerSignature;
        QTest::newRow("same first 13 bytes")
            << QByteArray("v=6rriTRBi23WpRR/wt/ShaG3ZZ+7ZMH9/Km7HwcDqKSg=") << Failure::ServerSignature;
        QTest::newRow("another signature") << "v=" + QByteArray(32, 'A').toBase64() << Failure::ServerSignature;
        QTest::newRow("the client proof echoed")
            << QByteArray("v=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=") << Failure::ServerSignature;
        QTest::newRow("a truncated signature") << QByteArray("v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5n") << Failure::Malformed;
        QTest::newRow("a longer signature") << "v=" + QByteArray(33, 'A').toBase64() << Failure::Malformed;
        QTest::newRow("empty signature") << QByteArray("v=") << Failure::Malformed;
        QTest::newRow("not base64") << QByteArray("v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G*=") << Failure::Malformed;
        QTest::newRow("trailing extension") << QByteArray(kRfcServerFinal) + ",x=1" << Failure::Malformed;
        QTest::newRow("neither v nor e") << QByteArray("x=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=") << Failure::Malformed;
        QTest::newRow("empty message") << QByteArray() << Failure::Malformed;
        QTest::newRow("server error") << QByteArray("e=invalid-proof") << Failure::ServerError;
        QTest::newRow("server error, other") << QByteArray("e=channel-bindings-dont-match") << Failure::ServerError;
    }

    void serverFinal()
    {
        QFETCH(QByteArray, serverFinal);
        QFETCH(Failure, failure);
        auto c = rfcClient();
        QVERIFY(c->handleServerFirst(kRfcServerFirst).ok());
        const auto step = c->handleServerFinal(serverFinal.toStdString());
        QVERIFY2(step.failure() == failure,
            qPrintable(QStringLiteral("got %1: %2").arg(writ::gateway::auth::toString(step.failure()), step.error().c_str())));
        QCOMPARE(c->finished(), failure == Failure::None);
        QCOMPARE(c->state(), failure == Failure::None ? State::Done : State::Failed);
        if (failure == Failure::ServerError)
            QVERIFY2(QByteArray::fromStdString(step.error()).contains(serverFinal.mid(2)), step.error().c_str());
    }

    void messagesOutOfOrderAreRefused()
    {
        {
            ScramClient c("pencil", "user", kRfcNonce); // no client-first sent yet
            QCOMPARE(c.handleServerFirst(kRfcServerFirst).failure(), Failure::OutOfOrder);
        }
        {
            auto c = rfcClient(); // server-final before server-first
            QCOMPARE(c->handleServerFinal(kRfcServerFinal).failure(), Failure::OutOfOrder);
            QCOMPARE(c->state(), State::Failed);
        }
        {
            auto c = rfcClient(); // server-first twice
            QVERIFY(c->handleServerFirst(kRfcServerFirst).ok());
            QCOMPARE(c->handleServerFirst(kRfcServerFirst).failure(), Failure::OutOfOrder);
            QCOMPARE(c->handleServerFinal(kRfcServerFinal).failure(), Failure::OutOfOrder);
        }
        {
            auto c = rfcClient(); // server-final twice
            QVERIFY(c->handleServerFirst(kRfcServerFirst).ok());
            QVERIFY(c->handleServerFinal(kRfcServerFinal).ok());
            QCOMPARE(c->handleServerFinal(kRfcServerFinal).failure(), Failure::OutOfOrder);
            QVERIFY(!c->finished());
        }
    }

    void base64IsStrict_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<bool>("valid");
        QTest::newRow("empty") << QByteArray("") << true;
        QTest::newRow("no padding needed") << QByteArray("QUJD") << true;
        QTest::newRow("one pad") << QByteArray("QUI=") << true;
        QTest::newRow("two pads") << QByteArray("QQ==") << true;
        QTest::newRow("+ and /") << QByteArray("+/+/") << true;
        QTest::newRow("missing padding") << QByteArray("QQ") << false;
        QTest::newRow("three pads") << QByteArray("Q===") << false;
        QTest::newRow("only pads") << QByteArray("====") << false;
        QTest::newRow("one pad where two are needed") << QByteArray("QQ=") << false;
        QTest::newRow("pad inside") << QByteArray("QQ=A") << false;
        QTest::newRow("pad then data") << QByteArray("QQ==QUJD") << false;
        QTest::newRow("base64url characters") << QByteArray("-_-_") << false;
        QTest::newRow("whitespace") << QByteArray("QU JD") << false;
        QTest::newRow("newline") << QByteArray("QUJD\n") << false;
        QTest::newRow("non-zero unused bits") << QByteArray("QR==") << false;
    }

    void base64IsStrict()
    {
        QFETCH(QByteArray, text);
        QFETCH(bool, valid);
        const auto decoded = writ::gateway::auth::base64Decode(text.toStdString(), 1024);
        QCOMPARE(decoded.has_value(), valid);
        if (valid)
            QCOMPARE(QByteArray::fromStdString(*decoded), QByteArray::fromBase64(text));
    }

    void base64RoundTrips()
    {
        for (int n = 0; n < 70; ++n) {
            QByteArray raw;
            for (int i = 0; i < n; ++i)
                raw += char(i * 37 + n);
            const std::string encoded = writ::gateway::auth::base64Encode(raw.toStdString());
            QCOMPARE(QByteArray::fromStdString(encoded), raw.toBase64());
            QCOMPARE(writ::gateway::auth::base64Decode(encoded, 1024).value_or("<refused>"), raw.toStdString());
        }
        QVERIFY(!writ::gateway::auth::base64Decode("QUJDRA==", 3)); // decodes to 4 bytes: over the limit
    }
};

QTEST_GUILESS_MAIN(TestScramClient)
#include "tst_scram_client.moc"
