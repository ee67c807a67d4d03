// SPDX-License-Identifier: Apache-2.0
#pragma once

// Sessions: the agents connected through the gateway now (agent, task, role, client, statements, age),
// and Kill, which ends one session (its task stays valid).

#include "ui/operate/refresh_dock.h"

class QPushButton;
class QTableWidget;

namespace writ::ui {

class SessionsDock : public RefreshDock
{
    Q_OBJECT

public:
    explicit SessionsDock(GatewayClient &gateway, QWidget *parent = nullptr);

    QTableWidget *table() const { return m_table; }
    /// Ends session `id` (the id the client saw in BackendKeyData).
    void kill(const QString &id);

signals:
    void killed(const QString &id, bool ok, const QString &message);

protected:
    void request() override;

private:
    QTableWidget *m_table = nullptr;
    QPushButton *m_kill = nullptr;
};

/// "42 s", "3 min", "2 h 5 min": an age for a table cell.
QString ageText(qint64 seconds);

} // namespace writ::ui
