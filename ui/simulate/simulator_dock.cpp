// SPDX-License-Identifier: Apache-2.0
#include "ui/simulate/simulator_dock.h"

#include "ui/simulate/reason_target.h"

#include "ui/catalog/catalog_session.h"
#include "ui/document/policy_document.h"
#include "ui/shell/main_window.h"
#include "ui/sqleditor/sql_lexer.h"

#include "catalog/catalog.h"
#include "simulate/test_case_writer.h"

#include <Qsci/qsciapis.h>
#include <Qsci/qscilexer.h>
#include <Qsci/qsciscintilla.h>

#include <QComboBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFontDatabase>
#include <QFormLayout>
#include <QFutureWatcher>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QKeyEvent>
#include <QKeySequence>
#include <QLabel>
#include <QLineEdit>
#include <QMap>
#include <QProgressBar>
#include <QPushButton>
#include <QShortcut>
#include <QSplitter>
#include <QTableWidget>
#include <QTreeWidget>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include <set>

namespace writ::ui {

namespace {

QString q(const std::string &s)
{
    return QString::fromStdString(s);
}

struct SandboxOutcome
{
    std::optional<simulate::Simulation> simulation;
    QString error;
};

QColor verdictColor(decide::Verdict v)
{
    switch (v) {
    case decide::Verdict::Allow: return QColor(0x2e, 0x7d, 0x32);
    case decide::Verdict::Deny: return QColor(0xd3, 0x2f, 0x2f);
    case decide::Verdict::ApprovalRequired: return QColor(0xf5, 0x9e, 0x0b);
    }
    return {};
}

} // namespace

SimulatorDock::SimulatorDock(MainWindow &window, QWidget *parent)
    : QDockWidget(tr("Simulator"), parent ? parent : &window), m_window(window)
{
    setObjectName(QStringLiteral("simulator"));
    auto *split = new QSplitter(Qt::Horizontal, this);
    split->addWidget(createInputs());
    split->addWidget(createOutputs());
    split->setStretchFactor(0, 1);
    split->setStretchFactor(1, 1);
    setWidget(split);

    connect(m_window.document(), &PolicyDocument::diagnosticsChanged, this, &SimulatorDock::fillAgents);
    connect(m_window.session(), &CatalogSession::catalogChanged, this, &SimulatorDock::updateCompletions);
    fillAgents();
    updateCompletions();
}

SimulatorDock::~SimulatorDock() = default;

bool SimulatorDock::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_editor && event->type() == QEvent::KeyPress) {
        const auto *key = static_cast<QKeyEvent *>(event);
        if ((key->key() == Qt::Key_Return || key->key() == Qt::Key_Enter) && (key->modifiers() & Qt::ControlModifier)) {
            decide();
            return true;
        }
    }
    return QDockWidget::eventFilter(watched, event);
}

