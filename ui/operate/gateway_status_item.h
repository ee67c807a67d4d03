// SPDX-License-Identifier: Apache-2.0
#pragma once

// The status bar's gateway item: "gateway v12 ● in sync" when the gateway enforces exactly the draft
// (the SHA-256 of its canonical text equals GET /v1/policy's), "gateway v12 ● draft differs" otherwise.

#include <QLabel>

class QTimer;

namespace writ::ui {

class GatewayClient;
class PolicyDocument;

class GatewayStatusItem : public QLabel
{
    Q_OBJECT

public:
    GatewayStatusItem(GatewayClient &gateway, PolicyDocument &document, QWidget *parent = nullptr);

    /// Asks the gateway what it enforces now.
    void refresh();
    qint64 gatewayVersion() const { return m_version; }
    bool inSync() const;

signals:
    void updated();

private:
    void updateText();

    GatewayClient &m_gateway;
    PolicyDocument &m_document;
    QTimer *m_timer = nullptr;
    qint64 m_version = 0;
    QString m_gatewaySha;
    QString m_error;
    bool m_inFlight = false;
};

/// The SHA-256 (hex) of the canonical text of `document`'s policy, what a bundle of it would carry.
QString draftDigest(const PolicyDocument &document);

} // namespace writ::ui
