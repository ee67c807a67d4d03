// SPDX-License-Identifier: Apache-2.0
#pragma once

// History: the published bundle versions, newest first, the one in force marked; Roll Back makes the
// selected version the one the gateway enforces again (the database floor stays; publish to change it).

#include "ui/operate/refresh_dock.h"

class QPushButton;
class QTableWidget;

namespace writ::ui {

class HistoryDock : public RefreshDock
{
    Q_OBJECT

public:
    explicit HistoryDock(GatewayClient &gateway, QWidget *parent = nullptr);

    QTableWidget *table() const { return m_table; }
    /// The version the gateway enforces, from the last refresh (0: unknown).
    qint64 activeVersion() const { return m_active; }
    void rollbackTo(qint64 version);

signals:
    void rolledBack(qint64 version, bool ok, const QString &message);

protected:
    void request() override;

private:
    QTableWidget *m_table = nullptr;
    QPushButton *m_rollback = nullptr;
    qint64 m_active = 0;
};

} // namespace writ::ui
