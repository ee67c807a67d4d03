// SPDX-License-Identifier: Apache-2.0
// The shell wired together: open the demo, edit and undo through the window, problems that jump
// to their line or object, a catalog shown in every view.
#include "ui_test_support.h"

#include "ui/catalog/catalog_session.h"
#include "ui/diagram/schema_diagram_view.h"
#include "ui/document/policy_document.h"
#include "ui/document/policy_editor.h"
#include "ui/explorer/explorer_model.h"
#include "ui/explorer/explorer_view.h"
#include "ui/grants/grants_model.h"
#include "ui/grants/grants_view.h"
#include "ui/problems/problems_model.h"
#include "ui/problems/problems_view.h"
#include "ui/shell/icons.h"
#include "ui/shell/inspector.h"
#include "ui/shell/main_window.h"

#include <QAction>
#include <QDir>
#include <QTabWidget>
#include <QTest>
#include <QTreeView>
#include <QUndoStack>

using namespace writ;
using namespace writ::ui;

class TestMainWindow : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase() { test::isolateSettings(); }

    void everyIconRenders()
    {
        ensureResources();
        const QStringList files = QDir(QStringLiteral(":/icons")).entryList({QStringLiteral("*.svg")});
        QVERIFY(files.size() >= 30);
        for (const QString &file : files) {
            const QIcon i = icon(QFileInfo(file).completeBaseName());
            QVERIFY2(!i.isNull(), qPrintable(file));
            // Sharp at 2x: a 32-pixel rendering exists for a 16-point icon.
            QCOMPARE(i.pixmap(QSize(32, 32)).size(), QSize(32, 32));
        }
    }

    void opensTheDemoAndShowsItsState()
    {
        MainWindow window;
        window.setInteractive(false);
        QCOMPARE(window.tabs()->count(), 4); // Policy, Schema, Grants, SQL
        QVERIFY(window.connectionStatusText().contains(QStringLiteral("not connected")));
        QVERIFY(window.openPolicy(test::demoPolicyPath()));
        QVERIFY(window.windowTitle().contains(QStringLiteral("supportdesk.writ.yaml")));
        QCOMPARE(window.editor()->text(), test::readFile(test::demoPolicyPath()));
        QCOMPARE(window.problemCount(), 0);
        QCOMPARE(window.fileStatusText(), QStringLiteral("supportdesk.writ.yaml"));

        // Typing in the editor is an edit of the document, undone by the window's Undo.
        window.editor()->setCursorPosition(0, 0);
        window.editor()->insert(QStringLiteral("# note\n"));
        QVERIFY(window.document()->isModified());
        QVERIFY(window.document()->text().startsWith(QStringLiteral("# note\n")));
        QVERIFY(window.windowTitle().contains(QStringLiteral("•")));
        QVERIFY(window.fileStatusText().contains(QStringLiteral("modified")));
        QAction *undo = nullptr;
        for (QAction *a : window.findChildren<QAction *>()) {
            if (a->shortcut() == QKeySequence(QKeySequence::Undo))
                undo = a;
        }
        QVERIFY(undo);
        undo->trigger();
        QCOMPARE(window.editor()->text(), test::readFile(test::demoPolicyPath()));
        QVERIFY(!window.document()->isModified());
        QVERIFY(!window.windowTitle().contains(QStringLiteral("•")));
    }

    void problemJumpsToItsLine()
    {
        MainWindow window;
        window.setInteractive(false);
        QVERIFY(window.openPolicy(test::demoPolicyPath()));
        window.session()->setCatalog(test::demoCatalog(), QStringLiteral("demo snapshot"));
        QString text = window.document()->text();
        const QString good = QStringLiteral("rows: \"id = $payment_id\"");
        const int line = int(text.left(text.indexOf(good)).count(QLatin1Char('\n'))) + 1;
        text.replace(good, QStringLiteral("rows: \"paid_by = $payment_id\""));
        window.document()->editText(text);

        int row = -1;
        for (int r = 0; r < window.problems()->model()->rowCount(); ++r) {
            if (window.problems()->model()->problem(r).message.contains(QStringLiteral("paid_by")))
                row = r;
        }
        QVERIFY2(row >= 0, "the unknown column is not among the problems");
        QCOMPARE(window.problems()->model()->problem(row).line, line);
        window.editor()->setCursorPosition(0, 0);
        window.problems()->activateRow(row);
        QCOMPARE(window.tabs()->currentIndex(), int(MainWindow::Tab::Policy));
        QCOMPARE(window.editor()->currentLineNumber(), line);
    }

    void catalogFillsEveryViewAndFindingsJumpToObjects()
    {
        MainWindow window;
        window.setInteractive(false);
        QVERIFY(window.openPolicy(test::demoPolicyPath()));
        QVERIFY(window.openSnapshot(test::demoSnapshotPath()));
        QVERIFY(window.connectionStatusText().contains(QStringLiteral("supportdesk.json")));
        QVERIFY(window.explorer()->model()->indexForObject(QStringLiteral("public.customers")).isValid());
        QCOMPARE(window.diagram()->relationCount(), 8);
        QVERIFY(window.grants()->model()->rowCount() >= 3); // helpdesk_app, reporting, PUBLIC

        // internal_notes is readable by PUBLIC: a finding that jumps to the table in the explorer.
        int row = -1;
        for (int r = 0; r < window.problems()->model()->rowCount(); ++r) {
            const Problem &p = window.problems()->model()->problem(r);
            if (p.code == QStringLiteral("public-grant") && p.object == QStringLiteral("public.internal_notes"))
                row = r;
        }
        QVERIFY2(row >= 0, "no public-grant finding on public.internal_notes");
        QCOMPARE(window.problems()->model()->problem(row).level, Problem::Level::Error);
        window.problems()->activateRow(row);
        const QModelIndex current = window.explorer()->tree()->currentIndex();
        QCOMPARE(current.data(ExplorerModel::ObjectNameRole).toString(), QStringLiteral("public.internal_notes"));
        QCOMPARE(window.inspector()->objectName(), QStringLiteral("public.internal_notes"));

        // Clicking a card in the diagram selects the relation in the explorer.
        emit window.diagram()->relationClicked(QStringLiteral("public.payments"));
        QCOMPARE(window.explorer()->tree()->currentIndex().data(ExplorerModel::ObjectNameRole).toString(), QStringLiteral("public.payments"));
    }
};

QTEST_MAIN(TestMainWindow)
#include "tst_main_window.moc"
