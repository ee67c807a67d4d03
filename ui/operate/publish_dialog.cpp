// SPDX-License-Identifier: Apache-2.0
#include "ui/operate/publish_dialog.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QStackedWidget>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace writ::ui {

namespace {

constexpr int kStateRole = Qt::UserRole + 1;

QString stepTitle(const QString &step)
{
    if (step == QLatin1String("validate"))
        return QObject::tr("Validate the policy");
    if (step == QLatin1String("apply"))
        return QObject::tr("Apply the database floor");
    if (step == QLatin1String("sign"))
        return QObject::tr("Sign the bundle");
    if (step == QLatin1String("push"))
        return QObject::tr("Push the bundle");
    if (step == QLatin1String("verify"))
        return QObject::tr("Verify the gateway's version");
    return QObject::tr("Record in history");
}

QString stateGlyph(PublishDialog::StepState state)
{
    switch (state) {
    case PublishDialog::StepState::Pending: return QStringLiteral("○");
    case PublishDialog::StepState::Running: return QStringLiteral("◐");
    case PublishDialog::StepState::Done: return QStringLiteral("✓");
    case PublishDialog::StepState::Failed: return QStringLiteral("✗");
    }
    return {};
}

void addSection(QTreeWidget *tree, const QString &title, const QStringList &lines, const QString &empty)
{
    auto *section = new QTreeWidgetItem(tree, {QStringLiteral("%1 (%2)").arg(title).arg(lines.size())});
    QFont bold = section->font(0);
    bold.setBold(true);
    section->setFont(0, bold);
    for (const QString &line : lines.isEmpty() ? QStringList{empty} : lines)
        new QTreeWidgetItem(section, {line});
    section->setExpanded(true);
}

} // namespace

PublishDialog::PublishDialog(QWidget *parent) : QDialog(parent, Qt::Sheet)
{
    setWindowTitle(tr("Publish"));
    setObjectName(QStringLiteral("publish-dialog"));
    m_pages = new QStackedWidget(this);

    auto *planPage = new QWidget(m_pages);
    m_planTitle = new QLabel(planPage);
    m_planTitle->setWordWrap(true);
    m_plan = new QTreeWidget(planPage);
    m_plan->setHeaderHidden(true);
    m_plan->setRootIsDecorated(false);
    m_plan->setWordWrap(true);
    m_confirm = new QPushButton(tr("Publish"), planPage);
    m_confirm->setDefault(true);
    m_cancel = new QPushButton(tr("Cancel"), planPage);
    auto *planButtons = new QHBoxLayout;
    planButtons->addStretch();
    planButtons->addWidget(m_cancel);
    planButtons->addWidget(m_confirm);
    auto *planLayout = new QVBoxLayout(planPage);
    planLayout->addWidget(m_planTitle);
    planLayout->addWidget(m_plan, 1);
    planLayout->addLayout(planButtons);

    auto *progressPage = new QWidget(m_pages);
    m_steps = new QTreeWidget(progressPage);
    m_steps->setColumnCount(2);
    m_steps->setHeaderHidden(true);
    m_steps->setRootIsDecorated(false);
    m_steps->header()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    m_steps->header()->setStretchLastSection(true);
    m_outcome = new QLabel(progressPage);
    m_outcome->setWordWrap(true);
    m_outcome->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_rollback = new QPushButton(progressPage);
    m_rollback->hide();
    m_close = new QPushButton(tr("Close"), progressPage);
    auto *progressButtons = new QHBoxLayout;
    progressButtons->addStretch();
    progressButtons->addWidget(m_rollback);
    progressButtons->addWidget(m_close);
    auto *progressLayout = new QVBoxLayout(progressPage);
    progressLayout->addWidget(m_steps, 1);
    progressLayout->addWidget(m_outcome);
    progressLayout->addLayout(progressButtons);

    m_pages->addWidget(planPage);
    m_pages->addWidget(progressPage);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_pages);

    connect(m_confirm, &QPushButton::clicked, this, [this] {
        m_pages->setCurrentIndex(1);
        emit planAnswered(true);
    });
    connect(m_cancel, &QPushButton::clicked, this, [this] {
        m_pages->setCurrentIndex(1);
        emit planAnswered(false);
    });
    connect(m_rollback, &QPushButton::clicked, this, [this] {
        m_rollback->setEnabled(false);
        emit rollbackRequested(m_rollbackVersion);
    });
    connect(m_close, &QPushButton::clicked, this, &QDialog::close);
    resize(680, 440);
}

