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

} // namespace gatewaytest
