// SPDX-License-Identifier: Apache-2.0
#include "ui/shell/main_window.h"

#include "ui/canvas/scope_canvas.h"
#include "ui/canvas/scope_canvas_view.h"
#include "ui/catalog/catalog_session.h"
#include "ui/connect/connect_dialog.h"
#include "ui/diagram/schema_diagram_view.h"
#include "ui/document/policy_document.h"
#include "ui/document/policy_editor.h"
#include "ui/explorer/explorer_model.h"
#include "ui/explorer/explorer_view.h"
#include "ui/grants/grants_view.h"
#include "ui/problems/problems_model.h"
#include "ui/problems/problems_view.h"
#include "ui/shell/agent_inspector.h"
#include "ui/shell/command_palette.h"
#include "ui/shell/icons.h"
#include "ui/shell/inspector.h"
#include "ui/shell/palette.h"
#include "ui/sqleditor/floor_sql_view.h"

#include "catalog/catalog.h"
#include "catalog/catalog_error.h"
#include "findings/findings.h"

#include <writ/version.h>

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QKeySequence>
#include <QLabel>
#include <QLineEdit>
#include <QMenuBar>
#include <QMessageBox>
#include <QProgressBar>
#include <QSettings>
#include <QStackedWidget>
#include <QTabBar>
#include <QStatusBar>
#include <QTabWidget>
#include <QToolBar>
#include <QToolButton>
#include <QTreeView>
#include <QUndoStack>

