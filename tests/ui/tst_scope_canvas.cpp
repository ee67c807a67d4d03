// SPDX-License-Identifier: Apache-2.0
// The scope canvas: clicks on the real card items become one policy edit each, and the YAML, the
// blast radius and the compiled SQL follow; undo and redo restore the exact text; a bad row filter
// is a problem at its line; drop adds a relation and Delete removes it; the Inspector edits a task.
#include "ui_test_support.h"

#include "ui/canvas/blast_radius_bar.h"
#include "ui/canvas/filter_panel.h"
#include "ui/canvas/relation_card_item.h"
#include "ui/canvas/scope_canvas.h"
#include "ui/canvas/scope_canvas_view.h"
#include "ui/canvas/task_node_item.h"
#include "ui/commands/scope_edits.h"
#include "ui/document/policy_document.h"
#include "ui/document/policy_editor.h"
#include "ui/explorer/explorer_model.h"
#include "ui/explorer/explorer_view.h"
#include "ui/problems/problems_model.h"
#include "ui/problems/problems_view.h"
#include "ui/shell/agent_inspector.h"
#include "ui/shell/command_palette.h"
#include "ui/shell/main_window.h"
#include "ui/sqleditor/floor_sql_view.h"
#include "ui/sqleditor/sql_line_edit.h"

#include "policy/policy_loader.h"
#include "policy/policy_writer.h"

#include <QLineEdit>
#include <QMenu>
#include <QMimeData>
#include <QPlainTextEdit>
#include <QTabWidget>
#include <QTest>
#include <QUndoStack>

using namespace writ;
using namespace writ::ui;

namespace {

const QString kAgent = QStringLiteral("support-summarizer");
const QString kTask = QStringLiteral("summarize-tickets");

/// 1-based line of the first occurrence of `needle` in `text`.
int lineOf(const QString &text, const QString &needle)
{
    const qsizetype at = text.indexOf(needle);
    return at < 0 ? 0 : int(text.left(at).count(QLatin1Char('\n'))) + 1;
}

const policy::Scope *scopeOf(const PolicyDocument *doc, const char *relation)
{
    return edits::findScope(doc->policy(), {kAgent.toStdString(), kTask.toStdString(), *policy::parseQualifiedName(relation)});
}

bool hasColumn(const policy::Scope *scope, const char *column)
{
    return scope
        && (!scope->columns || std::find(scope->columns->begin(), scope->columns->end(), column) != scope->columns->end());
}

/// Clicks the centre of `rect` (item coordinates of `item`) on the view, as a user would.
void clickOn(ScopeCanvasView *view, QGraphicsItem *item, const QRectF &rect, Qt::MouseButton button = Qt::LeftButton)
{
    view->centerOn(item->mapToScene(rect.center()));
    const QPoint at = view->mapFromScene(item->mapToScene(rect.center()));
    QVERIFY2(view->viewport()->rect().contains(at), "the target is not on screen");
    QTest::mouseClick(view->viewport(), button, Qt::NoModifier, at);
}

/// True when one line of `sql` holds both parts.
bool hasLine(const QString &sql, const QString &a, const QString &b)
{
    const QStringList lines = sql.split(QLatin1Char('\n'));
    return std::any_of(lines.begin(), lines.end(), [&](const QString &l) { return l.contains(a) && l.contains(b); });
}

const review::ClassifiedColumn *classified(const review::BlastRadius &radius, const std::string &column)
{
    for (const auto &c : radius.classified) {
        if (c.column == column)
            return &c;
    }
    return nullptr;
}

} // namespace

