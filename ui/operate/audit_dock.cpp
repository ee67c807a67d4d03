// SPDX-License-Identifier: Apache-2.0
#include "ui/operate/audit_dock.h"

#include "ui/operate/gateway_client.h"
#include "ui/operate/json_table.h"

#include <QComboBox>
#include <QDateTime>
#include <QFile>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QJsonObject>
#include <QLineEdit>
#include <QPushButton>
#include <QTableWidget>
#include <QUrlQuery>
#include <QVBoxLayout>

#include <algorithm>

namespace writ::ui {

namespace {

const QStringList kCsvFields = {QStringLiteral("seq"),     QStringLiteral("time_us"),  QStringLiteral("event"),       QStringLiteral("agent"),
                                QStringLiteral("task"),    QStringLiteral("task_type"), QStringLiteral("session"),    QStringLiteral("client"),
                                QStringLiteral("db_role"), QStringLiteral("verdict"),   QStringLiteral("rule"),       QStringLiteral("approval"),
                                QStringLiteral("query"),   QStringLiteral("fingerprint"), QStringLiteral("sqlstate"), QStringLiteral("message"),
                                QStringLiteral("rows"),    QStringLiteral("duration_us"), QStringLiteral("workflow"), QStringLiteral("hash")};

QString timeText(const QJsonObject &o)
{
    const qint64 micros = o.value(QStringLiteral("time_us")).toInteger();
    return micros > 0 ? QDateTime::fromMSecsSinceEpoch(micros / 1000).toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")) : QString();
}

} // namespace

QString csvField(const QString &value)
{
    if (!value.contains(QLatin1Char(',')) && !value.contains(QLatin1Char('"')) && !value.contains(QLatin1Char('\n'))
        && !value.contains(QLatin1Char('\r')))
        return value;
    QString quoted = value;
    quoted.replace(QLatin1Char('"'), QStringLiteral("\"\""));
    return QLatin1Char('"') + quoted + QLatin1Char('"');
}

AuditDock::AuditDock(GatewayClient &gateway, QWidget *parent) : RefreshDock(tr("Audit"), QStringLiteral("operate-audit"), gateway, parent)
{
    m_agent = new QLineEdit(this);
    m_agent->setPlaceholderText(tr("agent"));
    m_agent->setClearButtonEnabled(true);
    m_task = new QLineEdit(this);
    m_task->setPlaceholderText(tr("task"));
    m_task->setClearButtonEnabled(true);
    m_verdict = new QComboBox(this);
    m_verdict->addItem(tr("any verdict"), QString());
    for (const char *v : {"allow", "deny", "approval_required"})
        m_verdict->addItem(QString::fromLatin1(v), QString::fromLatin1(v));
    m_since = new QComboBox(this);
    m_since->addItem(tr("any time"), 0);
    m_since->addItem(tr("last 5 minutes"), 300);
    m_since->addItem(tr("last hour"), 3600);
    m_since->addItem(tr("last 24 hours"), 86400);
    auto *exportButton = new QPushButton(tr("Export CSV…"), this);
    auto *filters = new QHBoxLayout;
    filters->addWidget(m_agent);
    filters->addWidget(m_task);
    filters->addWidget(m_verdict);
    filters->addWidget(m_since);
    filters->addStretch();
    filters->addWidget(exportButton);
    m_table = new QTableWidget(this);
    body()->addLayout(filters);
    body()->addWidget(m_table, 1);

    connect(m_agent, &QLineEdit::editingFinished, this, &AuditDock::refresh);
    connect(m_task, &QLineEdit::editingFinished, this, &AuditDock::refresh);
    connect(m_verdict, &QComboBox::currentIndexChanged, this, &AuditDock::refresh);
    connect(m_since, &QComboBox::currentIndexChanged, this, &AuditDock::refresh);
    connect(exportButton, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getSaveFileName(this, tr("Export Audit"), QStringLiteral("audit.csv"), tr("CSV files (*.csv)"));
        QString error;
        if (!path.isEmpty() && !exportCsv(path, &error))
            showError(error);
    });
}

void AuditDock::setFilter(const QString &agent, const QString &task, const QString &verdict)
{
    m_agent->setText(agent);
    m_task->setText(task);
    m_verdict->setCurrentIndex(std::max(0, m_verdict->findData(verdict)));
    refresh();
}

void AuditDock::setMaxAgeSeconds(qint64 seconds)
{
    const int index = m_since->findData(seconds);
    if (index < 0)
        m_since->addItem(tr("last %1 s").arg(seconds), seconds);
    m_since->setCurrentIndex(m_since->findData(seconds));
}

void AuditDock::request()
{
    QUrlQuery query;
    query.addQueryItem(QStringLiteral("limit"), QStringLiteral("500"));
    if (!m_agent->text().trimmed().isEmpty())
        query.addQueryItem(QStringLiteral("agent"), m_agent->text().trimmed());
    if (!m_task->text().trimmed().isEmpty())
        query.addQueryItem(QStringLiteral("task"), m_task->text().trimmed());
    if (!m_verdict->currentData().toString().isEmpty())
        query.addQueryItem(QStringLiteral("verdict"), m_verdict->currentData().toString());
    const qint64 maxAge = m_since->currentData().toLongLong();
    const QString path = QStringLiteral("/v1/audit?") + query.toString(QUrl::FullyEncoded);
    m_currentPath = path;
    beginRequest();
    gateway().call("GET", path, {}, this, [this, maxAge, path](const AdminReply &reply) {
        // An answer to the filters before the last change would show records the filters exclude.
        if (reply.ok() && path == m_currentPath) {
            const qint64 oldest = maxAge > 0 ? (QDateTime::currentMSecsSinceEpoch() - maxAge * 1000) * 1000 : 0;
            m_records = {};
            for (const auto &v : reply.json().array())
                if (v.toObject().value(QStringLiteral("time_us")).toInteger() >= oldest)
                    m_records.append(v);
            fillTable(m_table, m_records,
                      {{tr("Time"), timeText}, field(tr("Event"), QStringLiteral("event")), field(tr("Agent"), QStringLiteral("agent")),
                       field(tr("Task"), QStringLiteral("task")), field(tr("Verdict"), QStringLiteral("verdict")),
                       field(tr("Rule"), QStringLiteral("rule")), field(tr("Statement"), QStringLiteral("query")),
                       field(tr("Message"), QStringLiteral("message"))},
                      QStringLiteral("seq"));
            m_table->scrollToBottom();
        }
        finishRequest(reply.ok() ? QString() : tr("Audit: %1").arg(reply.error));
    });
}

bool AuditDock::exportCsv(const QString &path, QString *error) const
{
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate | QIODevice::Text)) {
        if (error)
            *error = tr("Cannot write %1: %2").arg(path, file.errorString());
        return false;
    }
    QString csv = kCsvFields.join(QLatin1Char(',')) + QLatin1Char('\n');
    for (const auto &v : m_records) {
        const QJsonObject o = v.toObject();
        QStringList row;
        for (const QString &key : kCsvFields)
            row << csvField(cellText(o.value(key)));
        csv += row.join(QLatin1Char(',')) + QLatin1Char('\n');
    }
    file.write(csv.toUtf8());
    return true;
}

} // namespace writ::ui
