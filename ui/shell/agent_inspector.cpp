// SPDX-License-Identifier: Apache-2.0
#include "ui/shell/agent_inspector.h"

#include "ui/commands/agent_edits.h"
#include "ui/document/policy_document.h"

#include <QCheckBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QScrollArea>
#include <QVBoxLayout>

namespace writ::ui {

namespace {

const policy::StepUpClass kStepUpClasses[] = {policy::StepUpClass::Export, policy::StepUpClass::Import, policy::StepUpClass::Ddl,
    policy::StepUpClass::BulkRead, policy::StepUpClass::SensitiveRead};

QString q(const std::string &s)
{
    return QString::fromStdString(s);
}

std::vector<std::string> splitList(const QString &text)
{
    std::vector<std::string> out;
    for (const QString &part : text.split(QRegularExpression(QStringLiteral("[,\\s]+")), Qt::SkipEmptyParts))
        out.push_back(part.toStdString());
    return out;
}

QString joinList(const std::vector<std::string> &items)
{
    QStringList out;
    for (const auto &s : items)
        out << q(s);
    return out.join(QStringLiteral(", "));
}

} // namespace

AgentInspector::AgentInspector(PolicyDocument *document, QWidget *parent)
    : QWidget(parent)
    , m_document(document)
{
    auto *outer = new QVBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    auto *scroll = new QScrollArea(this);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    outer->addWidget(scroll);
    auto *content = new QWidget(scroll);
    scroll->setWidget(content);
    auto *layout = new QVBoxLayout(content);

    m_title = new QLabel(content);
    m_title->setWordWrap(true);
    layout->addWidget(m_title);
    m_error = new QLabel(content);
    m_error->setWordWrap(true);
    m_error->setStyleSheet(QStringLiteral("color: #d64545"));
    m_error->setVisible(false);
    layout->addWidget(m_error);

    auto *agentBox = new QGroupBox(tr("Agent"), content);
    auto *agentForm = new QFormLayout(agentBox);
    m_owner = new QLineEdit(agentBox);
    m_owner->setPlaceholderText(tr("team-x@example.com"));
    m_description = new QLineEdit(agentBox);
    m_identities = new QPlainTextEdit(agentBox);
    m_identities->setPlaceholderText(
        tr("one per line:\nspiffe://example.com/agents/x\noidc https://issuer subject from 10.0.0.0/8"));
    m_identities->setMaximumHeight(80);
    m_applyIdentities = new QPushButton(tr("Apply identities"), agentBox);
    agentForm->addRow(tr("Owner"), m_owner);
    agentForm->addRow(tr("Description"), m_description);
    agentForm->addRow(tr("Identities"), m_identities);
    agentForm->addRow(QString(), m_applyIdentities);
    layout->addWidget(agentBox);

    m_taskBox = new QGroupBox(tr("Task type"), content);
    auto *taskForm = new QFormLayout(m_taskBox);
    m_taskDescription = new QLineEdit(m_taskBox);
    m_ttl = new QLineEdit(m_taskBox);
    m_maxTtl = new QLineEdit(m_taskBox);
    m_approval = new QCheckBox(tr("A human approves each task"), m_taskBox);
    m_context = new QLineEdit(m_taskBox);
    m_context->setPlaceholderText(tr("keys from the policy's context, e.g. customer_id"));
    m_rowsPerStatement = new QLineEdit(m_taskBox);
    m_rowsPerStatement->setPlaceholderText(tr("no limit"));
    m_statements = new QLineEdit(m_taskBox);
    m_statements->setPlaceholderText(tr("no limit"));
    taskForm->addRow(tr("Description"), m_taskDescription);
    taskForm->addRow(tr("TTL"), m_ttl);
    taskForm->addRow(tr("Max TTL"), m_maxTtl);
    taskForm->addRow(tr("Approval"), m_approval);
    taskForm->addRow(tr("Context keys"), m_context);
    taskForm->addRow(tr("Rows per statement"), m_rowsPerStatement);
    taskForm->addRow(tr("Statements"), m_statements);
    auto *stepUp = new QWidget(m_taskBox);
    auto *stepUpLayout = new QVBoxLayout(stepUp);
    stepUpLayout->setContentsMargins(0, 0, 0, 0);
    m_stepUpDefault = new QCheckBox(tr("The policy's defaults"), stepUp);
    stepUpLayout->addWidget(m_stepUpDefault);
    for (policy::StepUpClass c : kStepUpClasses) {
        auto *box = new QCheckBox(QString::fromLatin1(policy::toString(c)), stepUp);
        stepUpLayout->addWidget(box);
        m_stepUp << box;
        connect(box, &QCheckBox::toggled, this, [this] { commitTask(); });
    }
    taskForm->addRow(tr("Step-up"), stepUp);
    layout->addWidget(m_taskBox);
    layout->addStretch(1);

    for (QLineEdit *edit : {m_owner, m_description})
        connect(edit, &QLineEdit::editingFinished, this, &AgentInspector::commitAgent);
    connect(m_applyIdentities, &QPushButton::clicked, this, &AgentInspector::commitAgent);
    for (QLineEdit *edit : {m_taskDescription, m_ttl, m_maxTtl, m_context, m_rowsPerStatement, m_statements})
        connect(edit, &QLineEdit::editingFinished, this, &AgentInspector::commitTask);
    connect(m_approval, &QCheckBox::toggled, this, &AgentInspector::commitTask);
    connect(m_stepUpDefault, &QCheckBox::toggled, this, &AgentInspector::commitTask);
    connect(m_document, &PolicyDocument::diagnosticsChanged, this, &AgentInspector::reload);
}

bool AgentInspector::inspect(const QString &agent, const QString &task)
{
    m_agent = agent;
    m_task = task;
    showError({});
    reload();
    const policy::Policy &p = m_document->policy();
    return task.isEmpty() ? p.findAgent(agent.toStdString()) != nullptr
                          : p.findTask(agent.toStdString(), task.toStdString()) != nullptr;
}

QString AgentInspector::errorText() const
{
    return m_error->isVisible() ? m_error->text() : QString();
}

void AgentInspector::showError(const QString &text)
{
    m_error->setText(text);
    m_error->setVisible(!text.isEmpty());
}

void AgentInspector::reload()
{
    const policy::Policy &p = m_document->policy();
    const policy::Agent *agent = p.findAgent(m_agent.toStdString());
    const policy::TaskType *task = m_task.isEmpty() ? nullptr : p.findTask(m_agent.toStdString(), m_task.toStdString());
    m_loading = true;
    setEnabled(agent && m_document->isValid());
    m_taskBox->setVisible(task != nullptr);
    m_title->setText(!agent ? tr("<i>%1 is not in the policy.</i>").arg(m_agent.toHtmlEscaped())
            : task          ? tr("<h3>%1 ▸ %2</h3>").arg(m_agent.toHtmlEscaped(), m_task.toHtmlEscaped())
                   : tr("<h3>%1</h3><p>%n task type(s). Double-click one in the Explorer to draw its scope.</p>", nullptr,
                       int(agent->tasks.size()))
                         .arg(m_agent.toHtmlEscaped()));
    if (agent) {
        m_owner->setText(q(agent->owner));
        m_description->setText(q(agent->description));
        QStringList lines;
        for (const policy::Identity &i : agent->identities)
            lines << q(edits::formatIdentityLine(i));
        m_identities->setPlainText(lines.join(QLatin1Char('\n')));
    }
    if (task) {
        m_taskDescription->setText(q(task->description));
        m_ttl->setText(task->ttl ? q(policy::formatDuration(*task->ttl)) : QString());
        m_ttl->setPlaceholderText(tr("default %1").arg(q(policy::formatDuration(p.defaults.ttl))));
        m_maxTtl->setText(task->maxTtl ? q(policy::formatDuration(*task->maxTtl)) : QString());
        m_maxTtl->setPlaceholderText(tr("default %1").arg(q(policy::formatDuration(p.defaults.maxTtl))));
        m_approval->setChecked(task->approval == policy::Approval::Required);
        m_context->setText(joinList(task->contextKeys));
        m_rowsPerStatement->setText(task->limits.rowsPerStatement ? QString::number(*task->limits.rowsPerStatement) : QString());
        m_statements->setText(task->limits.statements ? QString::number(*task->limits.statements) : QString());
        m_stepUpDefault->setChecked(!task->stepUp);
        const std::set<policy::StepUpClass> effective = policy::effectiveStepUp(p, *task);
        for (int i = 0; i < m_stepUp.size(); ++i) {
            m_stepUp[i]->setChecked(effective.count(kStepUpClasses[i]));
            m_stepUp[i]->setEnabled(bool(task->stepUp));
        }
    }
    m_loading = false;
}

void AgentInspector::commitAgent()
{
    if (m_loading || !m_document->isValid())
        return;
    const policy::Agent *agent = m_document->policy().findAgent(m_agent.toStdString());
    if (!agent)
        return;
    policy::Agent fields = *agent;
    fields.owner = m_owner->text().trimmed().toStdString();
    fields.description = m_description->text().trimmed().toStdString();
    fields.identities.clear();
    for (const QString &line : m_identities->toPlainText().split(QLatin1Char('\n'), Qt::SkipEmptyParts)) {
        if (line.trimmed().isEmpty())
            continue;
        const auto identity = edits::parseIdentityLine(line.trimmed().toStdString());
        if (!identity)
            return showError(tr("'%1' is not an identity: write spiffe://trust-domain/path or oidc ISSUER SUBJECT, "
                                "optionally followed by from CIDR,CIDR.")
                                 .arg(line.trimmed()));
        fields.identities.push_back(*identity);
    }
    showError({});
    if (auto edited = edits::replaceAgentFields(m_document->policy(), m_agent.toStdString(), fields))
        m_document->replacePolicy(*edited, tr("Edit agent %1").arg(m_agent));
}

void AgentInspector::commitTask()
{
    if (m_loading || !m_document->isValid() || m_task.isEmpty())
        return;
    const policy::TaskType *current = m_document->policy().findTask(m_agent.toStdString(), m_task.toStdString());
    if (!current)
        return;
    policy::TaskType task = *current;
    task.description = m_taskDescription->text().trimmed().toStdString();
    auto duration = [this](QLineEdit *edit, std::optional<policy::Duration> &target, const QString &what) {
        const QString text = edit->text().trimmed();
        if (text.isEmpty()) {
            target.reset();
            return true;
        }
        const auto d = policy::parseDuration(text.toStdString());
        if (!d) {
            showError(tr("'%1' is not a duration for %2: write e.g. 90s, 5m, 1h30m or 2d.").arg(text, what));
            return false;
        }
        target = *d;
        return true;
    };
    if (!duration(m_ttl, task.ttl, tr("the TTL")) || !duration(m_maxTtl, task.maxTtl, tr("the max TTL")))
        return;
    auto count = [this](QLineEdit *edit, std::optional<std::int64_t> &target, const QString &what) {
        const QString text = edit->text().trimmed();
        if (text.isEmpty()) {
            target.reset();
            return true;
        }
        bool ok = false;
        const qint64 n = text.toLongLong(&ok);
        if (!ok || n <= 0) {
            showError(tr("'%1' is not a positive number for %2; leave it empty for no limit.").arg(text, what));
            return false;
        }
        target = n;
        return true;
    };
    if (!count(m_rowsPerStatement, task.limits.rowsPerStatement, tr("rows per statement"))
        || !count(m_statements, task.limits.statements, tr("statements")))
        return;
    task.approval = m_approval->isChecked() ? policy::Approval::Required : policy::Approval::None;
    task.contextKeys = splitList(m_context->text());
    if (m_stepUpDefault->isChecked()) {
        task.stepUp.reset();
    } else {
        std::set<policy::StepUpClass> classes;
        if (!current->stepUp) // just switched off the defaults: start from them
            classes = m_document->policy().defaults.stepUp;
        else
            for (int i = 0; i < m_stepUp.size(); ++i)
                if (m_stepUp[i]->isChecked())
                    classes.insert(kStepUpClasses[i]);
        task.stepUp = classes;
    }
    showError({});
    if (auto edited = edits::replaceTask(m_document->policy(), m_agent.toStdString(), m_task.toStdString(), task))
        m_document->replacePolicy(*edited, tr("Edit task %1/%2").arg(m_agent, m_task));
}

} // namespace writ::ui
