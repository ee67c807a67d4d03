// SPDX-License-Identifier: Apache-2.0
#include "ui/operate/tasks_dock.h"

#include "ui/operate/gateway_client.h"
#include "ui/operate/json_table.h"

#include <QCheckBox>
#include <QDialog>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QInputDialog>
#include <QLineEdit>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QTableWidget>
#include <QUrlQuery>
#include <QVBoxLayout>

namespace writ::ui {

namespace {

/// "customer_id=42" lines to a JSON object; numbers and booleans keep their type.
QJsonObject contextFromLines(const QString &text)
{
    QJsonObject context;
    for (const QString &line : text.split(QLatin1Char('\n'), Qt::SkipEmptyParts)) {
        const qsizetype eq = line.indexOf(QLatin1Char('='));
        if (eq <= 0)
            continue;
        const QString key = line.left(eq).trimmed();
        const QString value = line.mid(eq + 1).trimmed();
        bool isNumber = false;
        const qlonglong number = value.toLongLong(&isNumber);
        if (isNumber)
            context.insert(key, number);
        else if (value == QLatin1String("true") || value == QLatin1String("false"))
            context.insert(key, value == QLatin1String("true"));
        else
            context.insert(key, value);
    }
    return context;
}

} // namespace

TasksDock::TasksDock(GatewayClient &gateway, QWidget *parent) : RefreshDock(tr("Tasks"), QStringLiteral("operate-tasks"), gateway, parent)
{
    m_table = new QTableWidget(this);
    m_all = new QCheckBox(tr("Show ended"), this);
    m_start = new QPushButton(tr("Start Test Task…"), this);
    m_start->setToolTip(tr("Start a task through the gateway's tasks API and show its credential"));
    m_end = new QPushButton(tr("End"), this);
    m_end->setToolTip(tr("The agent's work is done: end the task and its sessions"));
    m_revoke = new QPushButton(tr("Revoke…"), this);
    m_revoke->setToolTip(tr("Revoke the task now, with a reason"));
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_all);
    buttons->addStretch();
    buttons->addWidget(m_start);
    buttons->addWidget(m_end);
    buttons->addWidget(m_revoke);
    body()->addWidget(m_table, 1);
    body()->addLayout(buttons);
    const auto updateButtons = [this] {
        const bool any = !selectedId(m_table).isEmpty();
        m_end->setEnabled(any);
        m_revoke->setEnabled(any);
    };
    updateButtons();
    connect(m_table, &QTableWidget::itemSelectionChanged, this, updateButtons);
    connect(m_all, &QCheckBox::toggled, this, &TasksDock::refresh);
    connect(m_start, &QPushButton::clicked, this, &TasksDock::showStartDialog);
    connect(m_end, &QPushButton::clicked, this, [this] { endTask(selectedId(m_table)); });
    connect(m_revoke, &QPushButton::clicked, this, [this] {
        const QString id = selectedId(m_table);
        if (id.isEmpty() || !m_interactive)
            return;
        bool ok = false;
        const QString reason = QInputDialog::getText(this, tr("Revoke %1").arg(id), tr("Reason (recorded with the task):"),
                                                     QLineEdit::Normal, {}, &ok);
        if (ok)
            revokeTask(id, reason);
    });
    connect(this, &TasksDock::started, this, [this](bool ok, const QJsonObject &answer, const QString &message) {
        if (!ok || !m_interactive)
            return;
        QMessageBox box(QMessageBox::Information, tr("Task started"), message, QMessageBox::Ok, this);
        box.setDetailedText(tr("Credential (the password at the gateway):\n%1\n\nConnection:\n%2")
                                .arg(answer.value(QStringLiteral("credential")).toString(), answer.value(QStringLiteral("uri")).toString()));
        box.exec();
    });
}

void TasksDock::request()
{
    beginRequest();
    const QString path = m_all->isChecked() ? QStringLiteral("/v1/tasks?all=1") : QStringLiteral("/v1/tasks");
    gateway().call("GET", path, {}, this, [this](const AdminReply &reply) {
        if (reply.ok())
            fillTable(m_table, reply.json().array(),
                      {field(tr("Task"), QStringLiteral("id")), field(tr("Agent"), QStringLiteral("agent")),
                       field(tr("Task type"), QStringLiteral("task_type")), field(tr("Role"), QStringLiteral("role")),
                       field(tr("Created"), QStringLiteral("created_at")), field(tr("Expires"), QStringLiteral("expires_at")),
                       field(tr("Live"), QStringLiteral("live")), field(tr("Revoked"), QStringLiteral("revoke_reason"))});
        finishRequest(reply.ok() ? QString() : tr("Tasks: %1").arg(reply.error));
    });
}

