// SPDX-License-Identifier: Apache-2.0
#pragma once

// The studio's handle on one gateway's admin API: where it is (URL and bearer-token file, remembered
// in QSettings; the token itself never is) and calls that run off the UI thread through the client the
// CLI uses (core/publish/admin_client.h), answering on the UI thread.

#include <QByteArray>
#include <QJsonDocument>
#include <QObject>
#include <QString>

#include <functional>

namespace writ::ui {

struct AdminReply
{
    int status = 0;   ///< 0: the gateway could not be reached (or nothing is configured)
    QByteArray body;  ///< as answered: JSON, or Prometheus text for /metrics
    QString error;    ///< why it failed, in words
    bool ok() const { return status >= 200 && status < 300; }
    QJsonDocument json() const { return QJsonDocument::fromJson(body); }
};

class GatewayClient : public QObject
{
    Q_OBJECT

public:
    explicit GatewayClient(QObject *parent = nullptr);

    void setEndpoint(const QString &url, const QString &tokenFile);
    QString url() const { return m_url; }
    QString tokenFile() const { return m_tokenFile; }
    bool isConfigured() const { return !m_url.isEmpty() && !m_tokenFile.isEmpty(); }

    /// Reads the endpoint saved by saveSettings().
    void loadSettings();
    void saveSettings() const;

    /// Sends one request in the background; `done` runs on the UI thread unless `context` is gone by then.
    /// `body` is JSON text (empty: none).
    void call(const QByteArray &method, const QString &path, const QByteArray &body, QObject *context,
              std::function<void(const AdminReply &)> done) const;

    /// The same, blocking: for code that already runs off the UI thread.
    static AdminReply callBlocking(const QString &url, const QString &tokenFile, const QByteArray &method, const QString &path,
                                   const QByteArray &body = {});

signals:
    void endpointChanged();

private:
    QString m_url;
    QString m_tokenFile;
};

} // namespace writ::ui