namespace writ::ui {

namespace {

constexpr int kMaxRecentFiles = 10;
const char *const kRecentFilesKey = "files/recent";
const char *const kPolicyFilter = QT_TRANSLATE_NOOP("MainWindow", "Writ policies (*.writ.yaml *.yaml *.yml);;All files (*)");

QDockWidget *makeDock(QMainWindow *window, const QString &title, const QString &objectName, QWidget *content)
{
    auto *dock = new QDockWidget(title, window);
    dock->setObjectName(objectName); // saveState() keys docks by object name
    dock->setWidget(content);
    return dock;
}

} // namespace

MainWindow::MainWindow(QWidget *parent)
    : QMainWindow(parent)
    , m_document(new PolicyDocument(this))
    , m_session(new CatalogSession(this))
{
    ensureResources();
    setWindowIcon(icon(QStringLiteral("app")));
    resize(1440, 900);
    setDockOptions(AnimatedDocks | AllowTabbedDocks | AllowNestedDocks);

    m_tabs = new QTabWidget(this);
    m_tabs->setDocumentMode(true);
    m_editor = new PolicyEditor(m_document, m_tabs);
    m_diagram = new SchemaDiagramView(m_tabs);
    m_grants = new GrantsView(m_tabs);
    m_tabs->addTab(m_editor, icon(QStringLiteral("policy")), tr("Policy"));
    m_tabs->addTab(m_diagram, icon(QStringLiteral("diagram")), tr("Schema"));
    m_tabs->addTab(m_grants, icon(QStringLiteral("grants")), tr("Grants"));
    m_sqlView = new FloorSqlView(m_document, m_tabs);
    m_tabs->addTab(m_sqlView, icon(QStringLiteral("sql")), tr("SQL"));
    m_tabs->setTabsClosable(true);
    for (int i = 0; i < kFixedTabs; ++i)
        m_tabs->tabBar()->setTabButton(i, QTabBar::RightSide, nullptr);
    connect(m_tabs, &QTabWidget::tabCloseRequested, this, [this](int index) {
        if (index < kFixedTabs)
            return;
        QWidget *page = m_tabs->widget(index);
        m_tabs->removeTab(index);
        page->deleteLater();
    });
    setCentralWidget(m_tabs);

    createActions();
    createDocks();
    createMenus();
    createStatusBar();

    connect(m_document, &PolicyDocument::modifiedChanged, this, &MainWindow::updateTitle);
    connect(m_document, &PolicyDocument::filePathChanged, this, &MainWindow::updateTitle);
    connect(m_document, &PolicyDocument::diagnosticsChanged, this, [this] {
        m_problems->model()->setDiagnostics(m_document->diagnostics());
        if (m_document->isValid())
            m_explorer->model()->setPolicy(&m_document->policy()); // agents and classification follow the text
        updateTitle();
    });
    connect(m_document, &PolicyDocument::fileChangedOnDisk, this, &MainWindow::onFileChangedOnDisk);
    connect(m_document, &PolicyDocument::reloadedFromDisk, this,
            [this] { statusBar()->showMessage(tr("%1 changed on disk and was reloaded.").arg(m_document->displayName()), 5000); });
    connect(m_session, &CatalogSession::catalogChanged, this, &MainWindow::onCatalogChanged);
    connect(m_session, &CatalogSession::failed, this, &MainWindow::onIntrospectionFailed);
    connect(m_session, &CatalogSession::progress, this, [this](int step, int steps, const QString &text) {
        m_progress->setRange(0, steps);
        m_progress->setValue(step);
        m_progress->setFormat(text);
    });
    connect(m_session, &CatalogSession::stateChanged, this, [this](CatalogSession::State state) {
        const bool busy = state == CatalogSession::State::Connecting;
        m_progress->setVisible(busy);
        m_cancel->setVisible(busy);
        if (busy) {
            m_progress->setRange(0, 0);
            m_progress->setFormat(tr("connecting…"));
        }
        updateTitle();
    });
    connect(m_session, &CatalogSession::cancelled, this, [this] { statusBar()->showMessage(tr("Connection cancelled."), 4000); });

    connect(m_explorer, &ExplorerView::objectSelected, this, &MainWindow::onObjectSelected);
    connect(m_explorer, &ExplorerView::objectActivated, this, &MainWindow::onObjectActivated);
    connect(m_diagram, &SchemaDiagramView::relationClicked, this, [this](const QString &relation) {
        m_explorer->reveal(relation);
        onObjectSelected(relation);
    });
    connect(m_grants, &GrantsView::objectSelected, this, [this](const QString &object) {
        m_explorer->reveal(object);
        onObjectSelected(object);
    });
    connect(m_problems, &ProblemsView::jumpToLine, this, [this](int line, int column) {
        showTab(Tab::Policy);
        m_editor->goToLine(line, column);
    });
    connect(m_problems, &ProblemsView::jumpToObject, this, &MainWindow::revealObject);

    m_problems->model()->setDiagnostics(m_document->diagnostics());
    m_explorer->model()->setPolicy(&m_document->policy());
    applyTheme(savedTheme());
    restoreWindowState();
    updateRecentMenu();
    updateTitle();
}

MainWindow::~MainWindow() = default;

void MainWindow::createActions()
{
    auto make = [this](const QString &iconName, const QString &text, const QKeySequence &shortcut, auto slot) {
        auto *action = new QAction(iconName.isEmpty() ? QIcon() : icon(iconName), text, this);
        action->setShortcut(shortcut);
        action->setToolTip(QStringLiteral("%1 (%2)").arg(QString(text).remove(QLatin1Char('&')).remove(QStringLiteral("…")),
                                                       shortcut.toString(QKeySequence::NativeText)));
        connect(action, &QAction::triggered, this, slot);
        return action;
    };
    m_newAction = make(QStringLiteral("new"), tr("&New Policy"), QKeySequence::New, [this] { newPolicy(); });
    m_openAction = make(QStringLiteral("open"), tr("&Open Policy…"), QKeySequence::Open, [this] { chooseAndOpen(); });
    m_saveAction = make(QStringLiteral("save"), tr("&Save"), QKeySequence::Save, [this] { save(); });
    m_saveAsAction = make(QString(), tr("Save &As…"), QKeySequence::SaveAs, [this] { saveAs(); });
    m_undoAction = m_document->undoStack()->createUndoAction(this, tr("&Undo"));
    m_undoAction->setIcon(icon(QStringLiteral("undo")));
    m_undoAction->setShortcut(QKeySequence::Undo);
    m_redoAction = m_document->undoStack()->createRedoAction(this, tr("&Redo"));
    m_redoAction->setIcon(icon(QStringLiteral("redo")));
    m_redoAction->setShortcuts({QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Z), QKeySequence(Qt::CTRL | Qt::Key_Y)});
    m_connectAction = make(QStringLiteral("connect"), tr("&Connect…"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_C), [this] { showConnectDialog(); });
    m_refreshAction = make(QStringLiteral("refresh"), tr("&Refresh Catalog"), QKeySequence::Refresh, [this] {
        if (!m_session->conninfo().isEmpty())
            m_session->connectTo(m_session->spec());
    });
    m_snapshotAction = make(QString(), tr("Open Catalog &Snapshot…"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_O), [this] { chooseSnapshot(); });
    m_paletteAction = make(QStringLiteral("command"), tr("&Command Palette…"), QKeySequence(Qt::CTRL | Qt::Key_K), [this] { showCommandPalette(); });
    m_validateAction = make(QStringLiteral("validate"), tr("&Validate"), QKeySequence(Qt::Key_F7), [this] {
        m_document->setCatalog(m_session->catalog());
        updateFindings(); // findings follow the policy's classification
        statusBar()->showMessage(m_document->diagnostics().hasErrors()
                                     ? tr("%n error(s) in the policy — see Problems (Alt+3).", nullptr, int(m_document->diagnostics().errorCount()))
                                     : tr("The policy is valid%1.").arg(m_session->catalog() ? tr(" against %1").arg(m_session->sourceName()) : QString()),
                                 5000);
    });
}

