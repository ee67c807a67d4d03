// SPDX-License-Identifier: Apache-2.0
// `writ diff` as users and CI run it, without a database: exit codes (0 same, 2 different, 1 a policy
// with errors, 3 a file or revision that cannot be read), the Markdown and JSON a pull request gets,
// and git:REV:path against a throwaway repository.
#include "../cli/cli_runner.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

namespace {

QString data(const QString &file)
{
    return QStringLiteral(WRIT_TEST_DATA_DIR "/review/") + file;
}

QString demo()
{
    return QStringLiteral(WRIT_SOURCE_DIR "/resources/demo/supportdesk.writ.yaml");
}

QByteArray describe(const CliResult &r)
{
    return QStringLiteral("exit %1\nstdout:\n%2\nstderr:\n%3").arg(r.exitCode).arg(r.out, r.err).toUtf8();
}

/// Runs a program in `dir`; for git and for `writ diff git:...`, which reads the repository of the current directory.
CliResult runIn(const QString &dir, const QString &program, const QStringList &args)
{
    QProcess p;
    p.setWorkingDirectory(dir);
    p.start(program, args);
    return finishProcess(p);
}

bool git(const QString &dir, const QStringList &args)
{
    const CliResult r = runIn(dir, QStringLiteral("git"),
        QStringList {"-c", "user.name=Writ Test", "-c", "user.email=test@example.com", "-c", "commit.gpgsign=false"} + args);
    if (r.exitCode != 0)
        qWarning("git %s failed: %s", qPrintable(args.join(' ')), describe(r).constData());
    return r.exitCode == 0;
}

bool copyInto(const QString &from, const QString &to)
{
    QFile::remove(to);
    return QFile::copy(from, to);
}

} // namespace

class TestCliDiff : public QObject
{
    Q_OBJECT

private slots:
    void sameMeaningExitsZero()
    {
        const CliResult r = runWrit({"diff", data("base.writ.yaml"), data("formatted.writ.yaml")});
        QVERIFY2(r.exitCode == 0, describe(r));
        QVERIFY2(r.out.contains("No changes"), describe(r));
        QCOMPARE(runWrit({"diff", demo(), demo(), "--format", "json"}).exitCode, 0);
    }

    void differentExitsTwo()
    {
        const CliResult r = runWrit({"diff", demo(), data("rows-range.writ.yaml")});
        QVERIFY2(r.exitCode == 2, describe(r));
        QVERIFY2(r.out.contains("1 change: 1 widens"), describe(r));
        QVERIFY2(r.out.contains(
                     "~ rows: customer_id = $customer_id → customer_id BETWEEN $customer_id AND $customer_id + 10  [widens]"),
            describe(r));
        QVERIFY2(r.out.contains(QStringLiteral("(%1:37:20)").arg(data("rows-range.writ.yaml"))), describe(r));
    }

    void policyWithErrorsExitsOneWithItsDiagnostics()
    {
        const CliResult r = runWrit({"diff", data("base.writ.yaml"), data("broken.writ.yaml")});
        QVERIFY2(r.exitCode == 1, describe(r));
        QVERIFY2(r.err.contains(data("broken.writ.yaml") + ":35:"), describe(r));
        QVERIFY2(r.err.contains("unknown operation 'selct'") && r.err.contains("[policy.unknown-operation]"), describe(r));
        QVERIFY2(r.err.contains("FAILED"), describe(r));
        QVERIFY2(r.out.isEmpty(), describe(r));
        QCOMPARE(runWrit({"diff", data("broken.writ.yaml"), data("base.writ.yaml")}).exitCode, 1); // either side
    }

    void unreadableFileExitsThree()
    {
        const CliResult r = runWrit({"diff", data("base.writ.yaml"), data("no-such-file.writ.yaml")});
        QVERIFY2(r.exitCode == 3, describe(r));
        QVERIFY2(r.err.contains("cannot read") && r.err.contains("no-such-file.writ.yaml"), describe(r));
        QCOMPARE(
            runWrit({"diff", data("base.writ.yaml"), data("base.writ.yaml"), "--catalog", data("missing.json")}).exitCode, 3);
    }

    void markdownForAPullRequest()
    {
        const CliResult r = runWrit({"diff", demo(), data("sample.writ.yaml"), "--format", "markdown", "--catalog",
            data("supportdesk-analyzed.catalog.json")});
        QVERIFY2(r.exitCode == 2, describe(r));
        const QStringList lines = r.out.split('\n');
        for (const QString &expected : {
                 QStringLiteral("**9 changes: 5 widen, 3 narrow, 1 neutral**"),
                 QStringLiteral("### `support-summarizer` / `summarize-tickets`"),
                 QStringLiteral(
                     "| `public.tickets` | ~ `rows`: `customer_id = $customer_id` → `customer_id BETWEEN $customer_id AND "
                     "$customer_id + 10` | **widens** | the new row filter is not the old one AND more conditions, so it "
                     "may admit rows the old one did not |"),
                 QStringLiteral(
                     "| task | ~ `approval`: `required` → `none` | **widens** | tasks start without a human's approval |"),
                 QStringLiteral("| columns | 14 | 17 |"),
                 QStringLiteral("| rows (estimate) | 66,000 | ≤ 71,000 |"),
                 QStringLiteral("- classified column in reach: `public.customers.phone pii`"),
             })
            QVERIFY2(lines.contains(expected), qPrintable("missing line: " + expected + "\n" + r.out));
    }

