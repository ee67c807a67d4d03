// SPDX-License-Identifier: Apache-2.0
#pragma once

// A dock that shows something live from the gateway: refreshed every 2 s while it is visible and the
// gateway is connected, at once with F5 (while the dock has focus), and with an error line that says
// in words why the last refresh failed.

#include <QDockWidget>

class QLabel;
class QTimer;
class QVBoxLayout;

namespace writ::ui {

class GatewayClient;

class RefreshDock : public QDockWidget
{
    Q_OBJECT

public:
    RefreshDock(const QString &title, const QString &objectName, GatewayClient &gateway, QWidget *parent = nullptr);

    /// Asks the gateway again now (F5).
    void refresh();
    /// How often it refreshes while visible; 0 stops it.
    void setInterval(int ms);
    QString errorText() const;
    /// Set while a refresh is on its way.
    bool isRefreshing() const { return m_inFlight > 0; }

signals:
    /// The last refresh's answers arrived and the view shows them.
    void refreshed();

protected:
    /// Sends the requests (through gateway()); call finishRefresh() from each answer.
    virtual void request() = 0;
    void beginRequest() { ++m_inFlight; }
    /// `error` empty on success.
    void finishRequest(const QString &error);
    void showError(const QString &error);

    GatewayClient &gateway() const { return m_gateway; }
    /// Where the dock's own widgets go, above the error line.
    QVBoxLayout *body() const { return m_body; }

    void showEvent(QShowEvent *event) override;

private:
    GatewayClient &m_gateway;
    QVBoxLayout *m_body = nullptr;
    QLabel *m_error = nullptr;
    QTimer *m_timer = nullptr;
    int m_inFlight = 0;
    QString m_pendingError;
};

} // namespace writ::ui