void MainWindow::createDocks()
{
    m_explorer = new ExplorerView(this);
    m_inspector = new Inspector(this);
    m_agentInspector = new AgentInspector(m_document, this);
    // Catalog objects are read-only facts; agents and task types are the policy's, so editable.
    m_inspectorStack = new QStackedWidget(this);
    m_inspectorStack->addWidget(m_inspector);
    m_inspectorStack->addWidget(m_agentInspector);
    m_problems = new ProblemsView(this);
    // Created in the order of their View menu shortcuts (Alt+1, Alt+2, Alt+3).
    addDockWidget(Qt::LeftDockWidgetArea, makeDock(this, tr("Explorer"), QStringLiteral("explorer"), m_explorer));
    m_inspectorDock = makeDock(this, tr("Inspector"), QStringLiteral("inspector"), m_inspectorStack);
    addDockWidget(Qt::RightDockWidgetArea, m_inspectorDock);
    m_problemsDock = makeDock(this, tr("Problems"), QStringLiteral("problems"), m_problems);
    addDockWidget(Qt::BottomDockWidgetArea, m_problemsDock);
    // The bottom area is where Simulator, Audit and Approvals dock next to Problems.
    setCorner(Qt::BottomLeftCorner, Qt::LeftDockWidgetArea);
    setCorner(Qt::BottomRightCorner, Qt::RightDockWidgetArea);
}

