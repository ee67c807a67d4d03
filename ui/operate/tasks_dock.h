// SPDX-License-Identifier: Apache-2.0
#pragma once

// Tasks: the running tasks (with "Show ended", all of them); start one for testing (POST /v1/tasks
// with the admin token, when the gateway has a tasks_api section), end one (the agent's work is done)
// or revoke it (with a reason). Ending or revoking cuts its sessions at once.

#include "ui/operate/refresh_dock.h"

#include <QJsonObject>

class QCheckBox;
class QPushButton;
class QTableWidget;

namespace writ::ui {

class TasksDock : public RefreshDock
{
    Q_OBJECT

public:
    explicit TasksDock(GatewayClient &gateway, QWidget *parent = nullptr);

    QTableWidget *table() const { return m_table; }
    /// `context` holds the task type's keys; `ttl` like "5m" (empty: the task type's).
    void startTask(const QString &agent, const QString &taskType, const QJsonObject &context, const QString &ttl = {});
    void endTask(const QString &id);
    void revokeTask(const QString &id, const QString &reason);
    void setInteractive(bool interactive) { m_interactive = interactive; }

signals:
    /// `answer` is the API's answer (with the credential on success).
    void started(bool ok, const QJsonObject &answer, const QString &message);
    void ended(const QString &id, bool ok, const QString &message);

protected:
    void request() override;

private:
    void showStartDialog();

    QTableWidget *m_table = nullptr;
    QCheckBox *m_all = nullptr;
    QPushButton *m_start = nullptr;
    QPushButton *m_end = nullptr;
    QPushButton *m_revoke = nullptr;
    bool m_interactive = true;
};

} // namespace writ::ui