void PublishDialog::reset(const QString &policyName)
{
    setWindowTitle(tr("Publish %1").arg(policyName));
    m_plan->clear();
    m_steps->clear();
    for (const QString &step : PublishRun::stepNames()) {
        auto *item = new QTreeWidgetItem(m_steps, {stateGlyph(StepState::Pending) + QLatin1Char(' ') + stepTitle(step), QString()});
        item->setData(0, Qt::UserRole, step);
        item->setData(0, kStateRole, int(StepState::Pending));
    }
    m_outcome->clear();
    m_rollback->hide();
    m_rollback->setEnabled(true);
    m_close->setEnabled(false);
    m_pages->setCurrentIndex(1);
}

void PublishDialog::showPlan(const PublishPlanSummary &plan)
{
    m_planTitle->setText(tr("Publishing makes these changes. Nothing changes until you confirm."));
    m_plan->clear();
    addSection(m_plan, tr("Database steps"), plan.databaseSteps, tr("none: the floor is already in place"));
    addSection(m_plan, tr("Bundle changes"), plan.bundleChanges, tr("none"));
    addSection(m_plan, tr("Warnings"), plan.warnings, tr("none"));
    m_pages->setCurrentIndex(0);
    m_confirm->setFocus();
}

void PublishDialog::reject()
{
    if (isShowingPlan())
        m_cancel->click();
    QDialog::reject();
}

void PublishDialog::closeEvent(QCloseEvent *event)
{
    if (isShowingPlan())
        m_cancel->click();
    QDialog::closeEvent(event);
}

void PublishDialog::showProgress()
{
    m_pages->setCurrentIndex(1);
}

QTreeWidgetItem *PublishDialog::stepItem(const QString &step) const
{
    for (int i = 0; i < m_steps->topLevelItemCount(); ++i)
        if (m_steps->topLevelItem(i)->data(0, Qt::UserRole).toString() == step)
            return m_steps->topLevelItem(i);
    return nullptr;
}

void PublishDialog::setStep(const QString &step, int state, const QString &message)
{
    QTreeWidgetItem *item = stepItem(step);
    if (!item)
        return;
    item->setData(0, kStateRole, state);
    item->setText(0, stateGlyph(StepState(state)) + QLatin1Char(' ') + stepTitle(step));
    item->setText(1, message);
    item->setToolTip(1, message);
    item->setForeground(0, state == int(StepState::Failed) ? QBrush(Qt::red) : QBrush());
}

void PublishDialog::showOutcome(const PublishOutcome &outcome)
{
    m_pages->setCurrentIndex(1);
    m_close->setEnabled(true);
    if (outcome.published) {
        m_outcome->setText(tr("Published: the gateway enforces bundle v%1.").arg(outcome.version));
        return;
    }
    if (outcome.declined) {
        m_outcome->setText(tr("Not published; nothing changed."));
        return;
    }
    QString text = tr("Publishing stopped at step “%1”: %2").arg(stepTitle(outcome.failedStep), outcome.error);
    if (!outcome.floorMessage.isEmpty())
        text += QLatin1Char('\n') + tr("Rollback: %1.").arg(outcome.floorMessage);
    else if (outcome.failedStep == QLatin1String("validate") || outcome.failedStep == QLatin1String("apply"))
        text += QLatin1Char('\n') + tr("Nothing changed.");
    m_outcome->setText(text);
    // The bundle may have reached the gateway before the step that failed: offer the version it had before.
    if (outcome.previousVersion > 0 && outcome.failedStep != QLatin1String("validate")) {
        m_rollbackVersion = outcome.previousVersion;
        m_rollback->setText(tr("Roll Back Gateway to v%1").arg(outcome.previousVersion));
        m_rollback->show();
    }
}

void PublishDialog::showRollbackResult(bool ok, const QString &message)
{
    m_outcome->setText(m_outcome->text() + QLatin1Char('\n') + message);
    m_rollback->setEnabled(!ok);
}

PublishDialog::StepState PublishDialog::stepState(const QString &step) const
{
    const QTreeWidgetItem *item = stepItem(step);
    return item ? StepState(item->data(0, kStateRole).toInt()) : StepState::Pending;
}

QString PublishDialog::stepMessage(const QString &step) const
{
    const QTreeWidgetItem *item = stepItem(step);
    return item ? item->text(1) : QString();
}

QString PublishDialog::outcomeText() const
{
    return m_outcome->text();
}

QStringList PublishDialog::planLines() const
{
    QStringList lines;
    for (int i = 0; i < m_plan->topLevelItemCount(); ++i) {
        const QTreeWidgetItem *section = m_plan->topLevelItem(i);
        lines << section->text(0);
        for (int j = 0; j < section->childCount(); ++j)
            lines << section->child(j)->text(0);
    }
    return lines;
}

bool PublishDialog::isShowingPlan() const
{
    return m_pages->currentIndex() == 0;
}

} // namespace writ::ui