void MainWindow::createMenus()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    file->addAction(m_newAction);
    file->addAction(m_openAction);
    m_recentMenu = file->addMenu(tr("Open &Recent"));
    file->addSeparator();
    file->addAction(m_saveAction);
    file->addAction(m_saveAsAction);
    file->addSeparator();
    QAction *quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);

    QMenu *edit = menuBar()->addMenu(tr("&Edit"));
    edit->addAction(m_undoAction);
    edit->addAction(m_redoAction);
    edit->addSeparator();
    edit->addAction(m_paletteAction);
    QAction *find = edit->addAction(tr("&Filter Explorer"), this, [this] {
        m_explorer->parentWidget()->show();
        m_explorer->filterBox()->setFocus();
        m_explorer->filterBox()->selectAll();
    });
    find->setShortcut(QKeySequence::Find);

    m_viewMenu = menuBar()->addMenu(tr("&View"));
    const struct
    {
        QString text;
        Tab tab;
        Qt::Key key;
    } tabs[] = {{tr("&Policy"), Tab::Policy, Qt::Key_1},
                {tr("&Schema Diagram"), Tab::Schema, Qt::Key_2},
                {tr("&Grants Matrix"), Tab::Grants, Qt::Key_3},
                {tr("Compiled S&QL"), Tab::Sql, Qt::Key_4}};
    for (const auto &t : tabs) {
        QAction *a = m_viewMenu->addAction(t.text, this, [this, tab = t.tab] { showTab(tab); });
        a->setShortcut(QKeySequence(Qt::CTRL | t.key));
    }
    m_viewMenu->addSeparator();
    int key = Qt::Key_1;
    for (QDockWidget *dock : findChildren<QDockWidget *>()) {
        QAction *toggle = dock->toggleViewAction();
        toggle->setShortcut(QKeySequence(Qt::ALT | Qt::Key(key++)));
        m_viewMenu->addAction(toggle);
    }
    m_dockTogglesEnd = m_viewMenu->addSeparator();
    QAction *zoomIn = m_viewMenu->addAction(icon(QStringLiteral("zoom-in")), tr("Zoom &In"), m_diagram, &SchemaDiagramView::zoomIn);
    zoomIn->setShortcuts({QKeySequence::ZoomIn, QKeySequence(Qt::CTRL | Qt::Key_Equal)});
    QAction *zoomOut = m_viewMenu->addAction(icon(QStringLiteral("zoom-out")), tr("Zoom &Out"), m_diagram, &SchemaDiagramView::zoomOut);
    zoomOut->setShortcut(QKeySequence::ZoomOut);
    QAction *fit = m_viewMenu->addAction(icon(QStringLiteral("zoom-fit")), tr("&Fit Diagram"), m_diagram, &SchemaDiagramView::zoomToFit);
    fit->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_0));
    QAction *neighbourhood = m_viewMenu->addAction(tr("Show &Neighbourhood of Selection"), this, [this] {
        const QStringList parts = m_inspector->objectName().split(QLatin1Char('.'));
        if (parts.size() >= 2) {
            m_diagram->setFocusRelation(parts[0] + QLatin1Char('.') + parts[1]);
            showTab(Tab::Schema);
        }
    });
    neighbourhood->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_L));
    QAction *whole = m_viewMenu->addAction(tr("Show &Whole Schema"), this, [this] { m_diagram->setFocusRelation(QString()); });
    whole->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_L));
    m_viewMenu->addSeparator();
    QAction *theme = m_viewMenu->addAction(icon(QStringLiteral("palette")), tr("&Dark Palette"), this, &MainWindow::toggleTheme);
    theme->setCheckable(true);
    theme->setChecked(savedTheme() == Theme::Dark);
    theme->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_D));

    m_policyMenu = menuBar()->addMenu(tr("&Policy"));
    m_policyMenu->addAction(m_validateAction);
    m_canvasMenu = m_policyMenu->addMenu(icon(QStringLiteral("canvas")), tr("Open Scope &Canvas"));
    connect(m_canvasMenu, &QMenu::aboutToShow, this, &MainWindow::fillCanvasMenu);
    fillCanvasMenu();
    QAction *removeScope = m_policyMenu->addAction(tr("&Remove Selected Relation from Scope"), this, [this] {
        if (auto *canvas = qobject_cast<ScopeCanvas *>(m_tabs->currentWidget()))
            canvas->view()->removeSelected();
    });
    removeScope->setToolTip(tr("Delete on a scope canvas does the same"));
    QAction *plan = m_policyMenu->addAction(icon(QStringLiteral("refresh")), tr("Refresh &Plan"), this, [this] {
        showTab(Tab::Sql);
        m_sqlView->showPlan();
        m_sqlView->refreshPlan();
    });
    plan->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_F5));
    m_policyMenu->addSeparator();
    QAction *next = m_policyMenu->addAction(tr("&Next Problem"), this, [this] {
        QTreeView *list = m_problems->list();
        const int count = m_problems->model()->rowCount();
        if (count == 0)
            return;
        const int row = (list->currentIndex().row() + 1) % count;
        list->setCurrentIndex(m_problems->model()->index(row, 0));
        m_problems->activateRow(row);
    });
    next->setShortcut(QKeySequence(Qt::Key_F8));

    QMenu *database = menuBar()->addMenu(tr("&Database"));
    database->addAction(m_connectAction);
    database->addAction(m_refreshAction);
    database->addAction(m_snapshotAction);
    database->addSeparator();
    database->addAction(tr("&Disconnect"), this, [this] { m_session->disconnectFromDatabase(); });

    m_helpMenu = menuBar()->addMenu(tr("&Help"));
    m_helpMenu->addAction(tr("Open the &Demo Policy"), this, &MainWindow::openDemo);
    m_helpMenu->addAction(tr("&About Writ Studio"), this, [this] {
        QMessageBox::about(this, tr("About Writ Studio"),
                           tr("<h3>Writ Studio %1</h3><p>Design, review and publish task-scoped AI-agent access to PostgreSQL.</p>")
                               .arg(QString::fromLatin1(kVersion)));
    });

    m_toolBar = addToolBar(tr("Main"));
    m_toolBar->setObjectName(QStringLiteral("main-toolbar"));
    m_toolBar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_toolBar->addAction(m_connectAction);
    m_toolBar->addAction(m_openAction);
    m_toolBar->addAction(m_saveAction);
    m_toolBar->addSeparator();
    m_toolBar->addAction(m_undoAction);
    m_toolBar->addAction(m_redoAction);
    m_toolBar->addSeparator();
    m_toolBar->addAction(m_validateAction);
    m_toolBar->addAction(m_refreshAction);
    m_toolBar->addSeparator();
    m_toolBar->addAction(m_paletteAction);
}

