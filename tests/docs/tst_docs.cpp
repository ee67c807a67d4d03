// SPDX-License-Identifier: Apache-2.0
// The commands the documentation shows are run as written (doc_commands.h says how a page is read): every
// page of docs/, docs/tutorials/ and the README, each in one shell, in order, against its own fresh copy of
// the demo database ($DB, also $WRIT_TEST_DEMO_DSN and $WRIT_DB) with the built `writ` first on PATH. The
// working directory is a scratch git repository ($WORK) holding policy.writ.yaml in two commits (the demo
// policy, then tests/data/review/sample.writ.yaml), with resources/, tests/ and scripts/ linked from the
// source tree and build/app/cli/writ linked to the built CLI; `scripts/pg-sandbox` stands for the test's
// database. A page whose commands no longer work, or print something else than shown, fails here.
//
// A page holding the comment kAppliedMarker runs against a database where the demo policy is applied first
// (the operations page backs up the `writ` schema, which only an applied database has).
//
// A few commands change the machine itself or take minutes of it; they are listed in kRunElsewhere with
// the place that runs them, and a command that is neither run here nor listed there fails the test.

#include "doc_commands.h"

#include "../integration/floor/floor_db.h"

#include <QDir>
#include <QProcess>
#include <QTemporaryDir>
#include <QUrl>

#include <algorithm>

using namespace floortest;
using doctest::Command;

namespace {

struct RunElsewhere
{
    const char *pattern;
    const char *where;
};

const RunElsewhere kRunElsewhere[] = {
    {"^sudo |systemctl|journalctl|/etc/writ", "changes the installed system (/etc/writ, systemd): tst_packages installs the packages, runs the "
                                   "gateway with the unit's command line as its user, and purges them"},
    {"^scripts/test\\b", ".ci/run runs scripts/test on a clean clone; this test is one of the tests it runs"},
    {"^scripts/demo\\b", "installs, builds, and starts its own PostgreSQL, gateway and studio: too heavy inside the test run; its "
                         "steps are the tutorials' commands, which run here"},
    {"^scripts/bench-|bench_identity", "benchmarks need minutes of an idle machine: scripts/test runs scripts/bench-gateway --smoke "
                                       "and CTest runs every bench_*_smoke program"},
    {"^scripts/package\\b", "a Release build of the packages: tst_packages builds them with CPack from the tested build"},
    {"^cmake |ctest ", "the build and its tests: scripts/test configures, builds and runs CTest the same way"},
};

const QString kAppliedMarker = QStringLiteral("<!-- tst_docs: the demo policy is applied -->");

const RunElsewhere *runElsewhere(const Command &c)
{
    for (const RunElsewhere &r : kRunElsewhere)
        if (QRegularExpression(QString::fromLatin1(r.pattern)).match(c.text).hasMatch())
            return &r;
    return nullptr;
}

QStringList documentationPages()
{
    QStringList pages{QStringLiteral(WRIT_SOURCE_DIR "/README.md")};
    for (const char *dir : {WRIT_SOURCE_DIR "/docs", WRIT_SOURCE_DIR "/docs/tutorials"}) {
        const QDir d(QString::fromLatin1(dir));
        for (const QString &f : d.entryList({"*.md"}, QDir::Files, QDir::Name))
            pages << d.filePath(f);
    }
    return pages;
}

QString relativeName(const QString &page)
{
    return QDir(QStringLiteral(WRIT_SOURCE_DIR)).relativeFilePath(page);
}

QString textOf(const QString &page)
{
    QFile f(page);
    return f.open(QIODevice::ReadOnly) ? QString::fromUtf8(f.readAll()) : QString();
}

QList<Command> commandsOf(const QString &page)
{
    return doctest::commandsIn(textOf(page));
}

QString shellQuoted(QString s)
{
    return "'" + s.replace("'", "'\\''") + "'";
}

/// One bash script: the stand-ins, then every command, stopping at the first unexpected exit status.
/// A transcript's output goes to $WORK/.out/LINE for the comparison afterwards.
QString scriptFor(const QList<Command> &commands, const QString &file, bool applied)
{
    QString script = "set -u\nmkdir -p \"$WORK/.out\"\n"
                     "scripts/pg-sandbox() { if [ \"$1\" = env ]; then printf 'export WRIT_TEST_DEMO_DSN=%q\\n' \"$DB\"; fi; }\n";
    if (applied)
        script += "writ apply resources/demo/supportdesk.writ.yaml --db \"$DB\" --yes > /dev/null 2>&1 || { echo \"" + file
                  + ": applying the demo policy first failed\" >&2; exit 1; }\n";
    for (const Command &c : commands) {
        if (runElsewhere(c))
            continue;
        const QString where = file + ":" + QString::number(c.line);
        if (c.transcript) {
            script += "{ " + c.text + "\n} > \"$WORK/.out/" + QString::number(c.line) + "\" 2>&1\n";
        } else if (c.expectedOutput) {
            const QString quoted = shellQuoted(*c.expectedOutput);
            script += "out=$(" + c.text + "); rc=$?; echo \"$out\"; if [ $rc -ne 0 ] || [ \"$out\" != " + quoted + " ]; then echo \"" + where
                      + ": exit $rc, expected 0 (printed '$out', expected '\"" + quoted + "\"')\" >&2; exit 1; fi\n";
        } else {
            script += c.text + "\nrc=$?; if [ $rc -ne " + QString::number(c.expectedExit) + " ]; then echo \"" + where + ": exit $rc, expected "
                      + QString::number(c.expectedExit) + "\" >&2; exit 1; fi\n";
        }
    }
    return script + "exit 0\n"; // a transcript's own status is not the page's
}

bool runIn(const QString &dir, const QString &program, const QStringList &args)
{
    QProcess p;
    p.setWorkingDirectory(dir);
    p.start(program, args);
    return p.waitForFinished(30000) && p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0;
}

/// $WORK: a git repository with policy.writ.yaml at two versions, and links to the source tree and the CLI.
bool prepareWorkDirectory(const QString &work)
{
    const QDir source(QStringLiteral(WRIT_SOURCE_DIR));
    for (const char *name : {"resources", "tests", "scripts"})
        if (!QFile::link(source.filePath(QString::fromLatin1(name)), work + "/" + name))
            return false;
    if (!QDir(work).mkpath("build/app/cli") || !QFile::link(QStringLiteral(WRIT_CLI), work + "/build/app/cli/writ"))
        return false;
    const QStringList identity{"-c", "user.name=Writ Docs", "-c", "user.email=docs@example.com"};
    auto commitPolicy = [&](const QString &from, const QString &message) {
        QFile::remove(work + "/policy.writ.yaml");
        return QFile::copy(source.filePath(from), work + "/policy.writ.yaml") && runIn(work, "git", {"add", "policy.writ.yaml"})
               && runIn(work, "git", identity + QStringList{"commit", "-q", "-m", message});
    };
    return runIn(work, "git", {"init", "-q", "-b", "main"}) && commitPolicy("resources/demo/supportdesk.writ.yaml", "the demo policy")
           && commitPolicy("tests/data/review/sample.writ.yaml", "the reviewed change");
}

} // namespace