    void jsonSummaryMatchesItsChanges()
    {
        const CliResult r = runWrit({"diff", demo(), data("sample.writ.yaml"), "--format", "json"});
        QVERIFY2(r.exitCode == 2, describe(r));
        QJsonParseError error;
        const QJsonObject root = QJsonDocument::fromJson(r.out.toUtf8(), &error).object();
        QVERIFY2(error.error == QJsonParseError::NoError, qPrintable(error.errorString()));
        const QJsonArray changes = root.value("changes").toArray();
        int widens = 0;
        for (const auto &c : changes)
            widens += c.toObject().value("risk").toString() == "widens";
        QCOMPARE(root.value("summary").toObject().value("changes").toInt(), changes.size());
        QCOMPARE(root.value("summary").toObject().value("widens").toInt(), widens);
        QVERIFY(root.value("witness").isNull()); // no --db
        QVERIFY(!root.value("catalog").toBool());
    }

    void outputFileHoldsWhatStdoutWould()
    {
        QTemporaryDir dir;
        const QString file = dir.filePath("review.md");
        const CliResult toFile = runWrit({"diff", demo(), data("sample.writ.yaml"), "--format", "markdown", "-o", file});
        QVERIFY2(toFile.exitCode == 2 && toFile.out.isEmpty(), describe(toFile));
        QFile f(file);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(QString::fromUtf8(f.readAll()), runWrit({"diff", demo(), data("sample.writ.yaml"), "--format", "markdown"}).out);
    }

    void badContextArgumentIsAUsageError()
    {
        const CliResult r = runWrit({"diff", demo(), demo(), "--ctx", "no-equals-sign"});
        QVERIFY2(r.exitCode == 64, describe(r));
        QVERIFY2(r.err.contains("KEY=VALUE"), describe(r));
    }

    void auditReplayReportsTheStatementsWhoseVerdictChanges()
    {
        // Decision records as the gateway writes them (the replay reads only these fields).
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString audit = dir.filePath("audit.jsonl");
        QFile f(audit);
        QVERIFY(f.open(QIODevice::WriteOnly));
        const auto record = [&](int seq, const char *query) {
            f.write(QStringLiteral("{\"agent\":\"support-summarizer\",\"event\":\"decision\",\"query\":\"%1\",\"rule\":\"allowed\","
                                   "\"seq\":%2,\"task\":\"t1\",\"task_type\":\"summarize-tickets\",\"verdict\":\"allow\"}\n")
                        .arg(QString::fromLatin1(query))
                        .arg(seq)
                        .toUtf8());
        };
        record(1, "SELECT body FROM public.messages WHERE ticket_id = $1");
        record(2, "SELECT id, subject FROM public.tickets WHERE customer_id = $1");
        f.close();
        const QString catalog = QStringLiteral(WRIT_TEST_DATA_DIR "/catalog/supportdesk.json");

        const CliResult text = runWrit({"diff", data("base.writ.yaml"), data("impact.writ.yaml"), "--catalog", catalog, "--audit", audit});
        QVERIFY2(text.exitCode == 2, describe(text));
        QVERIFY2(text.out.contains("impact replay (audit " + audit + ")\n  1 of 2 statements change verdict: 1 no longer allowed"),
            describe(text));
        QVERIFY2(text.out.contains("allow → deny [relation-scope]  1 statement, e.g. SELECT body FROM public.messages WHERE ticket_id = $1"),
            describe(text));
        QVERIFY2(!text.out.contains("e.g. SELECT id, subject"), describe(text));

        const CliResult json = runWrit({"diff", data("base.writ.yaml"), data("impact.writ.yaml"), "--catalog", catalog, "--audit", audit,
            "--audit-limit", "1", "--format", "json"});
        QVERIFY2(json.exitCode == 2, describe(json));
        const QJsonObject impact = QJsonDocument::fromJson(json.out.toUtf8()).object().value("impact").toObject();
        QCOMPARE(impact.value("replayed").toInt(), 1); // the last record only
        QCOMPARE(impact.value("changed").toInt(), 0);
        QVERIFY(impact.value("catalog").toBool());

        const CliResult markdown
            = runWrit({"diff", data("base.writ.yaml"), data("impact.writ.yaml"), "--audit", audit, "--format", "markdown"});
        QVERIFY2(markdown.out.contains("### Impact replay"), describe(markdown));

        const CliResult missing = runWrit({"diff", data("base.writ.yaml"), data("impact.writ.yaml"), "--audit", dir.filePath("none")});
        QVERIFY2(missing.exitCode == 3, describe(missing));
        QVERIFY2(missing.err.contains("cannot read the audit file"), describe(missing));
        const CliResult limitAlone = runWrit({"diff", data("base.writ.yaml"), data("impact.writ.yaml"), "--audit-limit", "5"});
        QVERIFY2(limitAlone.exitCode == 64, describe(limitAlone));
    }

