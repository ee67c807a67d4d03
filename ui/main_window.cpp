// SPDX-License-Identifier: Apache-2.0
#include "ui/main_window.h"

#include "policy/policy_loader.h"

#include <Qsci/qsciscintilla.h>

#include <QAction>
#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QKeySequence>
#include <QLabel>
#include <QListWidget>
#include <QMenuBar>
#include <QStatusBar>
#include <QToolBar>

namespace writ::ui {

MainWindow::MainWindow(QWidget *parent)
    : QMainWindow(parent)
{
    setWindowTitle(tr("Writ Studio"));
    resize(1280, 800);

    m_editor = new QsciScintilla(this);
    m_editor->setReadOnly(true);
    m_editor->setMarginLineNumbers(0, true);
    m_editor->setMarginWidth(0, QStringLiteral("00000"));
    setCentralWidget(m_editor);

    m_problems = new QListWidget(this);
    auto *dock = new QDockWidget(tr("Problems"), this);
    dock->setObjectName(QStringLiteral("problems"));
    dock->setWidget(m_problems);
    addDockWidget(Qt::BottomDockWidgetArea, dock);
    connect(m_problems, &QListWidget::itemActivated, this, [this](QListWidgetItem *item) {
        const int line = item->data(Qt::UserRole).toInt();
        if (line > 0)
            m_editor->setCursorPosition(line - 1, 0);
        m_editor->setFocus();
    });

    QMenu *file = menuBar()->addMenu(tr("&File"));
    QAction *open = file->addAction(tr("&Open Policy…"), this, &MainWindow::chooseAndOpen);
    open->setShortcut(QKeySequence::Open);
    file->addSeparator();
    QAction *quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);
    QToolBar *tools = addToolBar(tr("Main"));
    tools->setObjectName(QStringLiteral("main-toolbar"));
    tools->addAction(open);

    m_status = new QLabel(this);
    statusBar()->addWidget(m_status, 1);
    showEmptyState();
}

void MainWindow::showEmptyState()
{
    m_editor->setText(tr("# Open a policy file (Ctrl+O) to begin.\n# The demo policy is resources/demo/supportdesk.writ.yaml\n"));
    m_status->setText(tr("No policy open"));
}

void MainWindow::chooseAndOpen()
{
    const QString path = QFileDialog::getOpenFileName(this, tr("Open Policy"), QString(), tr("Writ policies (*.yaml *.yml)"));
    if (!path.isEmpty())
        openPolicy(path);
}

bool MainWindow::openPolicy(const QString &path)
{
    const policy::LoadResult loaded = policy::loadPolicyFile(path.toStdString());
    QFile f(path);
    if (f.open(QIODevice::ReadOnly))
        m_editor->setText(QString::fromUtf8(f.readAll()));
    m_problems->clear();
    for (const auto &d : loaded.diagnostics.items()) {
        auto *item = new QListWidgetItem(QString::fromStdString(formatDiagnostic(d)), m_problems);
        item->setData(Qt::UserRole, d.location.line);
    }
    setWindowTitle(tr("%1 — Writ Studio").arg(QFileInfo(path).fileName()));
    m_status->setText(loaded.ok() ? tr("%1: valid").arg(path) : tr("%1: %n problem(s)", nullptr, m_problems->count()).arg(path));
    return loaded.ok();
}

int MainWindow::problemCount() const
{
    return m_problems->count();
}

} // namespace writ::ui
