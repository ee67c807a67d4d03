// SPDX-License-Identifier: Apache-2.0
#pragma once

// Approvals inbox: statements and task starts waiting for a person. Approve lets the agent's retried
// statement run once; Deny needs a reason. A new request raises a desktop notification, and the dock's
// title carries the count ("Approvals (2)").

#include "ui/operate/refresh_dock.h"

#include <QJsonObject>
#include <QSet>

class QPushButton;
class QSystemTrayIcon;
class QTableWidget;

namespace writ::ui {

class ApprovalsDock : public RefreshDock
{
    Q_OBJECT

public:
    explicit ApprovalsDock(GatewayClient &gateway, QWidget *parent = nullptr);

    QTableWidget *table() const { return m_table; }
    int pendingCount() const { return m_pending; }
    /// `by` empty: the gateway records its state login.
    void approve(const QString &id, const QString &by = {});
    void deny(const QString &id, const QString &reason);
    /// When false, Deny takes its reason from nowhere and is refused (no dialog is shown).
    void setInteractive(bool interactive) { m_interactive = interactive; }

signals:
    /// A request arrived that was not in the inbox before.
    void arrived(const QString &id, const QString &summary);
    void decided(const QString &id, bool ok, const QString &message);

protected:
    void request() override;

private:
    void notify(const QString &summary);
    void decide(const QString &id, const QString &verb, const QJsonObject &body);

    QTableWidget *m_table = nullptr;
    QPushButton *m_approve = nullptr;
    QPushButton *m_deny = nullptr;
    QSystemTrayIcon *m_tray = nullptr;
    QSet<QString> m_seen;
    bool m_firstLoad = true;
    bool m_interactive = true;
    int m_pending = 0;
};

} // namespace writ::ui
