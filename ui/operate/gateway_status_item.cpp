// SPDX-License-Identifier: Apache-2.0
#include "ui/operate/gateway_status_item.h"

#include "ui/operate/gateway_client.h"

#include "compile/naming.h"
#include "policy/policy_writer.h"
#include "ui/document/policy_document.h"

#include <QJsonObject>
#include <QTimer>

namespace writ::ui {

QString draftDigest(const PolicyDocument &document)
{
    return QString::fromStdString(compile::sha256Hex(policy::writePolicy(document.policy())));
}

GatewayStatusItem::GatewayStatusItem(GatewayClient &gateway, PolicyDocument &document, QWidget *parent)
    : QLabel(parent), m_gateway(gateway), m_document(document)
{
    setObjectName(QStringLiteral("gateway-status"));
    m_timer = new QTimer(this);
    m_timer->setInterval(5000);
    connect(m_timer, &QTimer::timeout, this, &GatewayStatusItem::refresh);
    m_timer->start();
    connect(&gateway, &GatewayClient::endpointChanged, this, &GatewayStatusItem::refresh);
    connect(&document, &PolicyDocument::diagnosticsChanged, this, &GatewayStatusItem::updateText);
    refresh();
}

void GatewayStatusItem::refresh()
{
    if (!m_gateway.isConfigured()) {
        m_version = 0;
        m_gatewaySha.clear();
        m_error.clear();
        updateText();
        return;
    }
    if (m_inFlight)
        return;
    m_inFlight = true;
    m_gateway.call("GET", QStringLiteral("/v1/policy"), {}, this, [this](const AdminReply &reply) {
        m_inFlight = false;
        const QJsonObject policy = reply.json().object();
        m_version = reply.ok() ? policy.value(QStringLiteral("version")).toInteger() : 0;
        m_gatewaySha = reply.ok() ? policy.value(QStringLiteral("sha256")).toString() : QString();
        m_error = reply.ok() ? QString() : reply.error;
        updateText();
    });
}

bool GatewayStatusItem::inSync() const
{
    return m_version > 0 && m_document.isValid() && !m_gatewaySha.isEmpty() && m_gatewaySha == draftDigest(m_document);
}

void GatewayStatusItem::updateText()
{
    if (!m_gateway.isConfigured()) {
        setText(tr("gateway: not connected"));
        setToolTip(tr("Gateway ▸ Connect to Gateway…"));
    } else if (!m_error.isEmpty()) {
        setText(tr("gateway ● unreachable"));
        setToolTip(m_error);
    } else if (m_version > 0) {
        const bool same = inSync();
        setText(same ? tr("gateway v%1 ● in sync").arg(m_version) : tr("gateway v%1 ● draft differs").arg(m_version));
        setToolTip(same ? tr("%1 enforces exactly this policy").arg(m_gateway.url())
                        : tr("%1 enforces another policy than this draft (sha256 %2): publish to make it the same")
                              .arg(m_gateway.url(), m_gatewaySha.left(12)));
    }
    setStyleSheet(inSync() ? QStringLiteral("color: #2e7d32") : QString());
    emit updated();
}

} // namespace writ::ui
