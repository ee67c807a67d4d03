// SPDX-License-Identifier: Apache-2.0
#include "ui/sqleditor/floor_sql_view.h"

#include "ui/document/policy_document.h"
#include "ui/shell/icons.h"
#include "ui/sqleditor/floor_sql.h"
#include "ui/sqleditor/sql_lexer.h"

#include "catalog/catalog.h"

#include <Qsci/qsciscintilla.h>

#include <QFutureWatcher>
#include <QHBoxLayout>
#include <QLabel>
#include <QTabWidget>
#include <QToolButton>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

namespace writ::ui {

namespace {

/// Replaces the text of a read-only view, keeping the scroll position (the tab follows every edit).
void setSqlText(QsciScintilla *view, const QString &text)
{
    if (view->text() == text)
        return;
    const int first = view->firstVisibleLine();
    view->setReadOnly(false);
    view->setText(text);
    view->setReadOnly(true);
    view->setFirstVisibleLine(first);
}

} // namespace

FloorSqlView::FloorSqlView(PolicyDocument *document, QWidget *parent)
    : QWidget(parent)
    , m_document(document)
    , m_tabs(new QTabWidget(this))
    , m_compiled(makeReadOnlySqlView(this))
    , m_plan(makeReadOnlySqlView(this))
    , m_status(new QLabel(this))
    , m_refresh(new QToolButton(this))
    , m_watcher(new QFutureWatcher<FloorSql>(this))
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    auto *bar = new QHBoxLayout;
    bar->setContentsMargins(8, 4, 8, 0);
    m_status->setWordWrap(true);
    m_refresh->setIcon(icon(QStringLiteral("refresh")));
    m_refresh->setText(tr("Refresh Plan"));
    m_refresh->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_refresh->setToolTip(tr("Ask the connected database what `writ apply` would change (runs in the background)"));
    bar->addWidget(m_status, 1);
    bar->addWidget(m_refresh);
    layout->addLayout(bar);
    m_tabs->setDocumentMode(true);
    m_tabs->addTab(m_compiled, tr("Compiled"));
    m_tabs->addTab(m_plan, tr("Plan"));
    layout->addWidget(m_tabs, 1);

    connect(m_refresh, &QToolButton::clicked, this, &FloorSqlView::refreshPlan);
    connect(m_watcher, &QFutureWatcher<FloorSql>::finished, this, &FloorSqlView::onPlanDone);
    connect(m_tabs, &QTabWidget::currentChanged, this, [this](int index) {
        if (index == 1 && m_planStale && !m_conninfo.isEmpty() && !isPlanning())
            refreshPlan();
    });
    connect(m_document, &PolicyDocument::diagnosticsChanged, this, [this] {
        recompile();
        m_planStale = true;
    });
    recompile();
}

FloorSqlView::~FloorSqlView()
{
    m_watcher->waitForFinished(); // the worker holds copies only, but must not outlive the watcher
}

void FloorSqlView::setCatalog(std::shared_ptr<const catalog::Catalog> catalog, const QString &conninfo)
{
    m_catalog = std::move(catalog);
    m_conninfo = conninfo;
    m_planStale = true;
    m_refresh->setEnabled(!m_conninfo.isEmpty());
    setSqlText(m_plan,
        m_conninfo.isEmpty() ? tr("-- Connect to a database (Ctrl+Shift+C) to see what `writ plan` would do there.\n")
                             : tr("-- Press Refresh Plan to ask %1.\n")
                                   .arg(QString::fromStdString(m_catalog ? m_catalog->database : std::string())));
    recompile();
}

void FloorSqlView::recompile()
{
    if (!m_catalog) {
        setSqlText(m_compiled,
            tr("-- The compiler needs the database's catalog: connect (Ctrl+Shift+C) or open a catalog snapshot "
               "(Ctrl+Shift+O).\n"));
        m_status->setText(tr("Not connected."));
        m_status->setToolTip(QString());
        return;
    }
    if (!m_document->isValid()) {
        m_status->setText(tr("The policy text has errors; showing the SQL of the last valid version."));
        return;
    }
    const FloorSql result = compiledSql(m_document->policy(), m_document->sources(), *m_catalog);
    m_status->setToolTip(result.warnings.join(QLatin1Char('\n')));
    if (!result.sql.isEmpty())
        setSqlText(m_compiled, result.sql);
    m_status->setText(result.sql.isEmpty()
            ? result.problem
            : tr("%1 statements against %2.").arg(result.statements).arg(QString::fromStdString(m_catalog->database))
                + (result.problem.isEmpty() ? QString() : QLatin1Char(' ') + result.problem));
}

void FloorSqlView::refreshPlan()
{
    if (m_conninfo.isEmpty() || isPlanning())
        return;
    m_planStale = false;
    m_refresh->setEnabled(false);
    setSqlText(m_plan, tr("-- Planning against the database…\n"));
    m_watcher->setFuture(QtConcurrent::run(planAgainst, m_conninfo, m_document->policy(), m_document->sources()));
}

bool FloorSqlView::isPlanning() const
{
    return m_watcher->isRunning();
}

void FloorSqlView::onPlanDone()
{
    const FloorSql result = m_watcher->result();
    setSqlText(m_plan, result.sql.isEmpty() ? QStringLiteral("-- %1\n").arg(result.problem) : result.sql);
    if (!result.problem.isEmpty())
        m_status->setText(result.problem);
    m_refresh->setEnabled(!m_conninfo.isEmpty());
    emit planFinished();
}

QString FloorSqlView::compiledText() const
{
    return m_compiled->text();
}

QString FloorSqlView::planText() const
{
    return m_plan->text();
}

QString FloorSqlView::statusText() const
{
    return m_status->text();
}

void FloorSqlView::showPlan()
{
    m_tabs->setCurrentIndex(1);
}

void FloorSqlView::showCompiled()
{
    m_tabs->setCurrentIndex(0);
}

} // namespace writ::ui
