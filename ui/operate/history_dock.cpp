// SPDX-License-Identifier: Apache-2.0
#include "ui/operate/history_dock.h"

#include "ui/operate/gateway_client.h"
#include "ui/operate/json_table.h"

#include <QHBoxLayout>
#include <QJsonObject>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

namespace writ::ui {

HistoryDock::HistoryDock(GatewayClient &gateway, QWidget *parent)
    : RefreshDock(tr("History"), QStringLiteral("operate-history"), gateway, parent)
{
    m_table = new QTableWidget(this);
    m_rollback = new QPushButton(tr("Roll Back to Selected"), this);
    m_rollback->setToolTip(tr("Make the selected bundle the one the gateway enforces (the database floor stays)"));
    m_rollback->setEnabled(false);
    auto *buttons = new QHBoxLayout;
    buttons->addStretch();
    buttons->addWidget(m_rollback);
    body()->addWidget(m_table, 1);
    body()->addLayout(buttons);
    connect(m_table, &QTableWidget::itemSelectionChanged, this, [this] {
        const QString id = selectedId(m_table);
        m_rollback->setEnabled(!id.isEmpty() && id.toLongLong() != m_active);
    });
    connect(m_rollback, &QPushButton::clicked, this, [this] { rollbackTo(selectedId(m_table).toLongLong()); });
}

void HistoryDock::request()
{
    beginRequest();
    gateway().call("GET", QStringLiteral("/v1/policy/versions"), {}, this, [this](const AdminReply &reply) {
        if (reply.ok()) {
            const QJsonArray versions = reply.json().array();
            m_active = 0;
            for (const auto &v : versions)
                if (v.toObject().value(QStringLiteral("active")).toBool())
                    m_active = v.toObject().value(QStringLiteral("version")).toInteger();
            fillTable(m_table, versions,
                      {{tr("Version"),
                        [](const QJsonObject &o) {
                            return (o.value(QStringLiteral("active")).toBool() ? QStringLiteral("● v") : QStringLiteral("  v"))
                                   + cellText(o.value(QStringLiteral("version")));
                        }},
                       field(tr("Policy"), QStringLiteral("name")),
                       {tr("SHA-256"), [](const QJsonObject &o) { return o.value(QStringLiteral("sha256")).toString().left(12); }},
                       field(tr("Key"), QStringLiteral("publisher")), field(tr("Deployment"), QStringLiteral("deployment")),
                       field(tr("Published by"), QStringLiteral("published_by")), field(tr("Published"), QStringLiteral("published_at")),
                       field(tr("Activated"), QStringLiteral("activated_at"))},
                      QStringLiteral("version"));
        }
        finishRequest(reply.ok() ? QString() : tr("History: %1").arg(reply.error));
    });
}

void HistoryDock::rollbackTo(qint64 version)
{
    if (version <= 0)
        return;
    const QByteArray body = QJsonDocument(QJsonObject{{QStringLiteral("version"), version}}).toJson(QJsonDocument::Compact);
    gateway().call("POST", QStringLiteral("/v1/policy/rollback"), body, this, [this, version](const AdminReply &reply) {
        const QString message = reply.ok() ? tr("The gateway enforces bundle v%1.").arg(version)
                                           : tr("Could not roll back to v%1: %2").arg(version).arg(reply.error);
        showError(reply.ok() ? QString() : message);
        emit rolledBack(version, reply.ok(), message);
        refresh();
    });
}

} // namespace writ::ui
