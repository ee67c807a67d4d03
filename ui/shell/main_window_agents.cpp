// SPDX-License-Identifier: Apache-2.0
// MainWindow's part that deals with the policy's agents: the editable Inspector for agents and task
// types, the scope canvas tabs, and the Ctrl+K command palette over actions and objects.
#include "ui/shell/main_window.h"

#include "ui/canvas/scope_canvas.h"
#include "ui/canvas/scope_canvas_view.h"
#include "ui/catalog/catalog_session.h"
#include "ui/diagram/schema_diagram_view.h"
#include "ui/document/policy_document.h"
#include "ui/explorer/explorer_view.h"
#include "ui/shell/agent_inspector.h"
#include "ui/shell/command_palette.h"
#include "ui/shell/icons.h"
#include "ui/shell/inspector.h"

#include "catalog/catalog.h"

#include <QAction>
#include <QLineEdit>
#include <QMenu>
#include <QMenuBar>
#include <QStackedWidget>
#include <QStatusBar>
#include <QTabWidget>

#include <functional>

namespace writ::ui {

void MainWindow::onObjectSelected(const QString &objectName)
{
    if (objectName.startsWith(QLatin1String("agent ")) || objectName.startsWith(QLatin1String("task "))) {
        inspectAgent(objectName);
        return;
    }
    m_inspectorStack->setCurrentWidget(m_inspector);
    m_inspector->inspect(objectName);
}

void MainWindow::onObjectActivated(const QString &objectName)
{
    if (objectName.startsWith(QLatin1String("task "))) {
        const QString name = objectName.mid(5);
        openScopeCanvas(name.section(QLatin1Char('/'), 0, 0), name.section(QLatin1Char('/'), 1));
        return;
    }
    if (objectName.startsWith(QLatin1String("agent "))) {
        const policy::Agent *agent = m_document->policy().findAgent(objectName.mid(6).toStdString());
        if (agent && !agent->tasks.empty())
            openScopeCanvas(QString::fromStdString(agent->id), QString::fromStdString(agent->tasks.front().id));
        return;
    }
    const QStringList parts = objectName.split(QLatin1Char('.'));
    if (parts.size() >= 2 && !objectName.startsWith(QLatin1String("role "))) {
        m_diagram->selectRelation(parts[0] + QLatin1Char('.') + parts[1]);
        showTab(Tab::Schema);
    }
}

void MainWindow::inspectAgent(const QString &objectName)
{
    const QString name = objectName.section(QLatin1Char(' '), 1);
    m_agentInspector->inspect(name.section(QLatin1Char('/'), 0, 0), name.section(QLatin1Char('/'), 1));
    m_inspectorStack->setCurrentWidget(m_agentInspector);
    m_inspectorStack->parentWidget()->show();
}

ScopeCanvas *MainWindow::scopeCanvas(const QString &agent, const QString &task) const
{
    for (ScopeCanvas *canvas : scopeCanvases()) {
        if (canvas->agent() == agent && canvas->task() == task)
            return canvas;
    }
    return nullptr;
}

QList<ScopeCanvas *> MainWindow::scopeCanvases() const
{
    QList<ScopeCanvas *> canvases;
    for (int i = kFixedTabs; i < m_tabs->count(); ++i) {
        if (auto *canvas = qobject_cast<ScopeCanvas *>(m_tabs->widget(i)))
            canvases << canvas;
    }
    return canvases;
}

ScopeCanvas *MainWindow::openScopeCanvas(const QString &agent, const QString &task)
{
    ScopeCanvas *canvas = scopeCanvas(agent, task);
    if (!canvas) {
        if (!m_document->policy().findTask(agent.toStdString(), task.toStdString())) {
            statusBar()->showMessage(tr("%1 has no task type %2.").arg(agent, task), 5000);
            return nullptr;
        }
        canvas = new ScopeCanvas(m_document, agent, task, m_tabs);
        canvas->setCatalog(m_session->catalog(), m_session->conninfo());
        connect(canvas, &ScopeCanvas::relationSelected, this, [this](const QString &relation) {
            if (relation.isEmpty())
                return;
            m_explorer->reveal(relation);
            onObjectSelected(relation);
        });
        m_tabs->addTab(canvas, icon(QStringLiteral("canvas")), canvas->title());
    }
    m_tabs->setCurrentWidget(canvas);
    inspectAgent(QStringLiteral("task %1/%2").arg(agent, task));
    return canvas;
}

void MainWindow::closeScopeCanvases()
{
    for (ScopeCanvas *canvas : scopeCanvases()) {
        m_tabs->removeTab(m_tabs->indexOf(canvas));
        canvas->deleteLater();
    }
}

void MainWindow::fillCanvasMenu()
{
    m_canvasMenu->clear();
    for (const policy::Agent &agent : m_document->policy().agents) {
        for (const policy::TaskType &task : agent.tasks) {
            const QString a = QString::fromStdString(agent.id);
            const QString t = QString::fromStdString(task.id);
            m_canvasMenu->addAction(
                icon(QStringLiteral("task")), QStringLiteral("%1 ▸ %2").arg(a, t), this, [this, a, t] { openScopeCanvas(a, t); });
        }
    }
    if (m_canvasMenu->isEmpty())
        m_canvasMenu->addAction(tr("The policy has no agents yet"))->setEnabled(false);
}

CommandPalette *MainWindow::showCommandPalette()
{
    auto *palette = findChild<CommandPalette *>();
    if (!palette)
        palette = new CommandPalette(this);
    QVector<CommandPalette::Entry> entries;
    // Every menu action, named by its menu path.
    std::function<void(QMenu *, const QString &)> collect = [&](QMenu *menu, const QString &path) {
        for (QAction *a : menu->actions()) {
            if (a->isSeparator() || a == m_paletteAction)
                continue;
            const QString text = QString(a->text()).remove(QLatin1Char('&'));
            if (a->menu()) {
                collect(a->menu(), path + text + QStringLiteral(" ▸ "));
                continue;
            }
            if (!a->isEnabled() || text.isEmpty())
                continue;
            entries.push_back(
                {path + text, tr("action"), a->shortcut().toString(QKeySequence::NativeText), [a] { a->trigger(); }});
        }
    };
    fillCanvasMenu();
    for (QAction *top : menuBar()->actions()) {
        if (top->menu())
            collect(top->menu(), QString(top->text()).remove(QLatin1Char('&')) + QStringLiteral(" ▸ "));
    }
    for (const policy::Agent &agent : m_document->policy().agents) {
        const QString a = QString::fromStdString(agent.id);
        entries.push_back({a, tr("agent"), QString(), [this, a] {
                               m_explorer->reveal(QStringLiteral("agent ") + a);
                               inspectAgent(QStringLiteral("agent ") + a);
                           }});
        for (const policy::TaskType &task : agent.tasks) {
            const QString t = QString::fromStdString(task.id);
            entries.push_back(
                {QStringLiteral("%1 ▸ %2").arg(a, t), tr("scope canvas"), QString(), [this, a, t] { openScopeCanvas(a, t); }});
        }
    }
    if (const auto catalog = m_session->catalog()) {
        for (const catalog::Relation &rel : catalog->relations) {
            const QString name = QString::fromStdString(rel.qualifiedName());
            entries.push_back({name, tr("relation"), QString(), [this, name] { revealObject(name); }});
        }
        for (const catalog::Role &role : catalog->roles) {
            const QString name = QStringLiteral("role ") + QString::fromStdString(role.name);
            entries.push_back({name, tr("role"), QString(), [this, name] { revealObject(name); }});
        }
    }
    palette->setEntries(std::move(entries));
    const QRect area = geometry();
    palette->move(area.center().x() - palette->width() / 2, area.top() + 80);
    palette->show();
    palette->input()->setFocus();
    return palette;
}

} // namespace writ::ui
