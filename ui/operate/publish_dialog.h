// SPDX-License-Identifier: Apache-2.0
#pragma once

// The Publish sheet: first the plan (database steps, bundle changes, warnings) with one question, then
// the steps ticking off live. A failure names the step and why, says what happened to the database
// floor, and offers to put the gateway back on the version it enforced before.

#include "ui/operate/publish_run.h"

#include <QDialog>

class QLabel;
class QPushButton;
class QStackedWidget;
class QTreeWidget;
class QTreeWidgetItem;

namespace writ::ui {

class PublishDialog : public QDialog
{
    Q_OBJECT

public:
    enum class StepState { Pending = -1, Running = 0, Done = 1, Failed = 2 };

    explicit PublishDialog(QWidget *parent = nullptr);

    /// Back to the first state: every step pending, no plan.
    void reset(const QString &policyName);
    void showPlan(const PublishPlanSummary &plan);
    /// The steps page (the plan was answered elsewhere).
    void showProgress();
    void setStep(const QString &step, int state, const QString &message);
    void showOutcome(const PublishOutcome &outcome);
    void showRollbackResult(bool ok, const QString &message);

    StepState stepState(const QString &step) const;
    QString stepMessage(const QString &step) const;
    /// The sentence under the steps: what went wrong, or the version now in force.
    QString outcomeText() const;
    /// Every line of the plan page, section titles included.
    QStringList planLines() const;
    bool isShowingPlan() const;
    QPushButton *confirmButton() const { return m_confirm; }
    QPushButton *rollbackButton() const { return m_rollback; }

    /// Esc or closing the window while the plan is shown answers "no": a question is never left open.
    void reject() override;

signals:
    void planAnswered(bool confirmed);
    void rollbackRequested(qint64 version);

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    QTreeWidgetItem *stepItem(const QString &step) const;

    QStackedWidget *m_pages = nullptr;
    QLabel *m_planTitle = nullptr;
    QTreeWidget *m_plan = nullptr;
    QPushButton *m_confirm = nullptr;
    QPushButton *m_cancel = nullptr;
    QTreeWidget *m_steps = nullptr;
    QLabel *m_outcome = nullptr;
    QPushButton *m_rollback = nullptr;
    QPushButton *m_close = nullptr;
    qint64 m_rollbackVersion = 0;
};

} // namespace writ::ui
