// SPDX-License-Identifier: Apache-2.0
// The studio's document: opening the demo policy, undo/redo through the one QUndoStack, problems
// placed at the right line, canonical saving and reloading when the file changes on disk.
#include "ui_test_support.h"

#include "ui/document/policy_document.h"
#include "ui/problems/problems_model.h"

#include "policy/policy_loader.h"
#include "policy/policy_writer.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QUndoStack>

using namespace writ;
using namespace writ::ui;

namespace {

/// 1-based line of the first occurrence of `needle` in `text`.
int lineOf(const QString &text, const QString &needle)
{
    const qsizetype at = text.indexOf(needle);
    return at < 0 ? 0 : int(text.left(at).count(QLatin1Char('\n'))) + 1;
}

void writeFile(const QString &path, const QByteArray &bytes)
{
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    f.write(bytes);
}

} // namespace

class TestPolicyDocument : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase() { test::isolateSettings(); }

    void opensTheDemoPolicy()
    {
        PolicyDocument doc;
        QString error;
        QVERIFY2(doc.load(test::demoPolicyPath(), &error), qPrintable(error));
        QVERIFY(doc.isValid());
        QCOMPARE(doc.diagnostics().errorCount(), std::size_t(0));
        QCOMPARE(doc.policy().name, std::string("supportdesk"));
        QCOMPARE(doc.policy().agents.size(), std::size_t(3));
        QVERIFY(doc.policy().findTask("refund-bot", "refund-payment"));
        QVERIFY(!doc.isModified());
        QCOMPARE(doc.text(), test::readFile(test::demoPolicyPath()));
        QCOMPARE(doc.displayName(), QStringLiteral("supportdesk.writ.yaml"));
    }

    void missingFileIsRefusedWithAReason()
    {
        PolicyDocument doc;
        const QString before = doc.text();
        QString error;
        QVERIFY(!doc.load(QStringLiteral("/nonexistent/x.writ.yaml"), &error));
        QVERIFY2(error.contains(QStringLiteral("/nonexistent/x.writ.yaml")), qPrintable(error));
        QCOMPARE(doc.text(), before);
        QVERIFY(doc.isUntitled());
    }

    void undoAndRedoRestoreTheExactTextAndPolicy()
    {
        PolicyDocument doc;
        QVERIFY(doc.load(test::demoPolicyPath()));
        const QString original = doc.text();
        const policy::Policy originalPolicy = doc.policy();

        // 1: a text edit (as a paste would make it)
        QString edited = original;
        edited.replace(QStringLiteral("ttl: 5m"), QStringLiteral("ttl: 7m"));
        QVERIFY(edited != original);
        doc.editText(edited);
        QCOMPARE(doc.policy().findTask("support-summarizer", "summarize-tickets")->ttl, policy::Duration(7 * 60));
        const QString afterFirst = doc.text();

        // 2: a model edit (what the scope canvas does): drop an agent
        policy::Policy p = doc.policy();
        p.agents.pop_back();
        doc.replacePolicy(p, QStringLiteral("Remove agent"));
        QCOMPARE(doc.policy().agents.size(), std::size_t(2));
        QCOMPARE(doc.text(), QString::fromStdString(policy::writePolicy(p)));
        const QString afterSecond = doc.text();

        // 3 and 4: two keystrokes of typing merge into one step
        doc.editText(afterSecond + QStringLiteral("#"), PolicyDocument::EditKind::Typing);
        doc.editText(afterSecond + QStringLiteral("#x"), PolicyDocument::EditKind::Typing);
        const QString afterTyping = doc.text();
        QCOMPARE(doc.undoStack()->count(), 3);
        QVERIFY(doc.isModified());

        doc.undoStack()->undo();
        QCOMPARE(doc.text(), afterSecond);
        doc.undoStack()->undo();
        QCOMPARE(doc.text(), afterFirst);
        doc.undoStack()->undo();
        QCOMPARE(doc.text(), original);
        QVERIFY(doc.policy() == originalPolicy);
        QVERIFY(!doc.isModified());

        doc.undoStack()->redo();
        doc.undoStack()->redo();
        QCOMPARE(doc.text(), afterSecond);
        QCOMPARE(doc.policy().agents.size(), std::size_t(2));
        doc.undoStack()->redo();
        QCOMPARE(doc.text(), afterTyping);
        QVERIFY(doc.isModified());
    }

    void badRowFilterShowsAProblemAtItsLine()
    {
        PolicyDocument doc;
        QVERIFY(doc.load(test::demoPolicyPath()));
        doc.setCatalog(test::demoCatalog());
        QCOMPARE(doc.diagnostics().errorCount(), std::size_t(0));

        QString text = doc.text();
        const QString good = QStringLiteral("rows: \"id = $customer_id\"");
        const int expectedLine = lineOf(text, good);
        QVERIFY(expectedLine > 0);
        text.replace(good, QStringLiteral("rows: \"no_such_column = $customer_id\""));
        doc.editText(text);

        bool found = false;
        for (const Diagnostic &d : doc.diagnostics().items()) {
            if (d.severity == Severity::Error && QString::fromStdString(d.message).contains(QStringLiteral("no_such_column"))) {
                QCOMPARE(d.location.line, expectedLine);
                QVERIFY(d.location.column > 0);
                found = true;
            }
        }
        QVERIFY2(found, "no error names the unknown column");

        ProblemsModel problems;
        problems.setDiagnostics(doc.diagnostics());
        QVERIFY(problems.errorCount() >= 1);
        QCOMPARE(problems.data(problems.index(0, 0), ProblemsModel::LineRole).toInt(), expectedLine);

        doc.undoStack()->undo();
        QCOMPARE(doc.diagnostics().errorCount(), std::size_t(0));
    }

    void savingWritesTheCanonicalForm()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("demo.writ.yaml"));
        // A valid policy in a non-canonical layout: reordered top-level keys and extra spaces.
        QString messy = test::readFile(test::demoPolicyPath());
        messy.replace(QStringLiteral("name: supportdesk\n"), QString());
        messy.replace(QStringLiteral("ttl: 5m"), QStringLiteral("ttl:     5m"));
        messy += QStringLiteral("name: supportdesk\n");
        writeFile(path, messy.toUtf8());

        PolicyDocument doc;
        QVERIFY(doc.load(path));
        QVERIFY(doc.isValid());
        const std::string canonical = policy::writePolicy(doc.policy());
        QVERIFY(QString::fromStdString(canonical) != messy);
        QString error;
        QVERIFY2(doc.save(&error), qPrintable(error));
        QCOMPARE(test::readFile(path), QString::fromStdString(canonical));
        QVERIFY(!doc.isModified());
        QCOMPARE(doc.text(), QString::fromStdString(canonical));
        // Formatting was one undo step: undo gives back what was typed.
        doc.undoStack()->undo();
        QCOMPARE(doc.text(), messy);

        // A policy with errors is saved as typed, so nothing is lost.
        doc.editText(QStringLiteral("writ: 1\nname: [broken\n"));
        QVERIFY(!doc.isValid());
        QVERIFY(doc.save());
        QCOMPARE(test::readFile(path), QStringLiteral("writ: 1\nname: [broken\n"));
    }

    void saveAsMovesTheDocument()
    {
        QTemporaryDir dir;
        PolicyDocument doc;
        QVERIFY(doc.isUntitled());
        QVERIFY(!doc.save()); // no file yet
        const QString path = dir.filePath(QStringLiteral("new.writ.yaml"));
        QVERIFY(doc.saveAs(path));
        QCOMPARE(doc.filePath(), path);
        QCOMPARE(test::readFile(path), doc.text());
    }

    void reloadsWhenTheFileChangesOnDisk()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("demo.writ.yaml"));
        QVERIFY(QFile::copy(test::demoPolicyPath(), path));
        PolicyDocument doc;
        QVERIFY(doc.load(path));
        QSignalSpy reloaded(&doc, &PolicyDocument::reloadedFromDisk);
        QString changed = doc.text();
        changed.replace(QStringLiteral("ttl: 5m"), QStringLiteral("ttl: 9m"));
        writeFile(path, changed.toUtf8());
        QTRY_COMPARE_WITH_TIMEOUT(reloaded.count(), 1, 5000);
        QCOMPARE(doc.text(), changed);
        QVERIFY(!doc.isModified());

        // With unsaved edits the document is not replaced; the window is told instead.
        QSignalSpy conflict(&doc, &PolicyDocument::fileChangedOnDisk);
        doc.editText(changed + QStringLiteral("# mine\n"));
        writeFile(path, (changed + QStringLiteral("# theirs\n")).toUtf8());
        QTRY_COMPARE_WITH_TIMEOUT(conflict.count(), 1, 5000);
        QCOMPARE(doc.text(), changed + QStringLiteral("# mine\n"));
        QCOMPARE(reloaded.count(), 1);
    }

    void ownSavesAreNotTakenForExternalChanges()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("demo.writ.yaml"));
        QVERIFY(QFile::copy(test::demoPolicyPath(), path));
        PolicyDocument doc;
        QVERIFY(doc.load(path));
        QSignalSpy reloaded(&doc, &PolicyDocument::reloadedFromDisk);
        QSignalSpy conflict(&doc, &PolicyDocument::fileChangedOnDisk);
        QString edited = doc.text();
        edited.replace(QStringLiteral("ttl: 5m"), QStringLiteral("ttl: 6m"));
        doc.editText(edited);
        QVERIFY(doc.save());
        QTest::qWait(300);
        QCOMPARE(reloaded.count(), 0);
        QCOMPARE(conflict.count(), 0);
        QVERIFY(!doc.isModified());
    }
};

QTEST_MAIN(TestPolicyDocument)
#include "tst_policy_document.moc"