QWidget *SimulatorDock::createInputs()
{
    auto *pane = new QWidget(this);
    auto *layout = new QVBoxLayout(pane);
    auto *form = new QFormLayout;
    m_agent = new QComboBox(pane);
    m_agent->setObjectName(QStringLiteral("simulator-agent"));
    m_task = new QComboBox(pane);
    m_task->setObjectName(QStringLiteral("simulator-task"));
    connect(m_agent, &QComboBox::currentTextChanged, this, &SimulatorDock::fillTasks);
    connect(m_task, &QComboBox::currentTextChanged, this, &SimulatorDock::fillContextKeys);
    auto *who = new QHBoxLayout;
    who->addWidget(m_agent, 1);
    who->addWidget(new QLabel(QStringLiteral("▸"), pane));
    who->addWidget(m_task, 1);
    form->addRow(tr("Agent ▸ task:"), who);
    m_context = new QTableWidget(0, 2, pane);
    m_context->setObjectName(QStringLiteral("simulator-context"));
    m_context->setHorizontalHeaderLabels({tr("Context key"), tr("Value")});
    m_context->horizontalHeader()->setStretchLastSection(true);
    m_context->verticalHeader()->hide();
    m_context->setMaximumHeight(90);
    form->addRow(tr("Context:"), m_context);
    m_environment = new QLineEdit(pane);
    m_environment->setPlaceholderText(tr("any (the task's environments: list)"));
    form->addRow(tr("Environment:"), m_environment);
    layout->addLayout(form);

    m_editor = new QsciScintilla(pane);
    m_editor->setObjectName(QStringLiteral("simulator-sql"));
    const QFont mono = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    QsciLexer *lexer = makeSqlLexer(m_editor, mono);
    m_editor->setLexer(lexer);
    m_apis = new QsciAPIs(lexer);
    m_editor->setUtf8(true);
    m_editor->setAutoCompletionSource(QsciScintilla::AcsAPIs);
    m_editor->setAutoCompletionThreshold(2);
    m_editor->setAutoCompletionCaseSensitivity(false);
    m_editor->setMarginWidth(0, 0);
    m_editor->setText(QStringLiteral("SELECT "));
    layout->addWidget(m_editor, 1);
    // Ctrl+Enter decides, as the design's keyboard map says: in the editor (also when the window is not
    // the active one, where shortcuts do not fire) and wherever else the focus is in the dock.
    m_editor->installEventFilter(this);
    for (const QKeySequence &keys : {QKeySequence(Qt::CTRL | Qt::Key_Return), QKeySequence(Qt::CTRL | Qt::Key_Enter)}) {
        auto *shortcut = new QShortcut(keys, this);
        shortcut->setContext(Qt::WidgetWithChildrenShortcut);
        connect(shortcut, &QShortcut::activated, this, &SimulatorDock::decide);
    }

    auto *buttons = new QHBoxLayout;
    m_decide = new QPushButton(tr("Decide (Ctrl+Enter)"), pane);
    m_decide->setObjectName(QStringLiteral("simulator-decide"));
    m_run = new QPushButton(tr("Run in Sandbox"), pane);
    m_run->setObjectName(QStringLiteral("simulator-run"));
    m_run->setToolTip(tr("Run it as the task on the connected database, in a transaction that is rolled back (needs a superuser connection)"));
    m_save = new QPushButton(tr("Save as Test Case"), pane);
    m_save->setObjectName(QStringLiteral("simulator-save"));
    connect(m_decide, &QPushButton::clicked, this, &SimulatorDock::decide);
    connect(m_run, &QPushButton::clicked, this, &SimulatorDock::runInSandbox);
    connect(m_save, &QPushButton::clicked, this, [this] {
        const QString file = QFileDialog::getSaveFileName(this, tr("Append to Test Case File"), testCaseFile(),
            tr("Writ test cases (*.tests.yaml *.yaml);;All files (*)"), nullptr, QFileDialog::DontConfirmOverwrite);
        if (file.isEmpty())
            return;
        QString error;
        if (!saveAsTestCase(file, &error))
            showMessage(error);
    });
    m_progress = new QProgressBar(pane);
    m_progress->setRange(0, 0);
    m_progress->setMaximumWidth(120);
    m_progress->hide();
    buttons->addWidget(m_decide);
    buttons->addWidget(m_run);
    buttons->addWidget(m_progress);
    buttons->addStretch(1);
    buttons->addWidget(m_save);
    layout->addLayout(buttons);
    return pane;
}

QWidget *SimulatorDock::createOutputs()
{
    auto *pane = new QWidget(this);
    auto *layout = new QVBoxLayout(pane);
    m_verdict = new QLabel(tr("Write a statement and press Ctrl+Enter: the decision the gateway would make appears here."), pane);
    m_verdict->setObjectName(QStringLiteral("simulator-verdict"));
    m_verdict->setWordWrap(true);
    layout->addWidget(m_verdict);
    m_reasons = new QTreeWidget(pane);
    m_reasons->setObjectName(QStringLiteral("simulator-reasons"));
    m_reasons->setHeaderLabels({tr("Rule"), tr("Reason")});
    m_reasons->setWordWrap(true);
    m_reasons->setMaximumHeight(130);
    connect(m_reasons, &QTreeWidget::itemActivated, this, [this](QTreeWidgetItem *item) {
        while (item->parent())
            item = item->parent();
        const int index = m_reasons->indexOfTopLevelItem(item);
        if (!m_simulation || index < 0 || index >= int(m_simulation->decision.reasons.size()))
            return;
        const ReasonTarget t = reasonTarget(m_simulation->decision.reasons[std::size_t(index)], q(m_simulated.agent), q(m_simulated.task));
        emit reasonActivated(t.agent, t.task, t.relation, t.column);
    });
    layout->addWidget(m_reasons);
    m_result = new QTableWidget(pane);
    m_result->setObjectName(QStringLiteral("simulator-result"));
    m_result->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_result->verticalHeader()->hide();
    layout->addWidget(m_result, 1);
    auto *status = new QHBoxLayout;
    m_visible = new QLabel(pane);
    m_visible->setObjectName(QStringLiteral("simulator-visible"));
    m_time = new QLabel(pane);
    m_time->setObjectName(QStringLiteral("simulator-time"));
    status->addWidget(m_visible, 1);
    status->addWidget(m_time);
    layout->addLayout(status);
    m_message = new QLabel(pane);
    m_message->setWordWrap(true);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_message);
    return pane;
}

