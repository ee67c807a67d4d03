// SPDX-License-Identifier: Apache-2.0
#pragma once

// The Publish action (Ctrl+Shift+P): gathers what a publish needs (the document's text, the database,
// the publisher key, the gateway), runs a PublishRun and shows it in the Publish sheet; rolls the
// gateway back to the version before when asked.

#include "ui/operate/publish_run.h"

#include <QObject>

#include <functional>

class QAction;

namespace writ::ui {

class GatewayClient;
class MainWindow;
class PublishDialog;

class PublishController : public QObject
{
    Q_OBJECT

public:
    PublishController(MainWindow &window, GatewayClient &gateway, QObject *parent = nullptr);

    QAction *action() const { return m_action; }
    PublishDialog *dialog() const { return m_dialog; }
    bool isRunning() const;
    /// Accepts the plan without waiting for the person (tests and scripted tours).
    void setAutoConfirm(bool autoConfirm) { m_autoConfirm = autoConfirm; }
    /// Called when the publisher key or the gateway is missing; true when they were given.
    std::function<bool()> askForSettings;

    /// What the action does. False when it could not start (the reason is in the status bar and lastError()).
    bool publish();
    QString lastError() const { return m_lastError; }
    /// Makes bundle `version` the one the gateway enforces (POST /v1/policy/rollback).
    void rollbackTo(qint64 version);

signals:
    void finished(const writ::ui::PublishOutcome &outcome);
    void rolledBack(bool ok, const QString &message);

private:
    bool refuse(const QString &why);
    QString databaseConninfo() const;

    MainWindow &m_window;
    GatewayClient &m_gateway;
    QAction *m_action = nullptr;
    PublishDialog *m_dialog = nullptr;
    PublishRun *m_run = nullptr;
    bool m_autoConfirm = false;
    QString m_lastError;
};

} // namespace writ::ui