void MainWindow::addDockToggle(QDockWidget *dock)
{
    m_viewMenu->insertAction(m_dockTogglesEnd, dock->toggleViewAction());
}

void MainWindow::createStatusBar()
{
    m_connectionLabel = new QLabel(this);
    m_fileLabel = new QLabel(this);
    m_problemLabel = new QLabel(this);
    m_progress = new QProgressBar(this);
    m_progress->setMaximumWidth(320);
    m_progress->setTextVisible(true);
    m_progress->setVisible(false);
    m_cancel = new QToolButton(this);
    m_cancel->setText(tr("Cancel"));
    m_cancel->setToolTip(tr("Stop connecting (Esc)"));
    m_cancel->setShortcut(QKeySequence(Qt::Key_Escape));
    m_cancel->setVisible(false);
    connect(m_cancel, &QToolButton::clicked, m_session, &CatalogSession::cancel);
    statusBar()->addPermanentWidget(m_progress);
    statusBar()->addPermanentWidget(m_cancel);
    statusBar()->addPermanentWidget(m_problemLabel);
    statusBar()->addPermanentWidget(m_fileLabel);
    statusBar()->addPermanentWidget(m_connectionLabel);
}

void MainWindow::restoreWindowState()
{
    QSettings settings;
    restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray());
    restoreState(settings.value(QStringLiteral("window/state")).toByteArray());
    m_tabs->setCurrentIndex(std::min(settings.value(QStringLiteral("window/tab"), 0).toInt(), kFixedTabs - 1));
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    if (!maybeDiscard()) {
        event->ignore();
        return;
    }
    QSettings settings;
    settings.setValue(QStringLiteral("window/geometry"), saveGeometry());
    settings.setValue(QStringLiteral("window/state"), saveState());
    settings.setValue(QStringLiteral("window/tab"), std::min(m_tabs->currentIndex(), int(Tab::Grants)));
    event->accept();
}

void MainWindow::showTab(Tab tab)
{
    m_tabs->setCurrentIndex(int(tab));
}

int MainWindow::problemCount() const
{
    return m_problems->model()->rowCount();
}

QString MainWindow::connectionStatusText() const
{
    return m_connectionLabel->text();
}

QString MainWindow::fileStatusText() const
{
    return m_fileLabel->text();
}

void MainWindow::updateTitle()
{
    const QString name = m_document->displayName() + (m_document->isModified() ? QStringLiteral(" •") : QString());
    const QString source = m_session->sourceName();
    setWindowTitle(source.isEmpty() ? tr("%1 — Writ Studio").arg(name) : tr("%1 — %2 — Writ Studio").arg(name, source));
    setWindowModified(m_document->isModified());
    m_fileLabel->setText(m_document->isModified() ? tr("%1 (modified)").arg(m_document->displayName()) : m_document->displayName());
    m_fileLabel->setToolTip(m_document->filePath());
    switch (m_session->state()) {
    case CatalogSession::State::Disconnected: m_connectionLabel->setText(tr("● not connected")); break;
    case CatalogSession::State::Connecting: m_connectionLabel->setText(tr("◌ connecting…")); break;
    case CatalogSession::State::Connected: m_connectionLabel->setText(tr("● %1").arg(source)); break;
    }
    const int errors = int(m_document->diagnostics().errorCount());
    m_problemLabel->setText(errors ? tr("%n error(s)", nullptr, errors) : tr("valid"));
}

// ---------------------------------------------------------------------------------------------
// Files

bool MainWindow::maybeDiscard()
{
    if (!m_document->isModified() || !m_interactive)
        return true;
    const auto answer = QMessageBox::warning(this, tr("Unsaved changes"),
                                             tr("%1 has changes that are not saved. Save them first?").arg(m_document->displayName()),
                                             QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel, QMessageBox::Save);
    if (answer == QMessageBox::Save)
        return save();
    return answer == QMessageBox::Discard;
}