void SimulatorDock::fillAgents()
{
    const QString current = m_agent->currentText();
    QStringList agents, shown;
    for (const auto &a : m_window.document()->policy().agents)
        agents << q(a.id);
    for (int i = 0; i < m_agent->count(); ++i)
        shown << m_agent->itemText(i);
    if (agents != shown) {
        const QSignalBlocker block(m_agent);
        m_agent->clear();
        m_agent->addItems(agents);
        if (agents.contains(current))
            m_agent->setCurrentText(current);
    }
    fillTasks();
}

void SimulatorDock::fillTasks()
{
    const QString current = m_task->currentText();
    const QSignalBlocker block(m_task);
    m_task->clear();
    if (const auto *agent = m_window.document()->policy().findAgent(m_agent->currentText().toStdString()))
        for (const auto &t : agent->tasks)
            m_task->addItem(q(t.id));
    if (m_task->findText(current) >= 0)
        m_task->setCurrentText(current);
    fillContextKeys();
}

void SimulatorDock::fillContextKeys()
{
    // Keep the values typed for keys the task still takes.
    QMap<QString, QString> typed;
    for (int r = 0; r < m_context->rowCount(); ++r)
        if (m_context->item(r, 0) && m_context->item(r, 1))
            typed[m_context->item(r, 0)->text()] = m_context->item(r, 1)->text();
    m_context->setRowCount(0);
    const auto *task = m_window.document()->policy().findTask(agent().toStdString(), this->task().toStdString());
    if (!task)
        return;
    for (const auto &key : task->contextKeys) {
        const int row = m_context->rowCount();
        m_context->insertRow(row);
        auto *name = new QTableWidgetItem(q(key));
        name->setFlags(name->flags() & ~Qt::ItemIsEditable);
        m_context->setItem(row, 0, name);
        m_context->setItem(row, 1, new QTableWidgetItem(typed.value(q(key))));
    }
}

void SimulatorDock::updateCompletions()
{
    m_words.clear();
    std::set<QString> words;
    if (const auto catalog = m_window.session()->catalog()) {
        for (const auto &rel : catalog->relations) {
            words.insert(q(rel.name));
            words.insert(q(rel.schema + "." + rel.name));
            for (const auto &c : rel.columns)
                words.insert(q(c.name));
        }
    }
    m_apis->clear();
    for (const QString &w : words) {
        m_words << w;
        m_apis->add(w);
    }
    m_apis->prepare();
}

void SimulatorDock::setAgentTask(const QString &agent, const QString &task)
{
    m_agent->setCurrentText(agent);
    m_task->setCurrentText(task);
}

void SimulatorDock::setContextValue(const QString &key, const QString &value)
{
    for (int r = 0; r < m_context->rowCount(); ++r)
        if (m_context->item(r, 0)->text() == key)
            m_context->item(r, 1)->setText(value);
}

void SimulatorDock::setEnvironment(const QString &environment)
{
    m_environment->setText(environment);
}

void SimulatorDock::setSql(const QString &sql)
{
    m_editor->setText(sql);
}

QString SimulatorDock::sql() const
{
    return m_editor->text();
}

QString SimulatorDock::agent() const
{
    return m_agent->currentText();
}

QString SimulatorDock::task() const
{
    return m_task->currentText();
}

simulate::SimulationRequest SimulatorDock::request() const
{
    simulate::SimulationRequest r;
    r.agent = agent().toStdString();
    r.task = task().toStdString();
    for (int row = 0; row < m_context->rowCount(); ++row) {
        const QString value = m_context->item(row, 1) ? m_context->item(row, 1)->text().trimmed() : QString();
        if (!value.isEmpty())
            r.context[m_context->item(row, 0)->text().toStdString()] = value.toStdString();
    }
    r.environment = m_environment->text().trimmed().toStdString();
    r.sql = sql().trimmed().toStdString();
    r.maxRows = 200;
    return r;
}

void SimulatorDock::showMessage(const QString &text)
{
    m_message->setText(text);
}

