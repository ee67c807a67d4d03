// SPDX-License-Identifier: Apache-2.0
#include "ui/operate/operations.h"

#include "ui/operate/approvals_dock.h"
#include "ui/operate/audit_dock.h"
#include "ui/operate/gateway_client.h"
#include "ui/operate/gateway_connect_dialog.h"
#include "ui/operate/gateway_status_item.h"
#include "ui/operate/health_dock.h"
#include "ui/operate/history_dock.h"
#include "ui/operate/publish_controller.h"
#include "ui/operate/publish_settings.h"
#include "ui/operate/sessions_dock.h"
#include "ui/operate/tasks_dock.h"
#include "ui/review/review_controller.h"
#include "ui/simulate/simulator_dock.h"

#include "ui/canvas/scope_canvas.h"
#include "ui/canvas/scope_canvas_view.h"
#include "ui/shell/icons.h"
#include "ui/shell/main_window.h"

#include <QAction>
#include <QDockWidget>
#include <QMenu>
#include <QMenuBar>
#include <QStatusBar>
#include <QToolBar>

namespace writ::ui {

namespace {

const char *const kObjectName = "writ-operations";

} // namespace

Operations::Operations(MainWindow &window) : QObject(&window), m_window(window)
{
    setObjectName(QLatin1String(kObjectName));
    m_gateway = new GatewayClient(this);
    m_gateway->loadSettings();
    m_publisher = new PublishController(window, *m_gateway, this);
    m_publisher->askForSettings = [this] { return m_interactive && m_window.isInteractive() && showConnectDialog(); };
    m_reviewer = new ReviewController(window, *m_gateway, this);
    createDocks();
    createMenu();
    setInteractive(window.isInteractive());

    m_status = new GatewayStatusItem(*m_gateway, *window.document(), &window);
    window.statusBar()->addPermanentWidget(m_status);
    connect(m_publisher, &PublishController::finished, this, [this] {
        m_status->refresh();
        m_history->refresh();
    });
    connect(m_publisher, &PublishController::rolledBack, this, [this] {
        m_status->refresh();
        m_history->refresh();
    });
    connect(m_history, &HistoryDock::rolledBack, m_status, &GatewayStatusItem::refresh);
    connect(m_approvals, &ApprovalsDock::arrived, this, [this](const QString &, const QString &summary) {
        m_window.statusBar()->showMessage(summary, 8000);
    });
    connect(m_simulator, &SimulatorDock::reasonActivated, this, &Operations::showReasonOnCanvas);
}

ScopeCanvas *Operations::showReasonOnCanvas(const QString &agent, const QString &task, const QString &relation, const QString &column)
{
    ScopeCanvas *canvas = m_window.openScopeCanvas(agent, task);
    if (!canvas)
        return nullptr; // the window says the policy has no such task
    if (relation.isEmpty()) {
        m_window.statusBar()->showMessage(tr("This reason is about the task as a whole, not one relation."), 8000);
        return canvas;
    }
    if (!canvas->view()->relations().contains(relation)) {
        canvas->view()->selectRelation({});
        m_window.statusBar()->showMessage(
            tr("%1 is not in the scope of %2 ▸ %3: drag it here from the Explorer to add it.").arg(relation, agent, task), 10000);
        return canvas;
    }
    canvas->flashRelation(relation, column);
    return canvas;
}

void Operations::createDocks()
{
    m_sessions = new SessionsDock(*m_gateway, &m_window);
    m_tasks = new TasksDock(*m_gateway, &m_window);
    m_approvals = new ApprovalsDock(*m_gateway, &m_window);
    m_audit = new AuditDock(*m_gateway, &m_window);
    m_health = new HealthDock(*m_gateway, &m_window);
    m_history = new HistoryDock(*m_gateway, &m_window);
    m_simulator = new SimulatorDock(m_window, &m_window);

    // Bottom: next to Problems, as the design's bottom docks; right: beside the Inspector.
    QDockWidget *problems = m_window.problemsDock();
    QDockWidget *previous = problems;
    for (QDockWidget *dock : {static_cast<QDockWidget *>(m_simulator), static_cast<QDockWidget *>(m_approvals), static_cast<QDockWidget *>(m_sessions),
                              static_cast<QDockWidget *>(m_tasks), static_cast<QDockWidget *>(m_audit)}) {
        m_window.addDockWidget(Qt::BottomDockWidgetArea, dock);
        if (previous)
            m_window.tabifyDockWidget(previous, dock);
        previous = dock;
    }
    problems->raise();
    QDockWidget *inspector = m_window.inspectorDock();
    m_window.addDockWidget(Qt::RightDockWidgetArea, m_history);
    m_window.addDockWidget(Qt::RightDockWidgetArea, m_health);
    m_window.tabifyDockWidget(inspector, m_history);
    m_window.tabifyDockWidget(m_history, m_health);
    inspector->raise();
    for (QDockWidget *dock : {static_cast<QDockWidget *>(m_simulator), static_cast<QDockWidget *>(m_sessions),
             static_cast<QDockWidget *>(m_tasks), static_cast<QDockWidget *>(m_approvals), static_cast<QDockWidget *>(m_audit),
             static_cast<QDockWidget *>(m_health), static_cast<QDockWidget *>(m_history)})
        m_window.addDockToggle(dock);
}

void Operations::createMenu()
{
    m_menu = new QMenu(tr("&Gateway"), &m_window);
    m_menu->setObjectName(QStringLiteral("gateway-menu"));
    QAction *connectAction = m_menu->addAction(icon(QStringLiteral("connect")), tr("&Connect to Gateway…"), this,
                                               [this] { showConnectDialog(); });
    connectAction->setObjectName(QStringLiteral("gateway-connect-action"));
    m_menu->addAction(m_publisher->action());
    m_menu->addSeparator();
    for (QDockWidget *dock : {static_cast<QDockWidget *>(m_sessions), static_cast<QDockWidget *>(m_tasks),
                              static_cast<QDockWidget *>(m_approvals), static_cast<QDockWidget *>(m_audit),
                              static_cast<QDockWidget *>(m_health), static_cast<QDockWidget *>(m_history)})
        m_menu->addAction(dock->toggleViewAction());

    // The Gateway menu goes before Help, as in the design.
    m_window.menuBar()->insertMenu(m_window.helpMenu()->menuAction(), m_menu);
    QToolBar *tools = m_window.mainToolBar();
    tools->addSeparator();
    tools->addAction(m_reviewer->action());
    tools->addAction(m_publisher->action());
    // Simulate and Review belong with the policy.
    QMenu *policyMenu = m_window.policyMenu();
    policyMenu->addSeparator();
    policyMenu->addAction(m_simulator->toggleViewAction());
    policyMenu->addAction(m_reviewer->action());
}

void Operations::connectToGateway(const QString &url, const QString &tokenFile)
{
    m_gateway->setEndpoint(url, tokenFile);
    m_gateway->saveSettings();
}

bool Operations::showConnectDialog()
{
    GatewayConnectDialog dialog(&m_window);
    dialog.setValues(m_gateway->url(), m_gateway->tokenFile(), PublishSettings::load());
    if (dialog.exec() != QDialog::Accepted)
        return false;
    connectToGateway(dialog.url(), dialog.tokenFile());
    dialog.publishSettings().save();
    return true;
}

void Operations::setInteractive(bool interactive)
{
    m_interactive = interactive;
    m_approvals->setInteractive(interactive);
    m_tasks->setInteractive(interactive);
}

Operations *installOperations(MainWindow &window)
{
    if (Operations *existing = operationsOf(window))
        return existing;
    return new Operations(window);
}

Operations *operationsOf(const MainWindow &window)
{
    return window.findChild<Operations *>(QLatin1String(kObjectName), Qt::FindDirectChildrenOnly);
}

} // namespace writ::ui
