// SPDX-License-Identifier: Apache-2.0
#include "ui/operate/refresh_dock.h"

#include "ui/operate/gateway_client.h"

#include <QAction>
#include <QLabel>
#include <QTimer>
#include <QVBoxLayout>

namespace writ::ui {

RefreshDock::RefreshDock(const QString &title, const QString &objectName, GatewayClient &gateway, QWidget *parent)
    : QDockWidget(title, parent), m_gateway(gateway)
{
    setObjectName(objectName); // saveState() keys docks by object name
    auto *content = new QWidget(this);
    auto *layout = new QVBoxLayout(content);
    layout->setContentsMargins(4, 4, 4, 4);
    m_body = new QVBoxLayout;
    layout->addLayout(m_body, 1);
    m_error = new QLabel(content);
    m_error->setWordWrap(true);
    m_error->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_error->setStyleSheet(QStringLiteral("color: #c0392b"));
    m_error->hide();
    layout->addWidget(m_error);
    setWidget(content);

    auto *refreshNow = new QAction(tr("Refresh"), this);
    refreshNow->setShortcut(QKeySequence(Qt::Key_F5));
    refreshNow->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    connect(refreshNow, &QAction::triggered, this, &RefreshDock::refresh);
    addAction(refreshNow);

    m_timer = new QTimer(this);
    m_timer->setInterval(2000);
    connect(m_timer, &QTimer::timeout, this, [this] {
        if (isVisible() && !isRefreshing())
            refresh();
    });
    m_timer->start();
    connect(&gateway, &GatewayClient::endpointChanged, this, &RefreshDock::refresh);
}

void RefreshDock::setInterval(int ms)
{
    if (ms <= 0) {
        m_timer->stop();
        return;
    }
    m_timer->start(ms);
}

void RefreshDock::refresh()
{
    if (!m_gateway.isConfigured()) {
        showError(tr("Not connected to a gateway: choose Gateway ▸ Connect to Gateway…"));
        return;
    }
    m_pendingError.clear();
    request();
}

void RefreshDock::finishRequest(const QString &error)
{
    if (!error.isEmpty() && m_pendingError.isEmpty())
        m_pendingError = error;
    if (m_inFlight > 0 && --m_inFlight > 0)
        return;
    showError(m_pendingError);
    emit refreshed();
}

void RefreshDock::showError(const QString &error)
{
    m_error->setText(error);
    m_error->setVisible(!error.isEmpty());
}

QString RefreshDock::errorText() const
{
    return m_error->text();
}

void RefreshDock::showEvent(QShowEvent *event)
{
    QDockWidget::showEvent(event);
    refresh();
}

} // namespace writ::ui