class TestDocs : public QObject
{
    Q_OBJECT

private slots:
    /// Every command is run here or by the place kRunElsewhere names, and every entry there is still needed.
    void everyCommandIsRun()
    {
        QSet<const RunElsewhere *> used;
        int run = 0;
        for (const QString &page : documentationPages())
            for (const Command &c : commandsOf(page)) {
                if (const RunElsewhere *r = runElsewhere(c))
                    used.insert(r);
                else
                    ++run;
            }
        QVERIFY2(run >= 60, qPrintable(QString::number(run) + " commands found: is the markdown still read right?"));
        for (const RunElsewhere &r : kRunElsewhere)
            QVERIFY2(used.contains(&r), qPrintable(QString("no page shows a command matching '%1' any more: remove it from kRunElsewhere").arg(r.pattern)));
    }

    void page_data()
    {
        QTest::addColumn<QString>("page");
        for (const QString &page : documentationPages()) {
            const QList<Command> commands = commandsOf(page);
            if (std::any_of(commands.begin(), commands.end(), [](const Command &c) { return !runElsewhere(c); }))
                QTest::newRow(qPrintable(relativeName(page))) << page;
        }
    }

    void page()
    {
        QFETCH(QString, page);
        const QString name = relativeName(page);
        const QList<Command> commands = commandsOf(page);

        DatabaseCopy copy(requiredDsn("WRIT_TEST_ADMIN_DSN"), "writ_doc_" + QFileInfo(page).baseName().replace('-', '_').toLower());
        QString error;
        QVERIFY2(copy.create(QStringLiteral("supportdesk"), &error), qPrintable(error));
        QTemporaryDir work;
        QVERIFY(prepareWorkDirectory(work.path()));

        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        const QUrl url(copy.dsn());
        env.insert("DB", copy.dsn());
        env.insert("WRIT_TEST_DEMO_DSN", copy.dsn());
        env.insert("WRIT_DB", copy.dsn());
        env.insert("DBNAME", copy.name());
        env.insert("DBHOST", url.host());
        env.insert("DBPORT", QString::number(url.port(5432)));
        env.insert("WORK", work.path());
        env.insert("PATH", QFileInfo(QStringLiteral(WRIT_CLI)).absolutePath() + ":" + QFileInfo(QStringLiteral(WRIT_GATEWAY)).absolutePath()
                               + ":/usr/lib/postgresql/15/bin:" + env.value("PATH"));
        QProcess bash;
        bash.setProcessEnvironment(env);
        bash.setWorkingDirectory(work.path());
        const QString script = scriptFor(commands, name, textOf(page).contains(kAppliedMarker));
        if (const QString keep = qEnvironmentVariable("WRIT_DOC_SCRIPT_DIR"); !keep.isEmpty()) { // for debugging a page
            QFile out(keep + "/" + QFileInfo(page).baseName() + ".sh");
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

        int transcripts = 0;
        for (const Command &c : commands) {
            if (!c.transcript || runElsewhere(c))
                continue;
            ++transcripts;
            QFile printed(work.path() + "/.out/" + QString::number(c.line));
            QVERIFY2(printed.open(QIODevice::ReadOnly), qPrintable(name + ":" + QString::number(c.line) + ": the command did not run"));
            const QString actual = QString::fromUtf8(printed.readAll());
            const QString missing = doctest::missingFromOutput(c.printed, actual);
            if (!missing.isEmpty())
                qWarning("%s", qPrintable("--- what " + name + ":" + QString::number(c.line) + " printed ---\n" + actual.left(4000)));
            QVERIFY2(missing.isEmpty(), qPrintable(name + ":" + QString::number(c.line) + ": the output does not show: " + missing));
        }
        const auto ranHere = std::count_if(commands.begin(), commands.end(), [](const Command &c) { return !runElsewhere(c); });
        qInfo("%s: %lld commands ran as documented (%d transcripts compared)", qPrintable(name), static_cast<long long>(ranHere), transcripts);
    }
};

QTEST_GUILESS_MAIN(TestDocs)
#include "tst_docs.moc"
