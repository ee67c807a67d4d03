// SPDX-License-Identifier: Apache-2.0
// `writ check`, `writ fmt` and `writ catalog` end to end against the sandbox database.
#include "cli_runner.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>

#include <functional>
#include <QUrl>

namespace {

const QString kDemoPolicy = QStringLiteral(WRIT_SOURCE_DIR "/resources/demo/supportdesk.writ.yaml");

QString readAll(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QString::fromUtf8(f.readAll());
}

void writeAll(const QString &path, const QByteArray &bytes)
{
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    f.write(bytes);
}

/// The demo DSN with one part replaced, e.g. a wrong port or password.
QString demoDsnWith(const std::function<void(QUrl &)> &change)
{
    QUrl url(requiredDsn("WRIT_TEST_DEMO_DSN"));
    change(url);
    return url.toString();
}

} // namespace

class TestCliCheck : public QObject
{
    Q_OBJECT

private slots:
    void demoPolicyIsCleanAgainstTheDemoDatabase()
    {
        const CliResult r = runWrit({"check", kDemoPolicy, "--db", requiredDsn("WRIT_TEST_DEMO_DSN")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY2(r.err.contains("ok (0 errors"), qPrintable(r.err));
    }

    void brokenCopyGivesLineColumnDiagnostics()
    {
        QTemporaryDir dir;
        QString text = readAll(kDemoPolicy);
        QVERIFY(!text.isEmpty());
        // One mistake the loader catches, two only the database can: a misspelt column and a filter typo.
        const int opsAt = text.indexOf("ops: [select]");
        QVERIFY(opsAt > 0);
        text.replace(opsAt, 13, "ops: [selekt]");
        text.replace("[id, subject, body,", "[id, subjekt, body,");
        const QString broken = dir.filePath("broken.writ.yaml");
        writeAll(broken, text.toUtf8());
        CliResult r = runWrit({"check", broken});
        QCOMPARE(r.exitCode, 1);
        const int line = text.left(opsAt).count('\n') + 1;
        QVERIFY2(r.err.contains(QStringLiteral("broken.writ.yaml:%1:").arg(line)), qPrintable(r.err));
        QVERIFY2(r.err.contains("did you mean 'select'"), qPrintable(r.err));

        // Fix the loader error; the column typo needs the catalog.
        text.replace("ops: [selekt]", "ops: [select]");
        writeAll(broken, text.toUtf8());
        QCOMPARE(runWrit({"check", broken}).exitCode, 0);
        r = runWrit({"check", broken, "--db", requiredDsn("WRIT_TEST_DEMO_DSN"), "--format", "json"});
        QCOMPARE(r.exitCode, 1);
        const QJsonArray items = QJsonDocument::fromJson(r.out.toUtf8()).array();
        QCOMPARE(items.size(), 1);
        const QJsonObject d = items.first().toObject();
        QCOMPARE(d["code"].toString(), QStringLiteral("check.unknown-column"));
        QVERIFY(d["hint"].toString().contains("did you mean 'subject'"));
        const int typoLine = text.left(text.indexOf("subjekt")).count('\n') + 1;
        QCOMPARE(d["line"].toInt(), typoLine);
        const int lineStart = text.lastIndexOf('\n', text.indexOf("subjekt")) + 1;
        QCOMPARE(d["column"].toInt(), text.indexOf("subjekt") - lineStart + 1);
    }

    void offlineCheckAgainstASnapshotMatchesTheLiveOne()
    {
        QTemporaryDir dir;
        const QString snapshot = dir.filePath("demo.json");
        const CliResult cat = runWrit({"catalog", "--db", requiredDsn("WRIT_TEST_DEMO_DSN"), "-o", snapshot});
        QVERIFY2(cat.exitCode == 0, qPrintable(cat.err));
        QVERIFY(cat.err.contains("relations"));
        const QJsonObject json = QJsonDocument::fromJson(readAll(snapshot).toUtf8()).object();
        QCOMPARE(json["database"].toString(), QStringLiteral("supportdesk"));
        QCOMPARE(runWrit({"check", kDemoPolicy, "--catalog", snapshot}).exitCode, 0);
        QString text = readAll(kDemoPolicy);
        text.replace("public.refunds", "public.refundz");
        const QString broken = dir.filePath("b.yaml");
        writeAll(broken, text.toUtf8());
        const CliResult r = runWrit({"check", broken, "--catalog", snapshot});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("did you mean public.refunds?"), qPrintable(r.err));
    }

    void fmtChecksAndRewritesToTheCanonicalForm()
    {
        QTemporaryDir dir;
        QCOMPARE(runWrit({"fmt", "--check", kDemoPolicy}).exitCode, 0);
        const QString loose = dir.filePath("loose.yaml");
        writeAll(loose, "name: p\nwrit: 1\ndatabase: d\nagents: { a: { identity: [ { spiffe: \"spiffe://e.com/a\" } ], tasks: { t: { access: { t1: { ops: [select] } } } } } }\n");
        CliResult r = runWrit({"fmt", "--check", loose});
        QCOMPARE(r.exitCode, 1);
        QVERIFY(r.err.contains("not in canonical form"));
        r = runWrit({"fmt", loose});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QCOMPARE(runWrit({"fmt", "--check", loose}).exitCode, 0);
        QVERIFY(readAll(loose).startsWith("writ: 1\nname: p\n"));
        QVERIFY(readAll(loose).contains("          public.t1: { ops: [select] }\n"));
    }

    void fmtRefusesToDropCommentsUnlessTold()
    {
        QTemporaryDir dir;
        const QString file = dir.filePath("c.yaml");
        const QByteArray original = "# keep me\nname: p\nwrit: 1\ndatabase: d\nagents: {}\n";
        writeAll(file, original);
        CliResult r = runWrit({"fmt", file});
        QCOMPARE(r.exitCode, 1);
        QVERIFY(r.err.contains("--drop-comments"));
        QCOMPARE(readAll(file).toUtf8(), original); // untouched
        QCOMPARE(runWrit({"fmt", "--drop-comments", file}).exitCode, 0);
        QVERIFY(!readAll(file).contains("#"));
    }

    void fmtRefusesInvalidFiles()
    {
        QTemporaryDir dir;
        const QString file = dir.filePath("bad.yaml");
        const QByteArray original = "writ: 1\nname: p\ndatabase: d\nagents: { a: { identity: 5 } }\n";
        writeAll(file, original);
        const CliResult r = runWrit({"fmt", file});
        QCOMPARE(r.exitCode, 1);
        QVERIFY(r.err.contains("fix the errors first"));
        QCOMPARE(readAll(file).toUtf8(), original);
    }

    void badInputGivesOneClearMessage_data()
    {
        QTest::addColumn<QByteArray>("content");
        QTest::addColumn<QString>("expected");
        QTest::newRow("malformed yaml") << QByteArray("writ: 1\nagents: [\n") << "YAML syntax error";
        QTest::newRow("invalid utf-8") << QByteArray("writ: 1\nname: \xc3\x28\n") << "not valid UTF-8";
        QTest::newRow("huge file") << QByteArray(9 * 1024 * 1024, '#') << "the limit is";
        QTest::newRow("binary garbage") << QByteArray("\x7f" "ELF\x02\x01\x01\0\0\0", 10) << "error";
        QTest::newRow("deep nesting") << QByteArray(50000, '{') << "YAML syntax error";
    }

    void badInputGivesOneClearMessage()
    {
        QFETCH(QByteArray, content);
        QFETCH(QString, expected);
        QTemporaryDir dir;
        const QString file = dir.filePath("x.yaml");
        writeAll(file, content);
        const CliResult r = runWrit({"check", file});
        QCOMPARE(r.exitCode, 1); // not a crash (-2), not a hang (-1)
        QVERIFY2(r.err.contains(expected), qPrintable(r.err.left(2000)));
        QVERIFY2(r.err.size() < 20000, "one clear message, not a flood");
    }

    void missingPolicyFile()
    {
        const CliResult r = runWrit({"check", "/nonexistent/policy.yaml"});
        QCOMPARE(r.exitCode, 1);
        QVERIFY(r.err.contains("cannot read /nonexistent/policy.yaml: No such file or directory"));
    }

    void databaseProblemsAreNamed_data()
    {
        QTest::addColumn<QString>("dsn");
        QTest::addColumn<QString>("expected");
        QTest::newRow("unreachable server") << demoDsnWith([](QUrl &u) { u.setPort(1); }) << "could not connect";
        QTest::newRow("wrong password") << demoDsnWith([](QUrl &u) { u.setPassword("not-the-password"); }) << "authentication";
        QTest::newRow("unknown user") << demoDsnWith([](QUrl &u) { u.setUserName("nobody_here"); }) << "authentication";
        QTest::newRow("missing database") << demoDsnWith([](QUrl &u) { u.setPath("/no_such_db"); }) << "no_such_db";
        QTest::newRow("not a connection string") << QStringLiteral("postgresql://[broken") << "connection";
    }

    void databaseProblemsAreNamed()
    {
        QFETCH(QString, dsn);
        QFETCH(QString, expected);
        for (const QStringList &args : {QStringList{"check", kDemoPolicy, "--db", dsn}, QStringList{"catalog", "--db", dsn}}) {
            const CliResult r = runWrit(args);
            QCOMPARE(r.exitCode, 3);
            QVERIFY2(r.err.contains(expected, Qt::CaseInsensitive), qPrintable(r.err));
            QVERIFY2(!r.err.contains("not-the-password"), "never echo a password");
            QCOMPARE(r.err.count('\n'), 1);
        }
    }

    void permissionDeniedOnCatalogsIsNamed()
    {
        // A database where an unprivileged login cannot read pg_policy.
        const QString admin = requiredDsn("WRIT_TEST_ADMIN_DSN");
        auto psql = [](const QString &dsn, const QString &sql) {
            QProcess p;
            p.start("psql", {"-X", "-q", "-v", "ON_ERROR_STOP=1", dsn, "-c", sql});
            p.waitForFinished(30000);
            return p.exitCode() == 0 ? QString() : QString::fromUtf8(p.readAllStandardError());
        };
        psql(admin, "DROP DATABASE IF EXISTS writ_noperm");
        QCOMPARE(psql(admin, "CREATE DATABASE writ_noperm"), QString());
        psql(admin, "DROP ROLE IF EXISTS writ_nobody");
        QCOMPARE(psql(admin, "CREATE ROLE writ_nobody LOGIN PASSWORD 'nobody-pw'"), QString());
        QUrl url(admin);
        url.setPath("/writ_noperm");
        QCOMPARE(psql(url.toString(), "REVOKE SELECT ON pg_catalog.pg_policy FROM PUBLIC"), QString());
        url.setUserName("writ_nobody");
        url.setPassword("nobody-pw");
        const CliResult r = runWrit({"catalog", "--db", url.toString()});
        psql(admin, "DROP DATABASE IF EXISTS writ_noperm");
        psql(admin, "DROP ROLE IF EXISTS writ_nobody");
        QCOMPARE(r.exitCode, 3);
        QVERIFY2(r.err.contains("permission denied", Qt::CaseInsensitive), qPrintable(r.err));
    }
};

QTEST_GUILESS_MAIN(TestCliCheck)
#include "tst_cli_check.moc"