    void gitRevisions()
    {
        QTemporaryDir repo;
        QVERIFY(repo.isValid());
        const QString dir = repo.path();
        const QString policy = dir + "/policy.writ.yaml";
        QVERIFY(git(dir, {"init", "-q"}));
        QVERIFY(copyInto(data("base.writ.yaml"), policy));
        QVERIFY(git(dir, {"add", "policy.writ.yaml"}));
        QVERIFY(git(dir, {"commit", "-q", "-m", "base"}));
        QVERIFY(copyInto(data("rows-true.writ.yaml"), policy));
        QVERIFY(git(dir, {"commit", "-q", "-am", "widen the tickets filter"}));
        QVERIFY(copyInto(data("broken.writ.yaml"), dir + "/broken.writ.yaml"));
        QVERIFY(git(dir, {"add", "broken.writ.yaml"}));
        QVERIFY(git(dir, {"commit", "-q", "-m", "a broken version"}));
        const QString writ = QStringLiteral(WRIT_CLI);

        // The widening between two revisions.
        CliResult r = runIn(dir, writ, {"diff", "git:HEAD~2:policy.writ.yaml", "git:HEAD:policy.writ.yaml"});
        QVERIFY2(r.exitCode == 2, describe(r));
        QVERIFY2(r.out.contains("~ rows: customer_id = $customer_id → true  [widens]"), describe(r));
        QVERIFY2(r.out.contains("(git:HEAD:policy.writ.yaml:37:20)"), describe(r)); // located in the git version
        QVERIFY2(r.out.contains("git:HEAD~2:policy.writ.yaml → git:HEAD:policy.writ.yaml"), describe(r));

        // The committed version against the working tree: the same.
        r = runIn(dir, writ, {"diff", "git:HEAD:policy.writ.yaml", "policy.writ.yaml"});
        QVERIFY2(r.exitCode == 0, describe(r));

        // A revision that does not exist: git's own message, exit 3.
        r = runIn(dir, writ, {"diff", "git:no-such-branch:policy.writ.yaml", "policy.writ.yaml"});
        QVERIFY2(r.exitCode == 3, describe(r));
        QVERIFY2(r.err.contains("git show no-such-branch:policy.writ.yaml failed"), describe(r));
        QVERIFY2(r.err.contains("no-such-branch"), describe(r));

        // A path that is not in that revision.
        r = runIn(dir, writ, {"diff", "git:HEAD~2:broken.writ.yaml", "policy.writ.yaml"});
        QVERIFY2(r.exitCode == 3, describe(r));

        // A directory is not a policy.
        r = runIn(dir, writ, {"diff", "git:HEAD:./", "policy.writ.yaml"});
        QVERIFY2(r.exitCode == 3 && r.err.contains("directory"), describe(r));

        // Errors in a git version are reported against git:REV:path.
        r = runIn(dir, writ, {"diff", "git:HEAD:broken.writ.yaml", "policy.writ.yaml"});
        QVERIFY2(r.exitCode == 1, describe(r));
        QVERIFY2(r.err.contains("git:HEAD:broken.writ.yaml:35:"), describe(r));

        // Anything git could read as an option is refused before git runs.
        r = runIn(dir, writ, {"diff", "git:--output=written-by-git:policy.writ.yaml", "policy.writ.yaml"});
        QVERIFY2(r.exitCode == 64, describe(r));
        QVERIFY2(r.err.contains("starts with '-'"), describe(r));
        QVERIFY(!QFile::exists(dir + "/written-by-git"));
    }

    void gitOutsideARepositoryIsAnEnvironmentError()
    {
        QTemporaryDir empty;
        const CliResult r
            = runIn(empty.path(), QStringLiteral(WRIT_CLI), {"diff", "git:HEAD:policy.writ.yaml", data("base.writ.yaml")});
        QVERIFY2(r.exitCode == 3, describe(r));
        QVERIFY2(r.err.contains("git show HEAD:policy.writ.yaml failed"), describe(r));
    }
};

QTEST_GUILESS_MAIN(TestCliDiff)
#include "tst_cli_diff.moc"