class TestScopeCanvas : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase() { test::isolateSettings(); }

    void init()
    {
        m_window = std::make_unique<MainWindow>();
        m_window->setInteractive(false);
        QVERIFY(m_window->openPolicy(test::demoPolicyPath()));
        QVERIFY(m_window->openSnapshot(test::demoSnapshotPath()));
        m_window->resize(1400, 900);
        m_window->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
        m_canvas = m_window->openScopeCanvas(kAgent, kTask);
        QVERIFY(m_canvas);
        QCOMPARE(m_window->tabs()->currentWidget(), m_canvas);
        m_original = m_window->document()->text();
    }

    void cleanup() { m_window.reset(); }

    void drawsTheTaskWithItsRelations()
    {
        ScopeCanvasView *view = m_canvas->view();
        QCOMPARE(view->relations(),
            (QStringList {
                QStringLiteral("public.tickets"), QStringLiteral("public.messages"), QStringLiteral("public.customers")}));
        QVERIFY(view->card(QStringLiteral("public.customers")));
        QCOMPARE(view->edgeCount(ScopeCanvasView::EdgeKind::Read), 3);
        QCOMPARE(view->edgeCount(ScopeCanvasView::EdgeKind::Write), 0);
        QCOMPARE(view->edgeCount(ScopeCanvasView::EdgeKind::Masked), 1); // customers.email
        QVERIFY(view->edgeCount(ScopeCanvasView::EdgeKind::ForeignKey) >= 2); // tickets → customers, messages → tickets
        // Sensitive columns carry their label; the excluded phone is shown, not included.
        const auto &chips = view->card(QStringLiteral("public.customers"))->content().chips;
        auto phone = std::find_if(chips.begin(), chips.end(), [](const auto &c) { return c.column == QLatin1String("phone"); });
        QVERIFY(phone != chips.end());
        QCOMPARE(phone->label, QStringLiteral("pii"));
        QVERIFY(!phone->included);
        QVERIFY(m_canvas->blastRadius()->summary().contains(QStringLiteral("3 relations")));
    }

    void clickingAChipAndAnOperationEditsTextBlastRadiusAndSql()
    {
        PolicyDocument *doc = m_window->document();
        ScopeCanvasView *view = m_canvas->view();
        const review::BlastRadius before = m_canvas->blastRadius()->radius();
        const QString sqlBefore = m_window->sqlView()->compiledText();
        QVERIFY2(sqlBefore.contains(QStringLiteral("GRANT")), qPrintable(sqlBefore.left(400)));
        QVERIFY(!hasColumn(scopeOf(doc, "public.customers"), "phone"));
        QVERIFY(!classified(before, "public.customers.phone"));

        // Include the phone column: a click on its chip.
        RelationCardItem *customers = view->card(QStringLiteral("public.customers"));
        clickOn(view, customers, customers->chipRect(QStringLiteral("phone")));
        QVERIFY(hasColumn(scopeOf(doc, "public.customers"), "phone"));
        QVERIFY(doc->text() != m_original);
        QVERIFY(doc->text().contains(QStringLiteral("phone")));
        QCOMPARE(doc->undoStack()->count(), 1);
        const review::BlastRadius afterColumn = m_canvas->blastRadius()->radius();
        QCOMPARE(afterColumn.columnCount, before.columnCount + 1);
        const review::ClassifiedColumn *phone = classified(afterColumn, "public.customers.phone");
        QVERIFY(phone);
        QCOMPARE(phone->label, std::string("pii"));
        QVERIFY(!phone->masked);
        QVERIFY(m_canvas->blastRadius()->summary() != BlastRadiusBar::summarize(before));
        const QString sqlAfterColumn = m_window->sqlView()->compiledText();
        QVERIFY(sqlAfterColumn != sqlBefore);
        QVERIFY(sqlAfterColumn.contains(QStringLiteral("phone")));
        QVERIFY(!sqlBefore.contains(QStringLiteral("phone")));

        // Allow update on tickets: a click on its U toggle.
        RelationCardItem *tickets = view->card(QStringLiteral("public.tickets"));
        clickOn(view, tickets, tickets->operationRect(QLatin1Char('U')));
        QVERIFY(scopeOf(doc, "public.tickets")->ops.count(policy::Operation::Update));
        QCOMPARE(doc->undoStack()->count(), 2);
        QCOMPARE(view->edgeCount(ScopeCanvasView::EdgeKind::Write), 1);
        const review::BlastRadius afterOp = m_canvas->blastRadius()->radius();
        QCOMPARE(afterOp.updates, std::vector<std::string> {"public.tickets"});
        QVERIFY(before.updates.empty());
        QVERIFY(m_canvas->blastRadius()->summary().contains(QStringLiteral("updates public.tickets")));
        const QString sqlAfterOp = m_window->sqlView()->compiledText();
        QVERIFY(sqlAfterOp != sqlAfterColumn);
        const QString ticketsToTask
            = QStringLiteral("ON TABLE \"public\".\"tickets\" TO \"writ_support-summarizer/summarize-tickets\"");
        QVERIFY(!hasLine(sqlAfterColumn, QStringLiteral("GRANT UPDATE"), ticketsToTask));
        QVERIFY2(hasLine(sqlAfterOp, QStringLiteral("GRANT UPDATE"), ticketsToTask), qPrintable(sqlAfterOp));
    }

    void maskMenuMasksAColumn()
    {
        PolicyDocument *doc = m_window->document();
        ScopeCanvasView *view = m_canvas->view();
        QMenu *menu = view->maskMenu(QStringLiteral("public.customers"), QStringLiteral("phone"));
        QAction *hash = nullptr;
        for (QAction *a : menu->actions()) {
            if (a->data().toString() == QLatin1String("hash"))
                hash = a;
        }
        QVERIFY(hash);
        hash->trigger();
        const policy::Scope *scope = scopeOf(doc, "public.customers");
        QVERIFY(hasColumn(scope, "phone")); // masking includes the column, readable only masked
        QCOMPARE(scope->masks.at("phone").kind, policy::MaskKind::Hash);
        QCOMPARE(doc->undoStack()->count(), 1);
        const review::ClassifiedColumn *phone = classified(m_canvas->blastRadius()->radius(), "public.customers.phone");
        QVERIFY(phone && phone->masked);
        doc->undoStack()->undo();
        QCOMPARE(doc->text(), m_original);
    }

    void undoAndRedoRestoreTheExactText()
    {
        PolicyDocument *doc = m_window->document();
        ScopeCanvasView *view = m_canvas->view();
        QVERIFY(view->toggleColumn(QStringLiteral("public.tickets"), QStringLiteral("body")));
        const QString one = doc->text();
        QVERIFY(view->toggleOperation(QStringLiteral("public.messages"), QLatin1Char('I')));
        const QString two = doc->text();
        QVERIFY(one != m_original && two != one);

        doc->undoStack()->undo();
        QCOMPARE(doc->text(), one);
        doc->undoStack()->undo();
        QCOMPARE(doc->text(), m_original);
        QCOMPARE(doc->text(), test::readFile(test::demoPolicyPath()));
        QVERIFY(!doc->isModified());
        QVERIFY(hasColumn(scopeOf(doc, "public.tickets"), "body"));
        doc->undoStack()->redo();
        QCOMPARE(doc->text(), one);
        doc->undoStack()->redo();
        QCOMPARE(doc->text(), two);
        // The canvas follows undo too.
        QVERIFY(view->card(QStringLiteral("public.messages"))->content().ops.contains(QLatin1Char('I')));
        QCOMPARE(m_window->editor()->text(), two);
    }

    void scopeEditsKeepThePolicyLoadable()
    {
        // Forbidding update on refund-bot's payments takes update_columns and the check with it,
        // which the loader would otherwise reject.
        const policy::Policy &policy = m_window->document()->policy();
        const edits::ScopeAddress payments {"refund-bot", "refund-payment", {"public", "payments"}};
        const auto edited = edits::toggleOperation(policy, payments, policy::Operation::Update);
        QVERIFY(edited);
        const policy::Scope *scope = edits::findScope(*edited, payments);
        QVERIFY(scope->updateColumns.empty());
        QVERIFY(!scope->check);
        QVERIFY(scope->rows); // the row filter still applies to reads
        const policy::LoadResult reloaded = policy::loadPolicy(policy::writePolicy(*edited), "edited.writ.yaml");
        QVERIFY2(reloaded.ok(), reloaded.diagnostics.items().empty() ? "" : reloaded.diagnostics.items().front().message.c_str());
        QVERIFY(reloaded.policy == *edited);

        // Excluding a column drops its mask; the last column cannot go.
        const edits::ScopeAddress customers {kAgent.toStdString(), kTask.toStdString(), {"public", "customers"}};
        const auto withoutEmail = edits::toggleColumn(policy, customers, "email", {});
        QVERIFY(withoutEmail);
        QVERIFY(edits::findScope(*withoutEmail, customers)->masks.empty());
        auto narrowed = withoutEmail;
        narrowed = edits::toggleColumn(*narrowed, customers, "name", {});
        QVERIFY(narrowed);
        QVERIFY(!edits::toggleColumn(*narrowed, customers, "id", {}));
    }

    void refusesEditsWhileTheTextHasErrors()
    {
        PolicyDocument *doc = m_window->document();
        const QString broken = m_original + QStringLiteral("agents: [\n");
        doc->editText(broken);
        QVERIFY(!doc->isValid());
        // The canvas still draws the last valid policy, but editing it would throw the typed text away.
        QVERIFY(m_canvas->view()->card(QStringLiteral("public.customers")));
        QVERIFY(!m_canvas->view()->toggleOperation(QStringLiteral("public.customers"), QLatin1Char('U')));
        QCOMPARE(doc->text(), broken);
        QVERIFY(m_canvas->view()->lastMessage().contains(QStringLiteral("errors")));
    }

    void refusesToRemoveTheLastOperation()
    {
        PolicyDocument *doc = m_window->document();
        QVERIFY(!m_canvas->view()->toggleOperation(QStringLiteral("public.customers"), QLatin1Char('S')));
        QCOMPARE(doc->text(), m_original);
        QCOMPARE(doc->undoStack()->count(), 0);
        QVERIFY(m_canvas->view()->lastMessage().contains(QStringLiteral("Delete")));
    }

    void badRowFilterIsAProblemAtItsLine()
    {
        PolicyDocument *doc = m_window->document();
        ScopeCanvasView *view = m_canvas->view();
        view->selectRelation(QStringLiteral("public.tickets"));
        FilterPanel *filters = m_canvas->filters();
        SqlLineEdit *rows = filters->rowsEdit();
        QCOMPARE(rows->text(), QStringLiteral("customer_id = $customer_id"));
        QVERIFY(rows->completions().contains(QStringLiteral("subject")));
        QVERIFY(rows->completions().contains(QStringLiteral("$customer_id")));

        // Live: the error and its exact position, before anything is committed.
        rows->setText(QStringLiteral("status = 'open' AND no_such_column = $customer_id"));
        QVERIFY2(filters->problemText().contains(QStringLiteral("no_such_column")), qPrintable(filters->problemText()));
        QCOMPARE(rows->errorColumn(), 20);
        QCOMPARE(doc->text(), m_original);

        rows->setFocus();
        QTest::keyClick(rows, Qt::Key_Return);
        QVERIFY(doc->text().contains(QStringLiteral("no_such_column")));
        const int expectedLine = lineOf(doc->text(), QStringLiteral("no_such_column"));
        ProblemsModel *problems = m_window->problems()->model();
        int row = -1;
        for (int i = 0; i < problems->rowCount(); ++i) {
            if (problems->problem(i).message.contains(QStringLiteral("no_such_column")))
                row = i;
        }
        QVERIFY2(row >= 0, "no problem names the unknown column");
        QCOMPARE(problems->problem(row).level, Problem::Level::Error);
        QCOMPARE(problems->problem(row).line, expectedLine);
        const QString lineText = doc->text().split(QLatin1Char('\n')).at(expectedLine - 1);
        QCOMPARE(problems->problem(row).column, int(lineText.indexOf(QStringLiteral("no_such_column"))) + 1);

        // Double-click in Problems goes to that line of the YAML.
        m_window->problems()->activateRow(row);
        QCOMPARE(m_window->tabs()->currentWidget(), m_window->editor());
        QCOMPARE(m_window->editor()->currentLineNumber(), expectedLine);

        doc->undoStack()->undo();
        QCOMPARE(doc->text(), m_original);
        QCOMPARE(doc->diagnostics().errorCount(), std::size_t(0));
    }

    void unknownContextKeyIsCaughtWhileTyping()
    {
        m_canvas->view()->selectRelation(QStringLiteral("public.customers"));
        SqlLineEdit *rows = m_canvas->filters()->rowsEdit();
        rows->setText(QStringLiteral("id = $payment_id"));
        QVERIFY2(m_canvas->filters()->problemText().contains(QStringLiteral("payment_id")),
            qPrintable(m_canvas->filters()->problemText()));
        QCOMPARE(rows->errorColumn(), 5);
        rows->setText(QStringLiteral("id = $customer_id"));
        QVERIFY(m_canvas->filters()->problemText().isEmpty());
    }

    void dropAddsARelationAndDeleteRemovesIt()
    {
        PolicyDocument *doc = m_window->document();
        ScopeCanvasView *view = m_canvas->view();
        QVERIFY(!view->relations().contains(QStringLiteral("public.payments")));

        // What the Explorer (or the schema diagram) puts in a drag.
        QMimeData mime;
        mime.setData(QStringLiteral("application/x-writ-object"), QByteArrayLiteral("public.payments"));
        const QPointF at = view->viewport()->rect().center();
        QDragEnterEvent enter(at.toPoint(), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        QCoreApplication::sendEvent(view->viewport(), &enter);
        QVERIFY(enter.isAccepted());
        QDropEvent drop(at, Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        QCoreApplication::sendEvent(view->viewport(), &drop);
        QVERIFY(view->relations().contains(QStringLiteral("public.payments")));
        QVERIFY(view->card(QStringLiteral("public.payments")));
        QVERIFY(doc->text().contains(QStringLiteral("public.payments")));
        QCOMPARE(doc->undoStack()->count(), 1);
        QCOMPARE(m_canvas->blastRadius()->radius().relations.size(), std::size_t(4));
        // Dropped read-only, with every column listed so each is one click away from excluded.
        const policy::Scope *payments = scopeOf(doc, "public.payments");
        QVERIFY(payments && payments->ops == std::set<policy::Operation> {policy::Operation::Select});
        QVERIFY(hasColumn(payments, "card_last4"));

        // A role is not a relation: nothing happens.
        QMimeData role;
        role.setData(QStringLiteral("application/x-writ-object"), QByteArrayLiteral("role reporting"));
        QDropEvent roleDrop(at, Qt::CopyAction, &role, Qt::LeftButton, Qt::NoModifier);
        QCoreApplication::sendEvent(view->viewport(), &roleDrop);
        QCOMPARE(doc->undoStack()->count(), 1);

        view->selectRelation(QStringLiteral("public.payments"));
        QCOMPARE(view->selectedRelation(), QStringLiteral("public.payments"));
        view->setFocus();
        QTest::keyClick(view, Qt::Key_Delete);
        QVERIFY(!view->relations().contains(QStringLiteral("public.payments")));
        QVERIFY(!view->card(QStringLiteral("public.payments")));
        QCOMPARE(doc->undoStack()->count(), 2);
        QCOMPARE(m_canvas->blastRadius()->radius().relations.size(), std::size_t(3));
        QVERIFY(!scopeOf(doc, "public.payments"));
    }

    void inspectorEditsTheTaskTtlAndUndoes()
    {
        PolicyDocument *doc = m_window->document();
        AgentInspector *inspector = m_window->agentInspector();
        // Opening a canvas shows its task in the Inspector.
        QCOMPARE(inspector->agent(), kAgent);
        QCOMPARE(inspector->task(), kTask);
        QCOMPARE(inspector->ttlEdit()->text(), QStringLiteral("5m"));

        inspector->ttlEdit()->setFocus();
        inspector->ttlEdit()->selectAll();
        QTest::keyClicks(inspector->ttlEdit(), QStringLiteral("7m"));
        QTest::keyClick(inspector->ttlEdit(), Qt::Key_Return);
        const policy::TaskType *task = doc->policy().findTask(kAgent.toStdString(), kTask.toStdString());
        QCOMPARE(task->ttl, std::optional<policy::Duration>(std::chrono::minutes(7)));
        QVERIFY(doc->text().contains(QStringLiteral("ttl: 7m")));
        QVERIFY(!doc->text().contains(QStringLiteral("ttl: 5m")));
        QCOMPARE(doc->undoStack()->count(), 1);
        // The canvas's centre node follows.
        QVERIFY(m_canvas->view()->taskNode()->content().ttl.startsWith(QStringLiteral("7m")));

        // A bad duration is refused with a reason, and nothing changes.
        inspector->maxTtlEdit()->setText(QStringLiteral("soon"));
        inspector->commitTask();
        QVERIFY(inspector->errorText().contains(QStringLiteral("soon")));
        QCOMPARE(doc->undoStack()->count(), 1);

        doc->undoStack()->undo();
        QCOMPARE(doc->text(), m_original);
        QCOMPARE(inspector->ttlEdit()->text(), QStringLiteral("5m"));
    }

    void inspectorEditsAgentOwnerAndIdentities()
    {
        PolicyDocument *doc = m_window->document();
        m_window->inspectAgent(QStringLiteral("agent refund-bot"));
        AgentInspector *inspector = m_window->agentInspector();
        QVERIFY(inspector->identitiesEdit()->toPlainText().startsWith(
            QStringLiteral("oidc https://auth.example.com refund-bot from 10.20.0.0/16")));
        inspector->ownerEdit()->setText(QStringLiteral("billing-leads@example.com"));
        inspector->commitAgent();
        QCOMPARE(doc->policy().findAgent("refund-bot")->owner, std::string("billing-leads@example.com"));
        QCOMPARE(doc->undoStack()->count(), 1);
        QCOMPARE(doc->policy().findAgent("refund-bot")->identities.size(), std::size_t(1)); // round-tripped unchanged
        doc->undoStack()->undo();
        QCOMPARE(doc->text(), m_original);
    }

    void explorerListsAgentsAndOpensTheirCanvas()
    {
        ExplorerModel *model = m_window->explorer()->model();
        const QModelIndex task = model->indexForObject(QStringLiteral("task refund-bot/refund-payment"));
        QVERIFY(task.isValid());
        QCOMPARE(ExplorerModel::kindOf(task), ExplorerModel::NodeKind::Task);
        QCOMPARE(ExplorerModel::kindOf(task.parent()), ExplorerModel::NodeKind::Agent);
        QCOMPARE(task.parent().parent().data().toString(), QStringLiteral("Agents"));
        emit m_window->explorer()->objectActivated(QStringLiteral("task refund-bot/refund-payment"));
        auto *canvas = qobject_cast<ScopeCanvas *>(m_window->tabs()->currentWidget());
        QVERIFY(canvas);
        QCOMPARE(canvas->task(), QStringLiteral("refund-payment"));
        QCOMPARE(canvas->view()->edgeCount(ScopeCanvasView::EdgeKind::Write), 2); // payments update, refunds insert
        QVERIFY(canvas->view()->taskNode()->content().approval);
    }

    void commandPaletteFindsActionsAndObjects()
    {
        CommandPalette *palette = m_window->showCommandPalette();
        QTest::keyClicks(palette->input(), QStringLiteral("weekly"));
        QVERIFY(!palette->visibleTexts().isEmpty());
        QCOMPARE(palette->visibleTexts().first(), QStringLiteral("analytics-reporter ▸ weekly-report"));
        QVERIFY(palette->runCurrent());
        auto *canvas = qobject_cast<ScopeCanvas *>(m_window->tabs()->currentWidget());
        QVERIFY(canvas);
        QCOMPARE(canvas->agent(), QStringLiteral("analytics-reporter"));

        palette = m_window->showCommandPalette();
        palette->input()->setText(QStringLiteral("internal_notes"));
        QVERIFY(palette->visibleTexts().contains(QStringLiteral("public.internal_notes")));
        palette->input()->setText(QStringLiteral("save as"));
        QVERIFY(palette->visibleTexts().first().endsWith(QStringLiteral("Save As…")));
        palette->hide();
        QVERIFY(CommandPalette::score(QStringLiteral("public.customers"), QStringLiteral("pcust")) > 0);
        QVERIFY(CommandPalette::score(QStringLiteral("public.customers"), QStringLiteral("xyz")) < 0);
    }

    // Cards stay where the user put them: the next time the canvas opens, in this run or the next.
    void movedCardsKeepTheirPlace()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString copy = dir.filePath(QStringLiteral("layout.writ.yaml"));
        QVERIFY(QFile::copy(test::demoPolicyPath(), copy));
        const auto open = [&] {
            m_window = std::make_unique<MainWindow>();
            m_window->setInteractive(false);
            if (!m_window->openPolicy(copy) || !m_window->openSnapshot(test::demoSnapshotPath()))
                return static_cast<ScopeCanvasView *>(nullptr);
            m_window->show();
            m_canvas = m_window->openScopeCanvas(kAgent, kTask);
            return m_canvas ? m_canvas->view() : nullptr;
        };
        ScopeCanvasView *view = open();
        QVERIFY(view);
        RelationCardItem *customers = view->card(QStringLiteral("public.customers"));
        const QPointF moved = customers->pos() + QPointF(240, 160);
        customers->setPos(moved);
        const QPointF tickets = view->card(QStringLiteral("public.tickets"))->pos();
        m_window.reset(); // closed right after the move: the layout is still saved

        view = open();
        QVERIFY(view);
        QCOMPARE(view->card(QStringLiteral("public.customers"))->pos(), moved);
        QCOMPARE(view->card(QStringLiteral("public.tickets"))->pos(), tickets);

        // Another policy file has its own layout.
        m_window.reset();
        m_window = std::make_unique<MainWindow>();
        m_window->setInteractive(false);
        QVERIFY(m_window->openPolicy(test::demoPolicyPath()));
        QVERIFY(m_window->openSnapshot(test::demoSnapshotPath()));
        m_canvas = m_window->openScopeCanvas(kAgent, kTask);
        QVERIFY(m_canvas->view()->card(QStringLiteral("public.customers"))->pos() != moved);
    }

private:
    std::unique_ptr<MainWindow> m_window;
    ScopeCanvas *m_canvas = nullptr;
    QString m_original;

};

QTEST_MAIN(TestScopeCanvas)
#include "tst_scope_canvas.moc"