void MainWindow::newPolicy()
{
    if (!maybeDiscard())
        return;
    closeScopeCanvases();
    m_document->newDocument();
    showTab(Tab::Policy);
}

void MainWindow::chooseAndOpen()
{
    const QString dir = QFileInfo(m_document->filePath()).absolutePath();
    const QString path = QFileDialog::getOpenFileName(this, tr("Open Policy"), dir, tr(kPolicyFilter));
    if (!path.isEmpty())
        openPolicy(path);
}

bool MainWindow::openPolicy(const QString &path)
{
    if (!maybeDiscard())
        return false;
    QString error;
    const bool sameFile = QFileInfo(path).absoluteFilePath() == m_document->filePath();
    if (!sameFile)
        closeScopeCanvases(); // they draw the tasks of the file being closed
    if (!m_document->load(path, &error)) {
        if (m_interactive)
            QMessageBox::warning(this, tr("Cannot open policy"), error);
        statusBar()->showMessage(error, 8000);
        return false;
    }
    addRecentFile(m_document->filePath());
    updateFindings();
    showTab(Tab::Policy);
    return true;
}

bool MainWindow::save()
{
    if (m_document->isUntitled())
        return saveAs();
    const int comments = m_document->commentCount();
    if (comments > 0 && m_document->isValid() && m_interactive) {
        const auto answer = QMessageBox::question(
            this, tr("Comments will be dropped"),
            tr("Saving writes the canonical form, which cannot keep YAML comments: %n comment line(s) would be lost. "
               "Move notes into description or reason fields to keep them. Save anyway?",
               nullptr, comments));
        if (answer != QMessageBox::Yes)
            return false;
    }
    QString error;
    if (!m_document->save(&error)) {
        if (m_interactive)
            QMessageBox::warning(this, tr("Cannot save"), error);
        statusBar()->showMessage(error, 8000);
        return false;
    }
    statusBar()->showMessage(m_document->isValid() ? tr("Saved %1 in canonical form.").arg(m_document->displayName())
                                                   : tr("Saved %1 as typed: it has errors, so it was not formatted.").arg(m_document->displayName()),
                             5000);
    addRecentFile(m_document->filePath());
    return true;
}

bool MainWindow::saveAs()
{
    const QString suggested = m_document->isUntitled() ? QString::fromStdString(m_document->policy().name) + QStringLiteral(".writ.yaml") : m_document->filePath();
    const QString path = QFileDialog::getSaveFileName(this, tr("Save Policy As"), suggested.isEmpty() ? QStringLiteral("policy.writ.yaml") : suggested, tr(kPolicyFilter));
    if (path.isEmpty())
        return false;
    QString error;
    if (!m_document->saveAs(path, &error)) {
        QMessageBox::warning(this, tr("Cannot save"), error);
        return false;
    }
    addRecentFile(m_document->filePath());
    return true;
}

void MainWindow::onFileChangedOnDisk()
{
    if (!m_interactive) {
        statusBar()->showMessage(tr("%1 changed on disk; your unsaved edits were kept.").arg(m_document->displayName()), 8000);
        return;
    }
    const auto answer = QMessageBox::question(this, tr("File changed on disk"),
                                              tr("%1 was changed by another program, and you have unsaved edits here. "
                                                 "Reload it and lose your edits?")
                                                  .arg(m_document->displayName()),
                                              QMessageBox::Yes | QMessageBox::No, QMessageBox::No);
    if (answer == QMessageBox::Yes)
        m_document->reload();
}

void MainWindow::addRecentFile(const QString &path)
{
    QSettings settings;
    QStringList files = settings.value(QLatin1String(kRecentFilesKey)).toStringList();
    files.removeAll(path);
    files.prepend(path);
    while (files.size() > kMaxRecentFiles)
        files.removeLast();
    settings.setValue(QLatin1String(kRecentFilesKey), files);
    updateRecentMenu();
}

