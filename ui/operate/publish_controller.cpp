// SPDX-License-Identifier: Apache-2.0
#include "ui/operate/publish_controller.h"

#include "ui/operate/gateway_client.h"
#include "ui/operate/publish_dialog.h"
#include "ui/operate/publish_settings.h"

#include "ui/catalog/catalog_session.h"
#include "ui/document/policy_document.h"
#include "ui/shell/icons.h"
#include "ui/shell/main_window.h"

#include <QAction>
#include <QJsonObject>
#include <QPushButton>
#include <QStatusBar>

namespace writ::ui {

PublishController::PublishController(MainWindow &window, GatewayClient &gateway, QObject *parent)
    : QObject(parent), m_window(window), m_gateway(gateway)
{
    m_action = new QAction(icon(QStringLiteral("policy")), tr("&Publish…"), this);
    m_action->setObjectName(QStringLiteral("publish-action"));
    m_action->setShortcut(QKeySequence(QStringLiteral("Ctrl+Shift+P")));
    m_action->setStatusTip(tr("Validate, apply the database floor, sign and push the bundle, and verify the gateway serves it"));
    connect(m_action, &QAction::triggered, this, [this] { publish(); });

    m_dialog = new PublishDialog(&window);
    m_run = new PublishRun(this);
    connect(m_run, &PublishRun::stepChanged, m_dialog, &PublishDialog::setStep);
    connect(m_run, &PublishRun::planReady, m_dialog, [this](const PublishPlanSummary &plan) {
        m_dialog->showPlan(plan);
        if (m_autoConfirm)
            m_dialog->showProgress();
    });
    connect(m_dialog, &PublishDialog::planAnswered, m_run, &PublishRun::answer);
    connect(m_run, &PublishRun::finished, this, [this](const PublishOutcome &outcome) {
        m_dialog->showOutcome(outcome);
        m_action->setEnabled(true);
        m_window.statusBar()->showMessage(outcome.published ? tr("Published bundle v%1.").arg(outcome.version)
                                          : outcome.declined ? tr("Not published; nothing changed.")
                                                             : tr("Publishing failed at “%1”: %2").arg(outcome.failedStep, outcome.error),
                                          10000);
        emit finished(outcome);
    });
    connect(m_dialog, &PublishDialog::rollbackRequested, this, &PublishController::rollbackTo);
    connect(this, &PublishController::rolledBack, m_dialog, &PublishDialog::showRollbackResult);
}

bool PublishController::isRunning() const
{
    return m_run->isRunning();
}

bool PublishController::refuse(const QString &why)
{
    m_lastError = why;
    m_window.statusBar()->showMessage(why, 10000);
    return false;
}

QString PublishController::databaseConninfo() const
{
    const PublishSettings settings = PublishSettings::load();
    return settings.databaseUrl.isEmpty() ? m_window.session()->conninfo() : settings.databaseUrl;
}

bool PublishController::publish()
{
    if (isRunning())
        return refuse(tr("A publish is already running."));
    const PolicyDocument *document = m_window.document();
    if (!document->isValid())
        return refuse(tr("The policy has errors: fix them (see Problems) before publishing."));
    if ((!m_gateway.isConfigured() || PublishSettings::load().publisherKeyPath.isEmpty()) && askForSettings)
        askForSettings();
    if (!m_gateway.isConfigured())
        return refuse(tr("No gateway to publish to: choose Gateway ▸ Connect to Gateway…"));
    const PublishSettings settings = PublishSettings::load();
    if (settings.publisherKeyPath.isEmpty())
        return refuse(tr("No publisher key: give one in Gateway ▸ Connect to Gateway…"));
    const QString database = databaseConninfo();
    if (database.isEmpty())
        return refuse(tr("No database to apply the floor to: connect to the database (Database ▸ Connect) first."));

    m_lastError.clear();
    PublishRequestInfo request;
    request.policyText = document->text();
    request.policyName = document->isUntitled() ? document->displayName() : document->filePath();
    request.database = database;
    request.publisherKey = settings.publisherKeyPath;
    request.gateway = m_gateway.url();
    request.tokenFile = m_gateway.tokenFile();

    m_dialog->reset(document->displayName());
    m_dialog->show();
    m_dialog->raise();
    m_action->setEnabled(false);
    m_run->setAutoConfirm(m_autoConfirm);
    m_run->start(request);
    return true;
}

void PublishController::rollbackTo(qint64 version)
{
    const QByteArray body = QJsonDocument(QJsonObject{{QStringLiteral("version"), version}}).toJson(QJsonDocument::Compact);
    m_gateway.call("POST", QStringLiteral("/v1/policy/rollback"), body, this, [this, version](const AdminReply &reply) {
        const QString message = reply.ok() ? tr("The gateway enforces bundle v%1 again.").arg(version)
                                           : tr("Rolling the gateway back to v%1 failed: %2").arg(version).arg(reply.error);
        m_window.statusBar()->showMessage(message, 10000);
        emit rolledBack(reply.ok(), message);
    });
}

} // namespace writ::ui
