// SPDX-License-Identifier: Apache-2.0
#pragma once

// HTTP calls to a gateway's admin API from the gateway tests, and the API's port as the gateway logs it.

#include "gateway_fixture.h"

#include <QEventLoop>
#include <QJsonArray>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QTimer>

namespace gatewaytest {

struct HttpResult
{
    int status = 0;
    QByteArray body;
    QJsonDocument json() const { return QJsonDocument::fromJson(body); }
    QString error() const { return json().object().value("error").toString(); }
};

/// One request to http://127.0.0.1:`port``path`; `bearer` empty sends no Authorization header.
inline HttpResult httpCall(int port, const QByteArray &method, const QString &path, const QByteArray &body, const QByteArray &bearer)
{
    static QNetworkAccessManager http;
    QNetworkRequest req(QUrl(QStringLiteral("http://127.0.0.1:%1%2").arg(port).arg(path)));
    if (!bearer.isEmpty())
        req.setRawHeader("Authorization", "Bearer " + bearer);
    req.setHeader(QNetworkRequest::ContentTypeHeader, "application/json");
    QNetworkReply *reply = http.sendCustomRequest(req, method, body);
    QEventLoop loop;
    QTimer::singleShot(30000, &loop, &QEventLoop::quit);
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    loop.exec();
    HttpResult r;
    r.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    r.body = reply->readAll();
    reply->deleteLater();
    return r;
}

/// The admin API's port from the gateway's "admin API on http://127.0.0.1:PORT" line; 0 when it did not come.
inline int waitForAdminPort(GatewayFixture &gw, int timeoutMs = 10000)
{
    QElapsedTimer waited;
    waited.start();
    const QRegularExpression admin(QStringLiteral("admin API on http://127\\.0\\.0\\.1:(\\d+)"));
    while (waited.elapsed() < timeoutMs) {
        if (const auto m = admin.match(gw.log()); m.hasMatch())
            return m.captured(1).toInt();
        QTest::qWait(100);
    }
    return 0;
}

/// Writes a secret file (mode 0600) with `content` and a newline.
inline void writeTokenFile(const QString &path, const QByteArray &content)
{
    QFile f(path);
    f.open(QIODevice::WriteOnly);
    f.write(content + "\n");
    f.close();
    f.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
}

/// Starts `gw` as a gateway that enforces only signed bundles: a publisher key (kid pub1) is generated in
/// gw.path("publisher"), the demo policy is published as bundle 1 before launch (such a gateway will not
/// start without one), and the admin API listens on a free port with `token`. Returns that port, 0 when
/// the gateway did not come up (gw.log() says why).
inline int startBundleGateway(GatewayFixture &gw, const QByteArray &token)
{
    writeTokenFile(gw.path("admin.token"), token);
    const auto keys = runWrit({"keys", "generate", "--out", gw.path("publisher"), "--alg", "EdDSA", "--kid", "pub1"});
    if (keys.exitCode != 0)
        qFatal("cannot generate the publisher key: %s", floortest::cliText(keys).constData());
    gw.beforeLaunch = [&gw] {
        const auto first = runWrit({"publish", floortest::demoPolicy(), "--db", gw.dsn, "--publisher-key",
                                    gw.path("publisher/pub1.private.pem"), "--yes"});
        if (first.exitCode != 0)
            qFatal("first publish failed: %s", floortest::cliText(first).constData());
    };
    gw.start(QStringLiteral("admin: { listen: 127.0.0.1:0, token_file: %1 }\nbundles: { publisher_keys: [%2] }\n")
                 .arg(gw.path("admin.token"), gw.path("publisher/jwks.json")));
    return waitForAdminPort(gw);
}

} // namespace gatewaytest
