// SPDX-License-Identifier: Apache-2.0
#pragma once

// The studio's shell: document tabs (Policy YAML, Schema diagram, Grants matrix, compiled SQL and one
// scope canvas per task type opened), docks (Explorer, Inspector, Problems; Simulator and Audit later),
// menus and toolbar with shortcuts, and a status bar with the connection and the file's state.
// It wires the views to one PolicyDocument and one CatalogSession and holds no logic of its own
// beyond that wiring and the file dialogs.

#include <QMainWindow>

#include <memory>
#include <vector>

class QAction;
class QDockWidget;
class QLabel;
class QMenu;
class QProgressBar;
class QStackedWidget;
class QTabWidget;
class QToolBar;
class QToolButton;

namespace writ::findings {
struct Finding;
}

namespace writ::ui {

class AgentInspector;
class CatalogSession;
class CommandPalette;
struct ConnectionSpec;
class FloorSqlView;
class ScopeCanvas;
class ExplorerView;
class GrantsView;
class Inspector;
class PolicyDocument;
class PolicyEditor;
class ProblemsView;
class SchemaDiagramView;

class MainWindow : public QMainWindow
{
    Q_OBJECT

public:
    enum class Tab { Policy, Schema, Grants, Sql };
    /// The tabs that are always there; scope canvases follow them and can be closed.
    static constexpr int kFixedTabs = int(Tab::Sql) + 1;

    explicit MainWindow(QWidget *parent = nullptr);
    ~MainWindow() override;

    /// Opens a policy file (after asking about unsaved edits). False when it cannot be read.
    bool openPolicy(const QString &path);
    /// Starts introspecting in the background; the status bar shows progress and a Cancel button.
    void connectTo(const ConnectionSpec &spec, const QString &password = {});
    /// Reads a catalog snapshot (writ catalog -o FILE) as if connected.
    bool openSnapshot(const QString &path);
    void showTab(Tab tab);
    /// Opens (or shows, when open) the scope canvas of `agent`'s task type `task`. Null when the
    /// policy has no such task.
    ScopeCanvas *openScopeCanvas(const QString &agent, const QString &task);
    ScopeCanvas *scopeCanvas(const QString &agent, const QString &task) const;
    QList<ScopeCanvas *> scopeCanvases() const;
    /// Ctrl+K: the palette over actions and objects, built afresh each time.
    CommandPalette *showCommandPalette();
    /// Shows an agent ("agent x") or task type ("task x/y") in the Inspector, editable.
    void inspectAgent(const QString &objectName);
    /// When false, nothing asks (tests and the screenshot tour): unsaved edits are kept, reloads happen.
    void setInteractive(bool interactive) { m_interactive = interactive; }
    bool isInteractive() const { return m_interactive; }

    PolicyDocument *document() const { return m_document; }
    CatalogSession *session() const { return m_session; }
    PolicyEditor *editor() const { return m_editor; }
    ExplorerView *explorer() const { return m_explorer; }
    Inspector *inspector() const { return m_inspector; }
    AgentInspector *agentInspector() const { return m_agentInspector; }
    FloorSqlView *sqlView() const { return m_sqlView; }
    ProblemsView *problems() const { return m_problems; }
    GrantsView *grants() const { return m_grants; }
    SchemaDiagramView *diagram() const { return m_diagram; }
    QTabWidget *tabs() const { return m_tabs; }
    // Where other parts of the studio (ui/operate) add their menus, actions and docks.
    QToolBar *mainToolBar() const { return m_toolBar; }
    QMenu *viewMenu() const { return m_viewMenu; }
    QMenu *policyMenu() const { return m_policyMenu; }
    QMenu *helpMenu() const { return m_helpMenu; }
    QDockWidget *problemsDock() const { return m_problemsDock; }
    QDockWidget *inspectorDock() const { return m_inspectorDock; }
    /// Adds `dock`'s show/hide action to the View menu, with the other docks'.
    void addDockToggle(QDockWidget *dock);
    int problemCount() const;
    QString connectionStatusText() const;
    QString fileStatusText() const;

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    void createActions();
    void createMenus();
    void createDocks();
    void createStatusBar();
    void restoreWindowState();

    void newPolicy();
    void chooseAndOpen();
    bool save();
    bool saveAs();
    void showConnectDialog(const QString &message = {});
    void chooseSnapshot();
    void openDemo();
    /// True when the document may be replaced: no edits, or the user saved or discarded them.
    bool maybeDiscard();
    void addRecentFile(const QString &path);
    void updateRecentMenu();
    void updateTitle();
    void updateFindings();
    void onCatalogChanged();
    void onIntrospectionFailed(const QString &message, int kind);
    void onFileChangedOnDisk();
    void revealObject(const QString &objectName);
    void toggleTheme();
    void onObjectSelected(const QString &objectName);
    void onObjectActivated(const QString &objectName);
    void closeScopeCanvases();
    void fillCanvasMenu();

    PolicyDocument *m_document = nullptr;
    CatalogSession *m_session = nullptr;
    PolicyEditor *m_editor = nullptr;
    QTabWidget *m_tabs = nullptr;
    SchemaDiagramView *m_diagram = nullptr;
    GrantsView *m_grants = nullptr;
    ExplorerView *m_explorer = nullptr;
    Inspector *m_inspector = nullptr;
    AgentInspector *m_agentInspector = nullptr;
    QStackedWidget *m_inspectorStack = nullptr;
    FloorSqlView *m_sqlView = nullptr;
    ProblemsView *m_problems = nullptr;

    QLabel *m_connectionLabel = nullptr;
    QLabel *m_fileLabel = nullptr;
    QLabel *m_problemLabel = nullptr;
    QProgressBar *m_progress = nullptr;
    QToolButton *m_cancel = nullptr;
    QMenu *m_recentMenu = nullptr;
    QMenu *m_viewMenu = nullptr;
    QMenu *m_policyMenu = nullptr;
    QMenu *m_helpMenu = nullptr;
    QMenu *m_canvasMenu = nullptr;
    QAction *m_dockTogglesEnd = nullptr; ///< the separator after the View menu's dock toggles
    QToolBar *m_toolBar = nullptr;
    QDockWidget *m_problemsDock = nullptr;
    QDockWidget *m_inspectorDock = nullptr;

    QAction *m_newAction = nullptr;
    QAction *m_openAction = nullptr;
    QAction *m_saveAction = nullptr;
    QAction *m_saveAsAction = nullptr;
    QAction *m_undoAction = nullptr;
    QAction *m_redoAction = nullptr;
    QAction *m_connectAction = nullptr;
    QAction *m_refreshAction = nullptr;
    QAction *m_snapshotAction = nullptr;
    QAction *m_validateAction = nullptr;
    QAction *m_paletteAction = nullptr;

    std::vector<findings::Finding> m_findings;
    bool m_interactive = true;
};

} // namespace writ::ui
