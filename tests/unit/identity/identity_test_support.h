// SPDX-License-Identifier: Apache-2.0
#pragma once

// Helpers shared by the identity tests: test vectors, a fixed clock, hand-made tokens.

#include "identity/base64url.h"
#include "identity/claims.h"
#include "identity/jwk.h"
#include "identity/jws.h"
#include "identity/key.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

#include <chrono>
#include <string>

namespace idtest {

/// 2023-11-14T22:13:20Z — every test runs at this instant.
inline constexpr std::int64_t kNow = 1700000000;

inline writ::identity::Clock fixedClock(std::int64_t t = kNow)
{
    return [t] { return std::chrono::system_clock::time_point(std::chrono::seconds(t)); };
}

/// A file from tests/data/identity, trailing newline removed.
inline std::string data(const char *name)
{
    QFile f(QStringLiteral(WRIT_TEST_DATA_DIR "/identity/") + QString::fromUtf8(name));
    if (!f.open(QIODevice::ReadOnly))
        qFatal("missing test vector %s", name);
    return f.readAll().trimmed().toStdString();
}

inline std::string b64(std::string_view s)
{
    return writ::identity::base64urlEncode(s);
}

inline std::string json(const QJsonObject &o)
{
    return QJsonDocument(o).toJson(QJsonDocument::Compact).toStdString();
}

/// header.payload.signature from raw parts (the signature given as bytes).
inline std::string assemble(std::string_view header, std::string_view payload, std::string_view signature)
{
    return b64(header) + "." + b64(payload) + "." + b64(signature);
}

/// Signs arbitrary header text (alg must fit the key) and payload text.
inline std::string sign(const writ::identity::PrivateKey &key, const std::string &header, const std::string &payload)
{
    auto t = writ::identity::signCompactRaw(header, payload, key);
    if (!t)
        qFatal("signing failed: %s", t.error().toString().c_str());
    return t.value();
}

/// A standard header for `key`: {"alg": ..., "kid": ..., "typ": "JWT"}.
inline std::string headerFor(const writ::identity::PrivateKey &key, const QJsonObject &extra = {})
{
    QJsonObject h {{"alg", writ::identity::algorithmName(key.algorithm())}, {"typ", "JWT"}};
    if (!key.kid().empty())
        h.insert("kid", QString::fromStdString(key.kid()));
    for (auto it = extra.begin(); it != extra.end(); ++it)
        h.insert(it.key(), it.value());
    return json(h);
}

inline writ::identity::PrivateKey generated(writ::identity::KeyType type, const std::string &kid)
{
    auto k = writ::identity::PrivateKey::generate(type);
    if (!k)
        qFatal("key generation failed: %s", k.error().toString().c_str());
    writ::identity::PrivateKey key = std::move(k).value();
    key.setKid(kid);
    return key;
}

/// Splits a compact token into its three base64url segments.
inline QStringList segments(const std::string &token)
{
    return QString::fromStdString(token).split(QLatin1Char('.'));
}

} // namespace idtest

#define QCOMPARE_REASON(result, expected)                                                                                        \
    do {                                                                                                                         \
        const auto &r_ = (result);                                                                                               \
        QVERIFY2(!r_.ok(), "expected a refusal, got success");                                                                   \
        QVERIFY2(r_.error().reason == (expected),                                                                                \
            qPrintable(QStringLiteral("expected %1, got %2")                                                                     \
                           .arg(writ::identity::reasonCode(expected), QString::fromStdString(r_.error().toString()))));          \
    } while (false)
