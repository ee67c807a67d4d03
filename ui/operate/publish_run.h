// SPDX-License-Identifier: Apache-2.0
#pragma once

// One publish from the studio, off the UI thread: core's Publisher (validate, apply, sign, push,
// verify) plus the studio's own last step, "record" (the new version is in the gateway's history).
// The plan is handed to the UI, which answers once; each step's progress and the outcome come back as
// signals on the UI thread.

#include <QFuture>
#include <QObject>
#include <QString>
#include <QStringList>

#include <memory>

namespace writ::ui {

struct PublishRequestInfo
{
    QString policyText;
    QString policyName;   ///< names the policy in diagnostics (its file)
    QString database;     ///< libpq string
    QString publisherKey; ///< path
    QString gateway;      ///< admin API URL
    QString tokenFile;
};

struct PublishPlanSummary
{
    QStringList databaseSteps; ///< "[medium] grant SELECT on public.tickets to …"
    QStringList bundleChanges; ///< what the bundle changes against the deployed policy
    QStringList warnings;      ///< pass-through policies, PUBLIC replacements, compiler warnings
};

struct PublishOutcome
{
    bool published = false;
    bool declined = false;
    QString failedStep;     ///< "validate", "apply", "sign", "push", "verify"; empty on success
    QString error;
    QString floorMessage;   ///< what happened to the database floor after a failure
    bool floorRestored = false;
    qint64 version = 0;     ///< the bundle now in force
    qint64 previousVersion = 0; ///< what the gateway enforced before: the version to roll back to
};

class PublishRun : public QObject
{
    Q_OBJECT

public:
    /// The steps in order, as the progress view lists them.
    static QStringList stepNames();

    explicit PublishRun(QObject *parent = nullptr);
    /// A question still open is answered "no"; waits for the background work to end.
    ~PublishRun() override;

    void start(const PublishRequestInfo &request);
    bool isRunning() const { return m_future.isRunning(); }
    /// Accept the plan without waiting for answer() (tests, scripted runs); the plan is still shown.
    void setAutoConfirm(bool autoConfirm) { m_autoConfirm = autoConfirm; }
    /// The answer to planReady().
    void answer(bool confirmed);

signals:
    /// state: 0 running, 1 done, 2 failed.
    void stepChanged(const QString &step, int state, const QString &message);
    void planReady(const writ::ui::PublishPlanSummary &plan);
    void finished(const writ::ui::PublishOutcome &outcome);

private:
    struct Question;
    std::shared_ptr<Question> m_question;
    QFuture<void> m_future;
    bool m_autoConfirm = false;
};

} // namespace writ::ui
