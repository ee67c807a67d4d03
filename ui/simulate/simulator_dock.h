// SPDX-License-Identifier: Apache-2.0
#pragma once

// The Simulator dock: what the gateway would decide for a statement, and what PostgreSQL returns to
// the task. Pick the agent, task type and context values (from the open policy), write SQL (completion
// of the catalog's relations and columns), Ctrl+Enter decides it with `writ simulate`'s engine and
// shows every reason (rule, message, fix). "Run in Sandbox" runs it as the task on the connected
// database in a rolled-back transaction, off the UI thread; "Save as Test Case" appends it to a
// `writ test` case file. A reason double-clicked names the relation and column it is about.

#include "simulate/simulation.h"

#include <QDockWidget>
#include <QString>

#include <optional>

class QComboBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QTableWidget;
class QTreeWidget;
class QsciAPIs;
class QsciScintilla;

namespace writ::ui {

class MainWindow;

class SimulatorDock : public QDockWidget
{
    Q_OBJECT

public:
    explicit SimulatorDock(MainWindow &window, QWidget *parent = nullptr);
    ~SimulatorDock() override;

    /// Chooses the agent and task type (when the policy has them) and lists the task's context keys.
    void setAgentTask(const QString &agent, const QString &task);
    void setContextValue(const QString &key, const QString &value);
    void setEnvironment(const QString &environment);
    void setSql(const QString &sql);
    QString sql() const;
    QString agent() const;
    QString task() const;

    /// Decides the statement (Ctrl+Enter). False when there is nothing to decide with (no catalog,
    /// no such task): the dock says why.
    bool decide();
    /// Decides and runs it in the sandbox in the background; sandboxFinished() reports.
    void runInSandbox();
    bool isRunning() const { return m_running; }

    /// Appends the last simulation to `file` as a case expecting its verdict (and, after a sandbox
    /// run, its row count). False with `error` set when it cannot.
    bool saveAsTestCase(const QString &file, QString *error = nullptr);
    /// The case file "Save as Test Case" appends to; by default the policy's name with .tests.yaml.
    QString testCaseFile() const;
    void setTestCaseFile(const QString &file) { m_testCaseFile = file; }

    const std::optional<simulate::Simulation> &simulation() const { return m_simulation; }
    /// The decision as `writ simulate` prints it: "decision: deny", then "  [rule] message" and "    fix: ...".
    QString decisionText() const;
    QLabel *verdictLabel() const { return m_verdict; }
    QTreeWidget *reasonList() const { return m_reasons; }
    QTableWidget *resultTable() const { return m_result; }
    QLabel *visibleLabel() const { return m_visible; }
    QLabel *timeLabel() const { return m_time; }
    QsciScintilla *editor() const { return m_editor; }
    /// The relation and column names the editor completes.
    QStringList completionWords() const { return m_words; }

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

signals:
    /// A reason was activated: the scope item that decided it, for the canvas to highlight.
    void reasonActivated(const QString &agent, const QString &task, const QString &relation, const QString &column);
    void decided();
    void sandboxFinished(bool ok, const QString &message);
    void testCaseSaved(const QString &file, const QString &name);

private:
    QWidget *createInputs();
    QWidget *createOutputs();
    void fillAgents();
    void fillTasks();
    void fillContextKeys();
    void updateCompletions();
    simulate::SimulationRequest request() const;
    void showSimulation();
    void showMessage(const QString &text);

    MainWindow &m_window;
    QComboBox *m_agent = nullptr;
    QComboBox *m_task = nullptr;
    QTableWidget *m_context = nullptr;
    QLineEdit *m_environment = nullptr;
    QsciScintilla *m_editor = nullptr;
    QsciAPIs *m_apis = nullptr;
    QPushButton *m_decide = nullptr;
    QPushButton *m_run = nullptr;
    QPushButton *m_save = nullptr;
    QProgressBar *m_progress = nullptr;
    QLabel *m_verdict = nullptr;
    QTreeWidget *m_reasons = nullptr;
    QTableWidget *m_result = nullptr;
    QLabel *m_visible = nullptr;
    QLabel *m_time = nullptr;
    QLabel *m_message = nullptr;
    QStringList m_words;
    QString m_testCaseFile;
    std::optional<simulate::Simulation> m_simulation;
    simulate::SimulationRequest m_simulated; ///< what m_simulation answered
    bool m_running = false;
};

} // namespace writ::ui