void MainWindow::updateRecentMenu()
{
    m_recentMenu->clear();
    const QStringList files = QSettings().value(QLatin1String(kRecentFilesKey)).toStringList();
    int number = 1;
    for (const QString &path : files) {
        QAction *a = m_recentMenu->addAction(QStringLiteral("&%1 %2").arg(number).arg(QFileInfo(path).fileName()), this, [this, path] { openPolicy(path); });
        a->setToolTip(path);
        if (number < 10)
            a->setShortcut(QKeySequence(Qt::CTRL | Qt::ALT | Qt::Key(Qt::Key_0 + number)));
        ++number;
    }
    m_recentMenu->setEnabled(!files.isEmpty());
}

void MainWindow::openDemo()
{
    openPolicy(QString::fromLatin1(kSourceDir) + QStringLiteral("/resources/demo/supportdesk.writ.yaml"));
}

// ---------------------------------------------------------------------------------------------
// Database

void MainWindow::showConnectDialog(const QString &message)
{
    ConnectDialog dialog(this);
    if (!m_session->spec().isEmpty())
        dialog.setSpec(m_session->spec());
    dialog.setMessage(message);
    if (!message.isEmpty())
        dialog.focusPassword();
    if (dialog.exec() != QDialog::Accepted)
        return;
    connectTo(dialog.spec(), dialog.password());
}

void MainWindow::connectTo(const ConnectionSpec &spec, const QString &password)
{
    m_session->connectTo(spec, password);
}

bool MainWindow::openSnapshot(const QString &path)
{
    QString error;
    if (!m_session->loadSnapshot(path, &error)) {
        if (m_interactive)
            QMessageBox::warning(this, tr("Cannot read catalog snapshot"), error);
        statusBar()->showMessage(error, 8000);
        return false;
    }
    return true;
}

void MainWindow::chooseSnapshot()
{
    const QString path = QFileDialog::getOpenFileName(this, tr("Open Catalog Snapshot"), QString(), tr("Catalog snapshots (*.json)"));
    if (!path.isEmpty())
        openSnapshot(path);
}

void MainWindow::onIntrospectionFailed(const QString &message, int kind)
{
    statusBar()->showMessage(message, 15000);
    if (!m_interactive)
        return;
    // A refused password is fixed where it was typed: ask again, with the server's words.
    if (kind == int(catalog::CatalogError::Kind::Authentication)) {
        showConnectDialog(message);
        return;
    }
    QMessageBox::warning(this, tr("Cannot read the database"), message);
}

void MainWindow::onCatalogChanged()
{
    const auto catalog = m_session->catalog();
    if (!m_session->spec().isEmpty())
        rememberConnection(m_session->spec());
    m_document->setCatalog(catalog);
    const policy::Policy *policy = m_document->isValid() ? &m_document->policy() : nullptr;
    m_explorer->model()->setCatalog(catalog, policy);
    m_diagram->setCatalog(catalog, policy);
    m_inspector->setContext(catalog, m_document);
    m_sqlView->setCatalog(catalog, m_session->conninfo());
    for (ScopeCanvas *canvas : scopeCanvases())
        canvas->setCatalog(catalog, m_session->conninfo());
    updateFindings();
    updateTitle();
    if (catalog)
        statusBar()->showMessage(tr("Read %1: %n relation(s).", nullptr, int(catalog->relations.size())).arg(m_session->sourceName()), 5000);
}

void MainWindow::updateFindings()
{
    const auto catalog = m_session->catalog();
    m_findings.clear();
    if (catalog)
        m_findings = findings::findFindings(*catalog, m_session->activity(), m_document->isValid() && !m_document->isUntitled() ? &m_document->policy() : nullptr);
    m_problems->model()->setFindings(m_findings);
    m_grants->setCatalog(catalog, m_findings);
    if (catalog)
        m_explorer->model()->setPolicy(m_document->isValid() ? &m_document->policy() : nullptr);
}

void MainWindow::revealObject(const QString &objectName)
{
    m_explorer->parentWidget()->show();
    if (!m_explorer->reveal(objectName)) {
        statusBar()->showMessage(tr("%1 is not in the catalog.").arg(objectName), 4000);
        return;
    }
    m_inspector->inspect(objectName);
    const QStringList parts = objectName.split(QLatin1Char('.'));
    if (parts.size() >= 2 && !objectName.startsWith(QLatin1String("role ")))
        m_grants->reveal(parts[0] + QLatin1Char('.') + parts[1]);
}

void MainWindow::toggleTheme()
{
    applyTheme(savedTheme() == Theme::Dark ? Theme::Light : Theme::Dark);
}

} // namespace writ::ui
