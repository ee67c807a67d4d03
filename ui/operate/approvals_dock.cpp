// SPDX-License-Identifier: Apache-2.0
#include "ui/operate/approvals_dock.h"

#include "ui/operate/gateway_client.h"
#include "ui/operate/json_table.h"
#include "ui/shell/icons.h"

#include <QApplication>
#include <QHBoxLayout>
#include <QInputDialog>
#include <QJsonObject>
#include <QPushButton>
#include <QSystemTrayIcon>
#include <QTableWidget>
#include <QVBoxLayout>

namespace writ::ui {

ApprovalsDock::ApprovalsDock(GatewayClient &gateway, QWidget *parent)
    : RefreshDock(tr("Approvals"), QStringLiteral("operate-approvals"), gateway, parent)
{
    m_table = new QTableWidget(this);
    m_approve = new QPushButton(tr("Approve"), this);
    m_approve->setToolTip(tr("The agent's next run of exactly this statement goes through, once"));
    m_deny = new QPushButton(tr("Deny…"), this);
    m_deny->setToolTip(tr("Refuse it, with a reason the agent is told"));
    auto *buttons = new QHBoxLayout;
    buttons->addStretch();
    buttons->addWidget(m_deny);
    buttons->addWidget(m_approve);
    body()->addWidget(m_table, 1);
    body()->addLayout(buttons);
    const auto updateButtons = [this] {
        const bool any = !selectedId(m_table).isEmpty();
        m_approve->setEnabled(any);
        m_deny->setEnabled(any);
    };
    updateButtons();
    connect(m_table, &QTableWidget::itemSelectionChanged, this, updateButtons);
    connect(m_approve, &QPushButton::clicked, this, [this] { approve(selectedId(m_table)); });
    connect(m_deny, &QPushButton::clicked, this, [this] {
        const QString id = selectedId(m_table);
        if (id.isEmpty() || !m_interactive)
            return;
        bool ok = false;
        const QString reason = QInputDialog::getText(this, tr("Deny %1").arg(id), tr("Why is it denied? (the agent is told)"),
                                                     QLineEdit::Normal, {}, &ok);
        if (ok)
            deny(id, reason);
    });
}

void ApprovalsDock::request()
{
    beginRequest();
    gateway().call("GET", QStringLiteral("/v1/approvals"), {}, this, [this](const AdminReply &reply) {
        if (reply.ok()) {
            const QJsonArray items = reply.json().array();
            fillTable(m_table, items,
                      {field(tr("Approval"), QStringLiteral("id")), field(tr("Agent"), QStringLiteral("agent")),
                       field(tr("Task"), QStringLiteral("task")), field(tr("Kind"), QStringLiteral("class")),
                       field(tr("Statement"), QStringLiteral("statement")), field(tr("Requested"), QStringLiteral("requested_at")),
                       field(tr("Expires"), QStringLiteral("expires_at"))});
            m_pending = int(items.size());
            setWindowTitle(m_pending > 0 ? tr("Approvals (%1)").arg(m_pending) : tr("Approvals"));
            for (const auto &v : items) {
                const QJsonObject o = v.toObject();
                const QString id = o.value(QStringLiteral("id")).toString();
                if (m_seen.contains(id))
                    continue;
                m_seen.insert(id);
                const QString summary = tr("%1 asks to run: %2").arg(o.value(QStringLiteral("agent")).toString(),
                                                                     o.value(QStringLiteral("statement")).toString().left(120));
                // The inbox as it was when the studio opened is not news.
                if (!m_firstLoad)
                    notify(summary);
                emit arrived(id, summary);
            }
            m_firstLoad = false;
        }
        finishRequest(reply.ok() ? QString() : tr("Approvals: %1").arg(reply.error));
    });
}

void ApprovalsDock::notify(const QString &summary)
{
    if (!QSystemTrayIcon::isSystemTrayAvailable())
        return;
    if (!m_tray) {
        m_tray = new QSystemTrayIcon(icon(QStringLiteral("app")), this);
        m_tray->setToolTip(tr("Writ Studio"));
        m_tray->show();
    }
    m_tray->showMessage(tr("Approval requested"), summary, QSystemTrayIcon::Information, 10000);
}

void ApprovalsDock::approve(const QString &id, const QString &by)
{
    QJsonObject body;
    if (!by.isEmpty())
        body.insert(QStringLiteral("by"), by);
    decide(id, QStringLiteral("approve"), body);
}

void ApprovalsDock::deny(const QString &id, const QString &reason)
{
    if (reason.trimmed().isEmpty()) {
        showError(tr("A denial needs a reason: the agent is told why."));
        return;
    }
    decide(id, QStringLiteral("deny"), QJsonObject{{QStringLiteral("reason"), reason.trimmed()}});
}

void ApprovalsDock::decide(const QString &id, const QString &verb, const QJsonObject &body)
{
    if (id.isEmpty())
        return;
    gateway().call("POST", QStringLiteral("/v1/approvals/%1/%2").arg(id, verb), QJsonDocument(body).toJson(QJsonDocument::Compact), this,
                   [this, id, verb](const AdminReply &reply) {
                       const QString message = reply.ok() ? (verb == QLatin1String("approve") ? tr("%1 approved.") : tr("%1 denied.")).arg(id)
                                                          : tr("Could not %1 %2: %3").arg(verb, id, reply.error);
                       showError(reply.ok() ? QString() : message);
                       emit decided(id, reply.ok(), message);
                       refresh();
                   });
}

} // namespace writ::ui