bool SimulatorDock::decide()
{
    const auto catalog = m_window.session()->catalog();
    if (!catalog) {
        showMessage(tr("Connect to a database or open a catalog snapshot: the decision needs the catalog."));
        return false;
    }
    if (agent().isEmpty() || task().isEmpty()) {
        showMessage(tr("The policy has no agent task to simulate."));
        return false;
    }
    const auto draft = std::make_shared<const policy::Policy>(m_window.document()->policy());
    m_simulated = request();
    // Deciding is pure and fast: no estimate here, so the UI thread never waits on the database.
    m_simulation = simulate::simulateStatement(draft, catalog, m_simulated);
    showMessage(m_window.document()->isValid() ? QString()
                                               : tr("The policy text has errors: decided with the last version that loaded."));
    showSimulation();
    emit decided();
    return true;
}

void SimulatorDock::runInSandbox()
{
    if (m_running || !decide())
        return;
    const QString conninfo = m_window.session()->conninfo();
    if (conninfo.isEmpty()) {
        showMessage(tr("Connect to a database to run the statement: a snapshot has no data."));
        emit sandboxFinished(false, m_message->text());
        return;
    }
    m_running = true;
    m_run->setEnabled(false);
    m_progress->show();
    showMessage(tr("Running as %1/%2 in a sandbox transaction…").arg(agent(), task()));
    simulate::SimulationRequest r = m_simulated;
    r.connectionUri = conninfo.toStdString();
    r.run = true;
    m_simulated = r;
    const auto draft = std::make_shared<const policy::Policy>(m_window.document()->policy());
    const auto catalog = m_window.session()->catalog();
    auto *watcher = new QFutureWatcher<SandboxOutcome>(this);
    connect(watcher, &QFutureWatcher<SandboxOutcome>::finished, this, [this, watcher] {
        watcher->deleteLater();
        m_running = false;
        m_run->setEnabled(true);
        m_progress->hide();
        const SandboxOutcome outcome = watcher->result();
        if (!outcome.error.isEmpty()) {
            showMessage(outcome.error);
            emit sandboxFinished(false, outcome.error);
            return;
        }
        m_simulation = outcome.simulation;
        showSimulation();
        const auto &s = *m_simulation->sandbox;
        const QString message = s.succeeded() ? QString() : q(s.sqlstate.empty() ? s.error : "PostgreSQL refused it: SQLSTATE " + s.sqlstate + ": " + s.error);
        showMessage(message);
        emit sandboxFinished(s.succeeded(), message);
    });
    watcher->setFuture(QtConcurrent::run([draft, catalog, r] {
        SandboxOutcome out;
        try {
            out.simulation = simulate::simulateStatement(draft, catalog, r);
        } catch (const simulate::SandboxError &e) {
            out.error = tr("sandbox: %1").arg(q(e.what()));
        } catch (const std::exception &e) {
            out.error = tr("sandbox: %1").arg(q(e.what()));
        }
        return out;
    }));
}

QString SimulatorDock::decisionText() const
{
    if (!m_simulation)
        return {};
    const decide::Decision &d = m_simulation->decision;
    QString out = QStringLiteral("decision: ") + QLatin1String(decide::toString(d.verdict));
    if (d.approvalClass)
        out += QStringLiteral(" (step-up class %1)").arg(QLatin1String(policy::toString(*d.approvalClass)));
    out += QLatin1Char('\n');
    for (const auto &r : d.reasons) {
        out += QStringLiteral("  [%1] %2\n").arg(q(r.rule), q(r.message));
        if (!r.fix.empty())
            out += QStringLiteral("    fix: %1\n").arg(q(r.fix));
    }
    return out;
}

