// SPDX-License-Identifier: Apache-2.0
#include "ui/operate/sessions_dock.h"

#include "ui/operate/gateway_client.h"
#include "ui/operate/json_table.h"

#include <QHBoxLayout>
#include <QJsonObject>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

namespace writ::ui {

QString ageText(qint64 seconds)
{
    if (seconds < 60)
        return QObject::tr("%1 s").arg(seconds);
    if (seconds < 3600)
        return QObject::tr("%1 min").arg(seconds / 60);
    return QObject::tr("%1 h %2 min").arg(seconds / 3600).arg(seconds % 3600 / 60);
}

SessionsDock::SessionsDock(GatewayClient &gateway, QWidget *parent)
    : RefreshDock(tr("Sessions"), QStringLiteral("operate-sessions"), gateway, parent)
{
    m_table = new QTableWidget(this);
    m_kill = new QPushButton(tr("Kill"), this);
    m_kill->setToolTip(tr("End the selected session; its task stays valid and may connect again"));
    m_kill->setEnabled(false);
    auto *buttons = new QHBoxLayout;
    buttons->addStretch();
    buttons->addWidget(m_kill);
    body()->addWidget(m_table, 1);
    body()->addLayout(buttons);
    connect(m_table, &QTableWidget::itemSelectionChanged, this, [this] { m_kill->setEnabled(!selectedId(m_table).isEmpty()); });
    connect(m_kill, &QPushButton::clicked, this, [this] { kill(selectedId(m_table)); });
}

void SessionsDock::request()
{
    beginRequest();
    gateway().call("GET", QStringLiteral("/v1/sessions"), {}, this, [this](const AdminReply &reply) {
        if (reply.ok())
            fillTable(m_table, reply.json().array(),
                      {field(tr("Agent"), QStringLiteral("agent")), field(tr("Task"), QStringLiteral("task")),
                       field(tr("Task type"), QStringLiteral("task_type")), field(tr("Role"), QStringLiteral("role")),
                       field(tr("Client"), QStringLiteral("client")), field(tr("Statements"), QStringLiteral("task_statements")),
                       {tr("Age"), [](const QJsonObject &o) { return ageText(o.value(QStringLiteral("age_seconds")).toInteger()); }},
                       field(tr("Session"), QStringLiteral("id"))});
        finishRequest(reply.ok() ? QString() : tr("Sessions: %1").arg(reply.error));
    });
}

void SessionsDock::kill(const QString &id)
{
    if (id.isEmpty())
        return;
    gateway().call("DELETE", QStringLiteral("/v1/sessions/%1").arg(id), {}, this, [this, id](const AdminReply &reply) {
        const QString message = reply.ok() ? tr("Session %1 was ended.").arg(id) : tr("Could not end session %1: %2").arg(id, reply.error);
        showError(reply.ok() ? QString() : message);
        emit killed(id, reply.ok(), message);
        refresh();
    });
}

} // namespace writ::ui
