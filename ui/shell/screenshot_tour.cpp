// SPDX-License-Identifier: Apache-2.0
#include "ui/shell/screenshot_tour.h"

#include "ui/canvas/scope_canvas.h"
#include "ui/canvas/scope_canvas_view.h"
#include "ui/catalog/catalog_session.h"
#include "ui/diagram/schema_diagram_view.h"
#include "ui/explorer/explorer_view.h"
#include "ui/grants/grants_view.h"
#include "ui/problems/problems_view.h"
#include "ui/shell/main_window.h"
#include "ui/shell/palette.h"
#include "ui/sqleditor/floor_sql_view.h"

#include <QApplication>
#include <QDeadlineTimer>
#include <QDir>
#include <QLineEdit>
#include <QTabWidget>
#include <QThread>
#include <QTreeView>

namespace writ::ui {

namespace {

void settle(int ms = 300)
{
    QDeadlineTimer deadline(ms);
    while (!deadline.hasExpired()) {
        QApplication::processEvents(QEventLoop::AllEvents, 50);
        QThread::msleep(10);
    }
}

bool shoot(MainWindow &window, const QString &directory, const QString &name, QString *error)
{
    settle();
    const QString path = QDir(directory).filePath(name);
    if (!window.grab().save(path)) {
        if (error)
            *error = QObject::tr("cannot write %1").arg(path);
        return false;
    }
    return true;
}

} // namespace

int runScreenshotTour(MainWindow &window, const QString &directory, QString *error)
{
    QDir().mkpath(directory);
    QDeadlineTimer connecting(60000);
    while (window.session()->state() == CatalogSession::State::Connecting && !connecting.hasExpired())
        settle(100);
    if (!window.session()->catalog()) {
        if (error)
            *error = QObject::tr("no catalog: connect with --connect URI (or pass --snapshot FILE) for the tour");
        return 0;
    }
    window.resize(1600, 1000);
    settle();
    int written = 0;

    window.showTab(MainWindow::Tab::Policy);
    window.explorer()->reveal(QStringLiteral("public.customers.email"));
    written += shoot(window, directory, QStringLiteral("studio-policy.png"), error);

    window.explorer()->filterBox()->setText(QStringLiteral("email"));
    settle(500);
    window.explorer()->tree()->expandAll();
    window.showTab(MainWindow::Tab::Grants);
    window.grants()->reveal(QStringLiteral("public.internal_notes"), QStringLiteral("reporting"));
    written += shoot(window, directory, QStringLiteral("studio-grants.png"), error);

    window.explorer()->filterBox()->clear();
    settle(300);
    window.showTab(MainWindow::Tab::Schema);
    window.diagram()->zoomToFit();
    window.explorer()->reveal(QStringLiteral("public.tickets"));
    written += shoot(window, directory, QStringLiteral("studio-schema.png"), error);

    window.diagram()->setFocusRelation(QStringLiteral("public.payments"));
    written += shoot(window, directory, QStringLiteral("studio-schema-focus.png"), error);
    window.diagram()->setFocusRelation(QString());

    // The demo's first agent, drawn: customers selected, so its row filter shows under the canvas.
    if (ScopeCanvas *canvas = window.openScopeCanvas(QStringLiteral("support-summarizer"), QStringLiteral("summarize-tickets"))) {
        settle(300);
        canvas->view()->zoomToFit();
        canvas->view()->selectRelation(QStringLiteral("public.customers"));
        written += shoot(window, directory, QStringLiteral("studio-canvas.png"), error);
    }
    window.showTab(MainWindow::Tab::Sql);
    window.sqlView()->showCompiled();
    written += shoot(window, directory, QStringLiteral("studio-sql.png"), error);
    if (!window.session()->conninfo().isEmpty()) {
        window.sqlView()->showPlan();
        window.sqlView()->refreshPlan();
        QDeadlineTimer planning(30000);
        while (window.sqlView()->isPlanning() && !planning.hasExpired())
            settle(100);
        written += shoot(window, directory, QStringLiteral("studio-plan.png"), error);
        window.sqlView()->showCompiled();
    }

    const Theme before = savedTheme();
    applyTheme(Theme::Dark);
    window.showTab(MainWindow::Tab::Grants);
    written += shoot(window, directory, QStringLiteral("studio-dark.png"), error);
    applyTheme(before);
    return written;
}

} // namespace writ::ui
