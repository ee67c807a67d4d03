// SPDX-License-Identifier: Apache-2.0
// The review drawn over the scope canvas, and the simulator pointing at it. The demo policy against
// tests/data/review/sample.writ.yaml: "Show on Canvas" for support-summarizer ▸ summarize-tickets marks
// exactly what `writ diff` lists under that task (the ttl: the task node changed; public.tickets'
// columns + account_id and its rows: the card changed, the account_id chip added; public.customers'
// email mask: the card and the email chip changed) in the review colours, and Clear removes them.
// The reverse review draws weekly-report's removed public.customers as a faded, red, uneditable card.
// A simulator reason selects and blinks the card and chip it names, or says the relation is not in
// scope. With WRIT_OPERATE_SCREENSHOTS=DIR the canvas with the review is saved there as a PNG.

#include "ui_test_support.h"

#include "ui/canvas/canvas_colors.h"
#include "ui/canvas/relation_card_item.h"
#include "ui/canvas/scope_canvas.h"
#include "ui/canvas/scope_canvas_view.h"
#include "ui/canvas/task_node_item.h"
#include "ui/catalog/catalog_session.h"
#include "ui/document/policy_document.h"
#include "ui/operate/operations.h"
#include "ui/operate/history_dock.h"
#include "ui/operate/sessions_dock.h"
#include "ui/review/review_colors.h"
#include "ui/review/review_controller.h"
#include "ui/review/review_document.h"
#include "ui/review/review_version.h"
#include "ui/shell/main_window.h"
#include "ui/simulate/simulator_dock.h"

#include <QAction>
#include <QDir>
#include <QDockWidget>
#include <QGraphicsScene>
#include <QLabel>
#include <QMenu>
#include <QMenuBar>
#include <QStatusBar>
#include <QTabWidget>
#include <QTest>
#include <QToolBar>
#include <QToolButton>
#include <QTreeWidget>
#include <QUndoStack>

#include <memory>

using namespace writ;
using namespace writ::ui;

namespace {

const QString kSummarizer = QStringLiteral("support-summarizer");
const QString kSummarize = QStringLiteral("summarize-tickets");

QString reviewData(const char *file)
{
    return QStringLiteral(WRIT_TEST_DATA_DIR "/review/") + QLatin1String(file);
}

QString kindText(review::ChangeKind kind)
{
    return QString::fromLatin1(review::toString(kind));
}

/// Every mark the canvas items carry, one line each, sorted: what the canvas draws, not what it was told.
QStringList drawnMarks(ScopeCanvasView *view)
{
    QStringList marks;
    if (const auto task = view->taskNode()->reviewMark())
        marks << QStringLiteral("task %1").arg(kindText(*task));
    for (QGraphicsItem *item : view->scene()->items()) {
        auto *card = dynamic_cast<RelationCardItem *>(item);
        if (!card)
            continue;
        if (const auto mark = card->reviewMark())
            marks << QStringLiteral("card %1 %2%3").arg(card->relation(), kindText(*mark), card->isGhost() ? QStringLiteral(" faded") : QString());
        for (const RelationCardItem::Chip &chip : card->content().chips)
            if (const auto mark = card->columnMark(chip.column))
                marks << QStringLiteral("chip %1.%2 %3").arg(card->relation(), chip.column, kindText(*mark));
    }
    marks.sort();
    return marks;
}

/// Where an item's rectangle is in the view's viewport.
QRect viewportRect(ScopeCanvasView *view, const QGraphicsItem *item, const QRectF &rect)
{
    return view->mapFromScene(item->mapToScene(rect)).boundingRect();
}

/// How many pixels of `area` are (nearly) `color`: the canvas really painted it there.
int pixelsOf(const QImage &image, const QRect &area, const QColor &color)
{
    int count = 0;
    const QRect inside = area.intersected(image.rect());
    for (int y = inside.top(); y <= inside.bottom(); ++y)
        for (int x = inside.left(); x <= inside.right(); ++x) {
            const QColor c = image.pixelColor(x, y);
            if (std::abs(c.red() - color.red()) + std::abs(c.green() - color.green()) + std::abs(c.blue() - color.blue()) < 30)
                ++count;
        }
    return count;
}

QImage picture(ScopeCanvasView *view)
{
    view->viewport()->repaint();
    return view->viewport()->grab().toImage();
}

QTreeWidgetItem *changeItem(ReviewDocument *doc, const QString &startsWith)
{
    QTreeWidget *tree = doc->changeTree();
    for (int g = 0; g < tree->topLevelItemCount(); ++g)
        for (int c = 0; c < tree->topLevelItem(g)->childCount(); ++c)
            if (tree->topLevelItem(g)->child(c)->text(0).startsWith(startsWith))
                return tree->topLevelItem(g)->child(c);
    return nullptr;
}

} // namespace

