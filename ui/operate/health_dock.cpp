// SPDX-License-Identifier: Apache-2.0
#include "ui/operate/health_dock.h"

#include "ui/operate/gateway_client.h"
#include "ui/operate/json_table.h"
#include "ui/operate/sessions_dock.h"

#include <QFormLayout>
#include <QJsonObject>
#include <QLabel>

namespace writ::ui {

namespace {

struct Shown
{
    const char *key;
    const char *label;
};

const Shown kStatus[] = {{"version", "Gateway version"}, {"policy_version", "Policy in force"}, {"sessions", "Sessions"},
                         {"uptime_seconds", "Up for"},    {"environment", "Environment"},     {"database", "Database"},
                         {"listen", "Listening on"}};

const Shown kMetrics[] = {{"writ_gateway_statements_total{verdict=\"allow\"}", "Statements allowed"},
                          {"writ_gateway_statements_total{verdict=\"deny\"}", "Statements denied"},
                          {"writ_gateway_statements_total{verdict=\"approval_required\"}", "Approvals asked"},
                          {"writ_gateway_connections_total", "Connections"},
                          {"writ_gateway_authentications_refused_total", "Credentials refused"},
                          {"writ_gateway_sessions_terminated_total", "Sessions ended by Writ"},
                          {"writ_gateway_audit_failures_total", "Audit failures"},
                          {"writ_gateway_bundles_rejected_total", "Bundles rejected"},
                          {"writ_gateway_state_listening", "State database listening"}};

} // namespace

QString metricValue(const QString &metricsText, const QString &name)
{
    for (const QStringView line : QStringView(metricsText).split(QLatin1Char('\n'))) {
        if (line.startsWith(name) && line.size() > name.size() && line.at(name.size()) == QLatin1Char(' '))
            return line.mid(name.size() + 1).trimmed().toString();
    }
    return {};
}

HealthDock::HealthDock(GatewayClient &gateway, QWidget *parent)
    : RefreshDock(tr("Gateway Health"), QStringLiteral("operate-health"), gateway, parent)
{
    m_form = new QFormLayout;
    for (const auto &s : kStatus)
        showValue(QString::fromLatin1(s.key), {});
    for (const auto &m : kMetrics)
        showValue(QString::fromLatin1(m.key), {});
    body()->addLayout(m_form);
    body()->addStretch();
}

void HealthDock::showValue(const QString &key, const QString &value)
{
    QLabel *label = m_values.value(key);
    if (!label) {
        QString title = key;
        for (const auto &s : kStatus)
            if (key == QLatin1String(s.key))
                title = tr(s.label);
        for (const auto &m : kMetrics)
            if (key == QLatin1String(m.key))
                title = tr(m.label);
        label = new QLabel(this);
        label->setTextInteractionFlags(Qt::TextSelectableByMouse);
        m_form->addRow(title + QLatin1Char(':'), label);
        m_values.insert(key, label);
    }
    label->setText(value.isEmpty() ? QStringLiteral("—") : value);
}

QString HealthDock::value(const QString &key) const
{
    const QLabel *label = m_values.value(key);
    return label && label->text() != QStringLiteral("—") ? label->text() : QString();
}

void HealthDock::request()
{
    beginRequest();
    beginRequest();
    gateway().call("GET", QStringLiteral("/v1/status"), {}, this, [this](const AdminReply &reply) {
        const QJsonObject status = reply.json().object();
        for (const auto &s : kStatus) {
            const QString key = QString::fromLatin1(s.key);
            showValue(key, !reply.ok() ? QString()
                      : key == QLatin1String("uptime_seconds") ? ageText(status.value(key).toInteger())
                      : key == QLatin1String("policy_version") ? QStringLiteral("v") + cellText(status.value(key))
                                                                : cellText(status.value(key)));
        }
        finishRequest(reply.ok() ? QString() : tr("Status: %1").arg(reply.error));
    });
    gateway().call("GET", QStringLiteral("/metrics"), {}, this, [this](const AdminReply &reply) {
        const QString text = QString::fromUtf8(reply.body);
        for (const auto &m : kMetrics)
            showValue(QString::fromLatin1(m.key), reply.ok() ? metricValue(text, QString::fromLatin1(m.key)) : QString());
        finishRequest(reply.ok() ? QString() : tr("Metrics: %1").arg(reply.error));
    });
}

} // namespace writ::ui
