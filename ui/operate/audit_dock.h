// SPDX-License-Identifier: Apache-2.0
#pragma once

// Audit tail: the gateway's last audit records, filtered by agent, task, verdict (on the gateway) and
// time (here: the API has no time filter), newest at the bottom; Export writes what is shown as CSV.

#include "ui/operate/refresh_dock.h"

#include <QJsonArray>

class QComboBox;
class QLineEdit;
class QTableWidget;

namespace writ::ui {

class AuditDock : public RefreshDock
{
    Q_OBJECT

public:
    explicit AuditDock(GatewayClient &gateway, QWidget *parent = nullptr);

    QTableWidget *table() const { return m_table; }
    void setFilter(const QString &agent, const QString &task, const QString &verdict);
    /// Only records newer than this many seconds; 0: any time.
    void setMaxAgeSeconds(qint64 seconds);
    /// Writes the rows shown (every field of each record) as CSV. False with `error` set when it cannot.
    bool exportCsv(const QString &path, QString *error = nullptr) const;
    /// The records shown, as the gateway sent them.
    const QJsonArray &records() const { return m_records; }

protected:
    void request() override;

private:
    QLineEdit *m_agent = nullptr;
    QLineEdit *m_task = nullptr;
    QComboBox *m_verdict = nullptr;
    QComboBox *m_since = nullptr;
    QTableWidget *m_table = nullptr;
    QJsonArray m_records;
    QString m_currentPath; ///< the request of the filters now set
};

/// One CSV field: quoted when it holds a comma, quote or line break.
QString csvField(const QString &value);

} // namespace writ::ui