using writ::ui::test::screenshot;

class TestReviewCanvas : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<MainWindow> m_window;
    Operations *m_ops = nullptr;

    ReviewDocument *review(const QString &oldFile, const QString &newFile)
    {
        return m_ops->reviewer()->openReview(versionFromFile(oldFile), versionFromFile(newFile));
    }

    ScopeCanvas *currentCanvas() const { return qobject_cast<ScopeCanvas *>(m_window->tabs()->currentWidget()); }

private slots:
    void initTestCase()
    {
        writ::ui::test::isolateSettings();
        m_window = std::make_unique<MainWindow>();
        m_window->setInteractive(false);
        m_ops = installOperations(*m_window);
        m_window->resize(1500, 950);
        m_window->show();
        auto catalog = std::make_shared<catalog::Catalog>(catalog::loadCatalogFile(reviewData("supportdesk-analyzed.catalog.json").toStdString()));
        catalog->reindex();
        m_window->session()->setCatalog(catalog, QStringLiteral("snapshot supportdesk-analyzed"));
    }

    void operationsUseTheWindowsMenusToolbarAndDocks()
    {
        QVERIFY(!m_window->isInteractive());
        QVERIFY(m_window->mainToolBar()->actions().contains(m_ops->reviewer()->action()));
        QVERIFY(m_window->policyMenu()->actions().contains(m_ops->reviewer()->action()));
        const QList<QAction *> bar = m_window->menuBar()->actions();
        QCOMPARE(bar.indexOf(m_ops->menu()->menuAction()) + 1, bar.indexOf(m_window->helpMenu()->menuAction()));
        // Every dock is shown and hidden from the View menu, the operate ones beside the window's own.
        const QList<QAction *> view = m_window->viewMenu()->actions();
        const qsizetype problems = view.indexOf(m_window->problemsDock()->toggleViewAction());
        QVERIFY(problems >= 0);
        QCOMPARE(view.indexOf(m_ops->simulator()->toggleViewAction()), problems + 1);
        QVERIFY(view.contains(m_ops->sessions()->toggleViewAction()));
        QVERIFY(view.at(problems + 8)->isSeparator()); // after Simulator, Sessions, Tasks, Approvals, Audit, Health, History
        QVERIFY(m_window->tabifiedDockWidgets(m_window->problemsDock()).contains(static_cast<QDockWidget *>(m_ops->simulator())));
        QVERIFY(m_window->tabifiedDockWidgets(m_window->inspectorDock()).contains(static_cast<QDockWidget *>(m_ops->history())));
    }

    void showOnCanvasMarksWhatTheReviewChangesAndClearRemovesIt()
    {
        // The canvas draws the open policy: open the review's new side.
        QVERIFY(m_window->openPolicy(reviewData("sample.writ.yaml")));
        ReviewDocument *doc = review(writ::ui::test::demoPolicyPath(), reviewData("sample.writ.yaml"));
        QVERIFY(doc);
        QAction *show = doc->showOnCanvasAction();
        doc->changeTree()->setCurrentItem(doc->changeTree()->topLevelItem(0)); // "policy": no canvas
        QVERIFY(!show->isEnabled());
        QVERIFY(doc->selectTask(kSummarizer, kSummarize));
        QVERIFY(show->isEnabled());
        m_window->statusBar()->clearMessage();
        show->trigger();

        ScopeCanvas *canvas = m_window->scopeCanvas(kSummarizer, kSummarize);
        QVERIFY(canvas);
        QCOMPARE(currentCanvas(), canvas);
        QTest::qWait(50);
        ScopeCanvasView *view = canvas->view();
        view->zoomToFit();
        // Exactly the task's part of `writ diff`: ttl, tickets' columns and rows, customers' email mask.
        const QStringList expected = {
            QStringLiteral("card public.customers changed"),
            QStringLiteral("card public.tickets changed"),
            QStringLiteral("chip public.customers.email changed"),
            QStringLiteral("chip public.tickets.account_id added"),
            QStringLiteral("task changed"),
        };
        QCOMPARE(drawnMarks(view), expected);
        QVERIFY(!view->card(QStringLiteral("public.messages"))->reviewMark());
        QVERIFY(canvas->reviewLegend()->isVisible());
        const QString legend = canvas->reviewLegend()->findChild<QLabel *>()->text();
        QVERIFY2(legend.contains(QStringLiteral("supportdesk.writ.yaml → sample.writ.yaml")), qPrintable(legend));
        QVERIFY2(legend.contains(changeKindColor(review::ChangeKind::Added).name()), qPrintable(legend));
        QVERIFY2(m_window->statusBar()->currentMessage().isEmpty(), qPrintable(m_window->statusBar()->currentMessage()));

        // In their colours, on the items they mark.
        const QColor added = canvas::reviewMarkColor(review::ChangeKind::Added);
        const QColor changed = canvas::reviewMarkColor(review::ChangeKind::Changed);
        QCOMPARE(added, QColor(0x2e, 0x7d, 0x32));
        QCOMPARE(changed, QColor(0xf5, 0x9e, 0x0b));
        QCOMPARE(changeKindColor(review::ChangeKind::Changed), changed);
        RelationCardItem *tickets = view->card(QStringLiteral("public.tickets"));
        RelationCardItem *customers = view->card(QStringLiteral("public.customers"));
        RelationCardItem *messages = view->card(QStringLiteral("public.messages"));
        QImage image = picture(view);
        const QRect accountId = viewportRect(view, tickets, tickets->chipRect(QStringLiteral("account_id")).adjusted(-3, -3, 3, 3));
        const QRect id = viewportRect(view, tickets, tickets->chipRect(QStringLiteral("id")));
        const QRect email = viewportRect(view, customers, customers->chipRect(QStringLiteral("email")).adjusted(-3, -3, 3, 3));
        QVERIFY(pixelsOf(image, accountId, added) > 10);
        QCOMPARE(pixelsOf(image, id, added), 0);
        QVERIFY(pixelsOf(image, email, changed) > 10);
        QVERIFY(pixelsOf(image, viewportRect(view, tickets, tickets->boundingRect()), changed) > 100);
        QCOMPARE(pixelsOf(image, viewportRect(view, messages, messages->boundingRect()), changed), 0);
        QVERIFY(pixelsOf(image, viewportRect(view, view->taskNode(), view->taskNode()->boundingRect()), changed) > 100);

        // The picture: the canvas alone in the window.
        QList<QDockWidget *> hidden;
        for (QDockWidget *dock : m_window->findChildren<QDockWidget *>())
            if (dock->isVisible() && m_window->dockWidgetArea(dock) == Qt::BottomDockWidgetArea) {
                dock->hide();
                hidden << dock;
            }
        QTest::qWait(300);
        view->zoomToFit();
        screenshot(m_window.get(), QStringLiteral("studio-review-canvas.png"));
        for (QDockWidget *dock : hidden)
            dock->show();
        QTest::qWait(100);

        // Clear (on the legend) takes every mark away.
        auto *clear = canvas->reviewLegend()->findChild<QToolButton *>(QStringLiteral("review-legend-clear"));
        QVERIFY(clear);
        QTest::mouseClick(clear, Qt::LeftButton);
        QVERIFY(drawnMarks(view).isEmpty());
        QVERIFY(!canvas->hasReviewMarks());
        QVERIFY(!canvas->reviewLegend()->isVisible());
        image = picture(view);
        QCOMPARE(pixelsOf(image, viewportRect(view, tickets, tickets->chipRect(QStringLiteral("account_id")).adjusted(-3, -3, 3, 3)), added), 0);
        QCOMPARE(pixelsOf(image, viewportRect(view, tickets, tickets->boundingRect()), changed), 0);
    }

    void doubleClickingAChangeShowsItsCardWithTheReview()
    {
        ReviewDocument *doc = review(writ::ui::test::demoPolicyPath(), reviewData("sample.writ.yaml"));
        QVERIFY(doc);
        QTreeWidgetItem *mask = changeItem(doc, QStringLiteral("~ public.customers mask email"));
        QVERIFY(mask);
        emit doc->changeTree()->itemDoubleClicked(mask, 0);
        ScopeCanvas *canvas = currentCanvas();
        QVERIFY(canvas);
        QCOMPARE(canvas->task(), kSummarize);
        QCOMPARE(canvas->view()->selectedRelation(), QStringLiteral("public.customers"));
        QVERIFY(canvas->view()->card(QStringLiteral("public.customers"))->isFlashing());
        QCOMPARE(drawnMarks(canvas->view()).size(), 5);
        QCOMPARE(canvas->view()->card(QStringLiteral("public.customers"))->columnMark(QStringLiteral("email")), review::ChangeKind::Changed);
    }

    void aRemovedScopeIsDrawnFadedInRedAndCannotBeEdited()
    {
        QVERIFY(m_window->openPolicy(writ::ui::test::demoPolicyPath()));
        ReviewDocument *doc = review(reviewData("sample.writ.yaml"), writ::ui::test::demoPolicyPath());
        QVERIFY(doc);
        QVERIFY(doc->selectTask(QStringLiteral("analytics-reporter"), QStringLiteral("weekly-report")));
        doc->showOnCanvasAction()->trigger();
        ScopeCanvas *canvas = currentCanvas();
        QVERIFY(canvas);
        QCOMPARE(canvas->task(), QStringLiteral("weekly-report"));
        QTest::qWait(50);
        ScopeCanvasView *view = canvas->view();
        view->zoomToFit();
        QCOMPARE(drawnMarks(view), QStringList {QStringLiteral("card public.customers removed faded")});
        QVERIFY(!view->relations().contains(QStringLiteral("public.customers")));
        RelationCardItem *ghost = view->card(QStringLiteral("public.customers"));
        QVERIFY(ghost && ghost->isGhost());
        const QColor removed = canvas::reviewMarkColor(review::ChangeKind::Removed);
        QCOMPARE(removed, QColor(0xd3, 0x2f, 0x2f));
        QVERIFY(pixelsOf(picture(view), viewportRect(view, ghost, ghost->boundingRect()), removed) > 100);

        // A click on the ghost's chip changes nothing in the policy.
        const QString before = m_window->document()->text();
        const int steps = m_window->document()->undoStack()->count();
        const QPoint phone = viewportRect(view, ghost, ghost->chipRect(QStringLiteral("phone"))).center();
        QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, phone);
        QCOMPARE(m_window->document()->text(), before);
        QCOMPARE(m_window->document()->undoStack()->count(), steps);
        QCOMPARE(view->selectedRelation(), QStringLiteral("public.customers"));
        QVERIFY(!view->removeSelected());
    }

    void aSimulatorReasonSelectsAndBlinksTheCardAndChipItNames()
    {
        SimulatorDock *sim = m_ops->simulator();
        sim->setAgentTask(kSummarizer, kSummarize);
        sim->setContextValue(QStringLiteral("customer_id"), QStringLiteral("42"));
        sim->setSql(QStringLiteral("SELECT name, phone FROM public.customers"));
        QVERIFY(sim->decide());
        QCOMPARE(sim->simulation()->decision.verdict, decide::Verdict::Deny);
        QCOMPARE(sim->reasonList()->topLevelItem(0)->text(0), QStringLiteral("column-scope"));
        m_window->showTab(MainWindow::Tab::Policy);
        emit sim->reasonList()->itemActivated(sim->reasonList()->topLevelItem(0), 0);

        ScopeCanvas *canvas = currentCanvas();
        QVERIFY(canvas);
        QCOMPARE(canvas->agent(), kSummarizer);
        QCOMPARE(canvas->task(), kSummarize);
        QCOMPARE(canvas->view()->selectedRelation(), QStringLiteral("public.customers"));
        RelationCardItem *customers = canvas->view()->card(QStringLiteral("public.customers"));
        QVERIFY(customers->isSelected());
        QVERIFY(customers->isFlashing());
        QCOMPARE(customers->flashedColumn(), QStringLiteral("phone"));
        QVERIFY(!canvas->view()->card(QStringLiteral("public.tickets"))->isFlashing());
        QTRY_VERIFY_WITH_TIMEOUT(!customers->isFlashing(), 3000); // a moment, not for good
        QCOMPARE(canvas->view()->selectedRelation(), QStringLiteral("public.customers"));

        // A relation the task has no scope for: the status bar says so.
        sim->setSql(QStringLiteral("SELECT amount_cents FROM public.payments"));
        QVERIFY(sim->decide());
        QCOMPARE(sim->simulation()->decision.verdict, decide::Verdict::Deny);
        emit sim->reasonList()->itemActivated(sim->reasonList()->topLevelItem(0), 0);
        QCOMPARE(currentCanvas(), canvas);
        QVERIFY(canvas->view()->selectedRelation().isEmpty());
        const QString message = m_window->statusBar()->currentMessage();
        QVERIFY2(message.contains(QStringLiteral("public.payments is not in the scope of support-summarizer ▸ summarize-tickets")),
            qPrintable(message));
    }

    void cleanupTestCase() { m_window.reset(); }
};

QTEST_MAIN(TestReviewCanvas)
#include "tst_review_canvas.moc"