void SimulatorDock::showSimulation()
{
    const simulate::Simulation &sim = *m_simulation;
    const decide::Decision &d = sim.decision;
    QString verdict = tr("decision: %1").arg(QLatin1String(decide::toString(d.verdict)));
    if (d.approvalClass)
        verdict += tr(" (step-up class %1)").arg(QLatin1String(policy::toString(*d.approvalClass)));
    if (sim.estimate && sim.estimate->rows)
        verdict += tr(" — row estimate %1 (%2)").arg(qint64(*sim.estimate->rows)).arg(q(sim.estimate->source));
    else if (d.needsRowEstimate && !sim.sandbox)
        verdict += tr(" — row estimate not checked; Run in Sandbox asks the planner as the task");
    m_verdict->setText(verdict);
    QPalette palette = m_verdict->palette();
    palette.setColor(QPalette::WindowText, verdictColor(d.verdict));
    m_verdict->setPalette(palette);

    m_reasons->clear();
    for (const auto &r : d.reasons) {
        auto *item = new QTreeWidgetItem(m_reasons, {q(r.rule), q(r.message)});
        item->setToolTip(1, q(r.message));
        if (!r.fix.empty())
            new QTreeWidgetItem(item, {tr("fix"), q(r.fix)});
    }
    m_reasons->expandAll();
    m_reasons->resizeColumnToContents(0);

    m_result->clear();
    m_result->setRowCount(0);
    m_result->setColumnCount(0);
    m_visible->clear();
    m_time->clear();
    if (!sim.sandbox)
        return;
    const simulate::SandboxResult &s = *sim.sandbox;
    m_result->setColumnCount(int(s.columns.size()));
    QStringList headers;
    for (const auto &c : s.columns)
        headers << q(c);
    m_result->setHorizontalHeaderLabels(headers);
    m_result->setRowCount(int(s.rows.size()));
    for (int r = 0; r < int(s.rows.size()); ++r)
        for (int c = 0; c < int(s.rows[std::size_t(r)].size()) && c < int(s.columns.size()); ++c) {
            const auto &value = s.rows[std::size_t(r)][std::size_t(c)];
            auto *item = new QTableWidgetItem(value ? q(*value) : QStringLiteral("NULL"));
            if (!value)
                item->setForeground(QColor(0x9e, 0x9e, 0x9e));
            m_result->setItem(r, c, item);
        }
    m_result->resizeColumnsToContents();
    const QString what = s.write ? tr("affected") : tr("visible");
    if (s.succeeded() && s.rowsWithoutPolicy)
        m_visible->setText(tr("%1: %2 of %3 rows").arg(what).arg(s.visibleRows).arg(*s.rowsWithoutPolicy));
    else if (s.succeeded())
        m_visible->setText(tr("%1: %2 rows; without the policy: %3")
                               .arg(what)
                               .arg(s.visibleRows)
                               .arg(s.withoutPolicyError.empty() ? tr("not counted") : q(s.withoutPolicyError)));
    if (s.truncated())
        m_visible->setText(m_visible->text() + tr(" (%1 shown)").arg(s.rows.size()));
    m_time->setText(tr("time: %1 ms").arg(double(s.duration.count()) / 1000.0, 0, 'f', 1));
}

QString SimulatorDock::testCaseFile() const
{
    if (!m_testCaseFile.isEmpty())
        return m_testCaseFile;
    const QString policy = m_window.document()->filePath();
    if (policy.isEmpty())
        return QStringLiteral("policy.tests.yaml");
    QString base = QFileInfo(policy).fileName();
    for (const QString &suffix : {QStringLiteral(".writ.yaml"), QStringLiteral(".yaml"), QStringLiteral(".yml")})
        if (base.endsWith(suffix)) {
            base.chop(suffix.size());
            break;
        }
    return QFileInfo(policy).dir().filePath(base + QStringLiteral(".tests.yaml"));
}

bool SimulatorDock::saveAsTestCase(const QString &file, QString *error)
{
    if (!m_simulation) {
        if (error)
            *error = tr("decide a statement first (Ctrl+Enter)");
        return false;
    }
    const decide::Decision &d = m_simulation->decision;
    simulate::TestCase c;
    c.agent = m_simulated.agent;
    c.task = m_simulated.task;
    c.context = m_simulated.context;
    c.environment = m_simulated.environment;
    c.sql = m_simulated.sql;
    c.expect = d.verdict;
    if (d.verdict != decide::Verdict::Allow && !d.reasons.empty())
        c.rule = d.deciding().rule;
    if (m_simulation->sandbox && m_simulation->sandbox->succeeded())
        c.rows = m_simulation->sandbox->visibleRows;
    QString firstLine = q(c.sql).simplified();
    if (firstLine.size() > 60)
        firstLine = firstLine.left(57) + QStringLiteral("...");
    c.name = QStringLiteral("%1/%2 %3: %4").arg(q(c.agent), q(c.task), QLatin1String(decide::toString(d.verdict)), firstLine).toStdString();
    c.reason = "saved from the studio's simulator";
    std::string problem;
    const std::string saved = simulate::appendTestCase(file.toStdString(), c, problem);
    if (saved.empty()) {
        if (error)
            *error = q(problem);
        return false;
    }
    m_testCaseFile = file;
    showMessage(tr("Saved as test case “%1” in %2").arg(q(saved), file));
    emit testCaseSaved(file, q(saved));
    return true;
}

} // namespace writ::ui