void TasksDock::showStartDialog()
{
    QDialog dialog(this);
    dialog.setWindowTitle(tr("Start a Test Task"));
    auto *agent = new QLineEdit(&dialog);
    auto *taskType = new QLineEdit(&dialog);
    auto *context = new QPlainTextEdit(&dialog);
    context->setPlaceholderText(QStringLiteral("customer_id=42"));
    auto *ttl = new QLineEdit(&dialog);
    ttl->setPlaceholderText(tr("the task type's"));
    auto *form = new QFormLayout(&dialog);
    form->addRow(tr("&Agent:"), agent);
    form->addRow(tr("Task &type:"), taskType);
    form->addRow(tr("&Context (key=value lines):"), context);
    form->addRow(tr("T&TL:"), ttl);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, &dialog);
    form->addRow(buttons);
    connect(buttons, &QDialogButtonBox::accepted, &dialog, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    if (dialog.exec() == QDialog::Accepted)
        startTask(agent->text().trimmed(), taskType->text().trimmed(), contextFromLines(context->toPlainText()), ttl->text().trimmed());
}

void TasksDock::startTask(const QString &agent, const QString &taskType, const QJsonObject &context, const QString &ttl)
{
    QJsonObject body{{QStringLiteral("agent"), agent}, {QStringLiteral("task_type"), taskType}, {QStringLiteral("context"), context}};
    if (!ttl.isEmpty())
        body.insert(QStringLiteral("ttl"), ttl);
    gateway().call("POST", QStringLiteral("/v1/tasks"), QJsonDocument(body).toJson(QJsonDocument::Compact), this,
                   [this, agent, taskType](const AdminReply &reply) {
                       const QJsonObject answer = reply.json().object();
                       QString message;
                       if (reply.status == 404)
                           message = tr("This gateway has no tasks API: add a tasks_api section to its configuration, or use `writ task start`.");
                       else if (reply.status == 202)
                           message = tr("Starting %1/%2 needs an approval first (%3): approve it in Approvals, then start it again.")
                                         .arg(agent, taskType, answer.value(QStringLiteral("approval")).toString());
                       else if (reply.ok())
                           message = tr("Started task %1 for %2/%3, expires %4.")
                                         .arg(answer.value(QStringLiteral("id")).toString(), agent, taskType,
                                              answer.value(QStringLiteral("expires_at")).toString());
                       else
                           message = tr("Could not start %1/%2: %3").arg(agent, taskType, reply.error);
                       const bool ok = reply.ok() && reply.status != 202;
                       showError(ok ? QString() : message);
                       emit started(ok, answer, message);
                       refresh();
                   });
}

void TasksDock::endTask(const QString &id)
{
    if (id.isEmpty())
        return;
    gateway().call("POST", QStringLiteral("/v1/tasks/%1/complete").arg(id), {}, this, [this, id](const AdminReply &reply) {
        const QString message = reply.ok() ? tr("Task %1 ended.").arg(id) : tr("Could not end task %1: %2").arg(id, reply.error);
        showError(reply.ok() ? QString() : message);
        emit ended(id, reply.ok(), message);
        refresh();
    });
}

void TasksDock::revokeTask(const QString &id, const QString &reason)
{
    if (id.isEmpty())
        return;
    QString path = QStringLiteral("/v1/tasks/%1").arg(id);
    if (!reason.trimmed().isEmpty()) {
        QUrlQuery query;
        query.addQueryItem(QStringLiteral("reason"), reason.trimmed());
        path += QLatin1Char('?') + query.toString(QUrl::FullyEncoded);
    }
    gateway().call("DELETE", path, {}, this, [this, id](const AdminReply &reply) {
        const QString message = reply.ok() ? tr("Task %1 revoked.").arg(id) : tr("Could not revoke task %1: %2").arg(id, reply.error);
        showError(reply.ok() ? QString() : message);
        emit ended(id, reply.ok(), message);
        refresh();
    });
}

} // namespace writ::ui
