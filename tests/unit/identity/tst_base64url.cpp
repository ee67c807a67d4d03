// SPDX-License-Identifier: Apache-2.0
#include "identity_test_support.h"

#include "identity/base64url.h"

#include <QtTest>

using namespace writ::identity;

class TestBase64url : public QObject
{
    Q_OBJECT

private slots:
    void rfc4648Vectors_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("encoded");
        // RFC 4648 §10, without padding; the last rows use the two URL-safe characters.
        QTest::newRow("empty") << QByteArray() << "";
        QTest::newRow("f") << QByteArray("f") << "Zg";
        QTest::newRow("fo") << QByteArray("fo") << "Zm8";
        QTest::newRow("foo") << QByteArray("foo") << "Zm9v";
        QTest::newRow("foob") << QByteArray("foob") << "Zm9vYg";
        QTest::newRow("fooba") << QByteArray("fooba") << "Zm9vYmE";
        QTest::newRow("foobar") << QByteArray("foobar") << "Zm9vYmFy";
        QTest::newRow("minus and underscore") << QByteArray("\xfb\xff\xbf", 3) << "-_-_";
        QTest::newRow("jws header") << QByteArray("{\"alg\":\"EdDSA\"}") << "eyJhbGciOiJFZERTQSJ9";
    }

    void rfc4648Vectors()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(QString, encoded);
        const std::string in(bytes.constData(), std::size_t(bytes.size()));
        QCOMPARE(QString::fromStdString(base64urlEncode(in)), encoded);
        const auto back = base64urlDecode(encoded.toStdString());
        QVERIFY2(back.ok(), back.ok() ? "" : back.error().message.c_str());
        QCOMPARE(back.value(), in);
    }

    void everyLengthRoundTrips()
    {
        std::string bytes;
        for (int len = 0; len <= 70; ++len) {
            const std::string enc = base64urlEncode(bytes);
            QVERIFY(enc.find('=') == std::string::npos);
            const auto dec = base64urlDecode(enc);
            QVERIFY(dec.ok());
            QCOMPARE(dec.value(), bytes);
            bytes += char((len * 73 + 11) & 0xff);
        }
    }

    void refusesNonCanonicalInput_data()
    {
        QTest::addColumn<QString>("text");
        QTest::newRow("padding") << "Zg==";
        QTest::newRow("single padding") << "Zm8=";
        QTest::newRow("standard alphabet plus") << "ab+c";
        QTest::newRow("standard alphabet slash") << "ab/c";
        QTest::newRow("space") << "Zm9v Yg";
        QTest::newRow("newline") << "Zm9v\nYg";
        QTest::newRow("length 4n+1") << "Zm9vY";
        QTest::newRow("single character") << "Z";
        QTest::newRow("dot") << "Zm.v";
        QTest::newRow("non-zero trailing bits (2 chars)") << "Zh"; // "Zg" is the only encoding of "f"
        QTest::newRow("non-zero trailing bits (3 chars)") << "Zm9";
        QTest::newRow("non-ascii") << QString::fromUtf8("Zm9v\xc3\xa9");
        QTest::newRow("nul byte") << QString(QStringLiteral("Zm") + QChar(0) + QStringLiteral("v"));
    }

    void refusesNonCanonicalInput()
    {
        QFETCH(QString, text);
        const QByteArray utf8 = text.toUtf8();
        const auto r = base64urlDecode(std::string_view(utf8.constData(), std::size_t(utf8.size())));
        QCOMPARE_REASON(r, Reason::TokenBase64);
        QVERIFY(!r.error().message.empty());
    }

    void paddingMessageNamesTheRule()
    {
        const auto r = base64urlDecode("Zg==");
        QVERIFY(!r.ok());
        QVERIFY(r.error().message.find("padding") != std::string::npos);
    }

    void decodedSizeIsBoundedBeforeDecoding()
    {
        const std::string big(4000, 'A');
        QCOMPARE_REASON(base64urlDecode(big, 100), Reason::TokenFieldTooLarge);
        QVERIFY(base64urlDecode(big, 3000).ok());
    }
};

QTEST_GUILESS_MAIN(TestBase64url)
#include "tst_base64url.moc"
