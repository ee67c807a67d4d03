// SPDX-License-Identifier: Apache-2.0
#pragma once

// The studio's operations side, over a gateway's admin API: the Gateway menu (Connect to Gateway…,
// Publish…), the Publish toolbar button, the gateway item in the status bar and the Operate docks
// (Sessions, Tasks, Approvals, Audit, Gateway Health, History); the Simulator dock and the Review…
// action (Ctrl+Shift+R). installOperations() adds all of it to a MainWindow through its public API only.

#include <QObject>

class QAction;
class QMenu;

namespace writ::ui {

class ApprovalsDock;
class AuditDock;
class GatewayClient;
class GatewayStatusItem;
class HealthDock;
class HistoryDock;
class MainWindow;
class PublishController;
class ReviewController;
class ScopeCanvas;
class SessionsDock;
class SimulatorDock;
class TasksDock;

class Operations : public QObject
{
    Q_OBJECT

public:
    explicit Operations(MainWindow &window);

    GatewayClient *gateway() const { return m_gateway; }
    PublishController *publisher() const { return m_publisher; }
    GatewayStatusItem *statusItem() const { return m_status; }
    SessionsDock *sessions() const { return m_sessions; }
    TasksDock *tasks() const { return m_tasks; }
    ApprovalsDock *approvals() const { return m_approvals; }
    AuditDock *audit() const { return m_audit; }
    HealthDock *health() const { return m_health; }
    HistoryDock *history() const { return m_history; }
    SimulatorDock *simulator() const { return m_simulator; }
    ReviewController *reviewer() const { return m_reviewer; }
    QMenu *menu() const { return m_menu; }

    /// Uses this gateway from now on and remembers it (the token file's path, not the token).
    void connectToGateway(const QString &url, const QString &tokenFile);
    /// Gateway ▸ Connect to Gateway…; true when the person connected.
    bool showConnectDialog();
    /// When false, nothing asks (tests and tours): missing settings fail with a message instead.
    /// Starts as the window is (MainWindow::isInteractive()).
    void setInteractive(bool interactive);

    /// What a simulator reason is about, on the scope canvas of `agent`'s task type `task`: selects
    /// and blinks `relation`'s card and `column`'s chip, or says in the status bar that the relation
    /// is not in scope. Null when the open policy has no such task.
    ScopeCanvas *showReasonOnCanvas(const QString &agent, const QString &task, const QString &relation, const QString &column);

private:
    void createDocks();
    void createMenu();

    MainWindow &m_window;
    GatewayClient *m_gateway = nullptr;
    PublishController *m_publisher = nullptr;
    GatewayStatusItem *m_status = nullptr;
    SessionsDock *m_sessions = nullptr;
    TasksDock *m_tasks = nullptr;
    ApprovalsDock *m_approvals = nullptr;
    AuditDock *m_audit = nullptr;
    HealthDock *m_health = nullptr;
    HistoryDock *m_history = nullptr;
    SimulatorDock *m_simulator = nullptr;
    ReviewController *m_reviewer = nullptr;
    QMenu *m_menu = nullptr;
    bool m_interactive = true;
};

/// Adds the operations side to `window` (once) and returns it; it lives as long as the window.
Operations *installOperations(MainWindow &window);
/// The operations installed on `window`; null when there are none.
Operations *operationsOf(const MainWindow &window);

} // namespace writ::ui
