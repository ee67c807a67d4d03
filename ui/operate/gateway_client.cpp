// SPDX-License-Identifier: Apache-2.0
#include "ui/operate/gateway_client.h"

#include "publish/admin_client.h"

#include <QFutureWatcher>
#include <QSettings>
#include <QtConcurrent/QtConcurrentRun>

namespace writ::ui {

namespace {

const char *const kUrlKey = "gateway/url";
const char *const kTokenFileKey = "gateway/tokenFile";

} // namespace

GatewayClient::GatewayClient(QObject *parent) : QObject(parent) {}

void GatewayClient::setEndpoint(const QString &url, const QString &tokenFile)
{
    QString trimmed = url.trimmed();
    while (trimmed.endsWith(QLatin1Char('/')))
        trimmed.chop(1);
    if (trimmed == m_url && tokenFile == m_tokenFile)
        return;
    m_url = trimmed;
    m_tokenFile = tokenFile;
    emit endpointChanged();
}

void GatewayClient::loadSettings()
{
    QSettings settings;
    setEndpoint(settings.value(QLatin1String(kUrlKey)).toString(), settings.value(QLatin1String(kTokenFileKey)).toString());
}

void GatewayClient::saveSettings() const
{
    QSettings settings;
    settings.setValue(QLatin1String(kUrlKey), m_url);
    settings.setValue(QLatin1String(kTokenFileKey), m_tokenFile); // the path only: the token stays in its file
}

AdminReply GatewayClient::callBlocking(const QString &url, const QString &tokenFile, const QByteArray &method, const QString &path,
                                       const QByteArray &body)
{
    AdminReply reply;
    if (url.isEmpty() || tokenFile.isEmpty()) {
        reply.error = QObject::tr("No gateway is connected: choose Gateway ▸ Connect to Gateway…");
        return reply;
    }
    nlohmann::json payload = nullptr;
    if (!body.isEmpty()) {
        payload = nlohmann::json::parse(body.toStdString(), nullptr, false);
        if (payload.is_discarded()) {
            reply.error = QObject::tr("The request body is not JSON.");
            return reply;
        }
    }
    const publish::AdminAnswer answer = publish::callAdmin(url.toStdString(), tokenFile.toStdString(), method.toStdString(),
                                                           path.toStdString(), payload, "the admin token file");
    reply.status = answer.status;
    reply.body = QByteArray::fromStdString(answer.text);
    reply.error = QString::fromStdString(answer.error);
    return reply;
}

void GatewayClient::call(const QByteArray &method, const QString &path, const QByteArray &body, QObject *context,
                         std::function<void(const AdminReply &)> done) const
{
    auto *watcher = new QFutureWatcher<AdminReply>(context);
    QObject::connect(watcher, &QFutureWatcher<AdminReply>::finished, context, [watcher, done = std::move(done)] {
        done(watcher->result());
        watcher->deleteLater();
    });
    watcher->setFuture(QtConcurrent::run(&GatewayClient::callBlocking, m_url, m_tokenFile, method, path, body));
}

} // namespace writ::ui
