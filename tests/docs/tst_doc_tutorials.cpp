// SPDX-License-Identifier: Apache-2.0
// The tutorials in docs/tutorials/ are run as written: every command in their ```sh blocks, in order, in
// one shell, against a fresh copy of the demo database ($DB) with a scratch directory ($WORK) and the
// built `writ` first on PATH. A command must exit 0, or the status its trailing `# exit N` names. A
// tutorial whose commands no longer work fails here, so the docs cannot rot.

#include "../integration/floor/floor_db.h"

#include <QDir>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QUrl>

#include <optional>

using namespace floortest;

namespace {

struct Command
{
    QString text;
    int expectedExit = 0;
    int line = 0;
    std::optional<QString> expectedOutput; ///< `# prints TEXT`: the command's whole standard output, trimmed
};

QList<Command> commandsIn(const QString &markdown)
{
    QList<Command> out;
    bool inBlock = false;
    int lineNo = 0;
    static const QRegularExpression expected(QStringLiteral("\\s+#\\s*exit\\s+(\\d+)\\s*$"));
    static const QRegularExpression prints(QStringLiteral("\\s+#\\s*prints\\s+(.*?)\\s*$"));
    QString heredocEnd; ///< inside `cmd <<'EOF'`: its lines belong to the command, up to this marker
    static const QRegularExpression heredoc(QStringLiteral("<<-?'?([A-Z]+)'?"));
    for (const QString &line : markdown.split('\n')) {
        ++lineNo;
        if (!heredocEnd.isEmpty()) {
            out.last().text += "\n" + line;
            if (line.trimmed() == heredocEnd)
                heredocEnd.clear();
            continue;
        }
        if (line.startsWith("```")) {
            inBlock = !inBlock && line.trimmed() == "```sh";
            continue;
        }
        if (!inBlock || line.trimmed().isEmpty() || line.trimmed().startsWith('#'))
            continue;
        if (const auto h = heredoc.match(line); h.hasMatch()) {
            out << Command{line, 0, lineNo, std::nullopt};
            heredocEnd = h.captured(1);
            continue;
        }
        Command c{line, 0, lineNo};
        if (const auto m = expected.match(line); m.hasMatch()) {
            c.expectedExit = m.captured(1).toInt();
            c.text = line.left(m.capturedStart());
        } else if (const auto p = prints.match(line); p.hasMatch()) {
            c.expectedOutput = p.captured(1);
            c.text = line.left(p.capturedStart());
        }
        out << c;
    }
    return out;
}

/// One bash script that runs every command and stops at the first unexpected exit status.
QString scriptFor(const QList<Command> &commands, const QString &file)
{
    QString script = "set -u\n";
    for (const Command &c : commands) {
        const QString where = file + ":" + QString::number(c.line);
        if (c.expectedOutput) {
            QString quoted = *c.expectedOutput;
            quoted.replace("'", "'\\''");
            script += "out=$(" + c.text + "); rc=$?; echo \"$out\"; if [ $rc -ne 0 ] || [ \"$out\" != '" + quoted + "' ]; then echo \"" + where
                      + ": exit $rc, expected 0 (printed '$out', expected '" + quoted + "')\" >&2; exit 1; fi\n";
            continue;
        }
        script += c.text + "\nrc=$?; if [ $rc -ne " + QString::number(c.expectedExit) + " ]; then echo \"" + where + ": exit $rc, expected "
                  + QString::number(c.expectedExit) + "\" >&2; exit 1; fi\n";
    }
    return script;
}

} // namespace

class TestDocTutorials : public QObject
{
    Q_OBJECT

private slots:
    void tutorial_data()
    {
        QTest::addColumn<QString>("file");
        const QDir dir(QStringLiteral(WRIT_SOURCE_DIR "/docs/tutorials"));
        for (const QString &f : dir.entryList({"*.md"}))
            QTest::newRow(qPrintable(f)) << dir.filePath(f);
        QVERIFY(!dir.entryList({"*.md"}).isEmpty());
    }

    void tutorial()
    {
        QFETCH(QString, file);
        QFile f(file);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QList<Command> commands = commandsIn(QString::fromUtf8(f.readAll()));
        QVERIFY2(commands.size() >= 5, qPrintable(file));

        DatabaseCopy copy(requiredDsn("WRIT_TEST_ADMIN_DSN"), "writ_doc_" + QFileInfo(file).baseName().replace('-', '_'));
        QString error;
        QVERIFY2(copy.create(QStringLiteral("supportdesk"), &error), qPrintable(error));
        QTemporaryDir work;
        QProcess bash;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert("DB", copy.dsn());
        const QUrl url(copy.dsn());
        env.insert("DBNAME", copy.name());
        env.insert("DBHOST", url.host());
        env.insert("DBPORT", QString::number(url.port(5432)));
        env.insert("WORK", work.path());
        env.insert("PATH", QFileInfo(QStringLiteral(WRIT_CLI)).absolutePath() + ":" + QFileInfo(QStringLiteral(WRIT_GATEWAY)).absolutePath()
                               + ":/usr/lib/postgresql/15/bin:" + env.value("PATH"));
        bash.setProcessEnvironment(env);
        bash.setWorkingDirectory(QStringLiteral(WRIT_SOURCE_DIR));
        const QString script = scriptFor(commands, QFileInfo(file).fileName());
        if (const QString keep = qEnvironmentVariable("WRIT_DOC_SCRIPT_DIR"); !keep.isEmpty()) { // for debugging a tutorial
            QFile out(keep + "/" + QFileInfo(file).baseName() + ".sh");
            if (out.open(QIODevice::WriteOnly))
                out.write(script.toUtf8());
        }
        bash.start("bash", {"-c", script});
        QVERIFY(bash.waitForFinished(300000));
        const QString out = QString::fromUtf8(bash.readAllStandardOutput()), err = QString::fromUtf8(bash.readAllStandardError());
        if (bash.exitCode() != 0) {
            // The failing command's line first: QTest shortens long messages.
            const auto failed = QRegularExpression(QStringLiteral("^\\S+\\.md:\\d+: exit \\d+, expected .*$"), QRegularExpression::MultilineOption).match(err);
            qWarning("%s", qPrintable("--- stdout ---\n" + out.right(4000) + "\n--- stderr ---\n" + err.right(4000)));
            QFAIL(qPrintable(failed.hasMatch() ? failed.captured(0) : "the shell failed: " + err.right(300)));
        }
        qInfo("%lld commands of %s ran as documented", static_cast<long long>(commands.size()), qPrintable(QFileInfo(file).fileName()));
    }
};

QTEST_GUILESS_MAIN(TestDocTutorials)
#include "tst_doc_tutorials.moc"
