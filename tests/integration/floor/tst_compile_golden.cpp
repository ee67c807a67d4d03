// SPDX-License-Identifier: Apache-2.0
// `writ compile POLICY --catalog FILE` (offline, no database) compared byte for byte with golden SQL in
// tests/data/compile/: the demo policy, the Pagila test policy, and edge cases (mixed-case, keyword and
// non-ASCII names, role names holding quotes or a line break, names past 63 bytes, a partitioned table,
// a view). The output is also lexed like PostgreSQL would read it: every statement must be one the
// compiler writes, so no name from the catalog can smuggle in a statement of its own.
//
// After an intended change of the compiler's output: WRIT_UPDATE_GOLDEN=1 ctest -R tst_compile_golden,
// then review the diff of tests/data/compile/*.sql.
#include "../cli/cli_runner.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QtTest>

namespace {

QString source(const QString &relative)
{
    return QStringLiteral(WRIT_SOURCE_DIR "/") + relative;
}

QByteArray readAll(const QString &path, bool *ok = nullptr)
{
    QFile f(path);
    const bool opened = f.open(QIODevice::ReadOnly);
    if (ok)
        *ok = opened;
    return opened ? f.readAll() : QByteArray();
}

/// The statements of a script as PostgreSQL's lexer splits them: ';' outside quotes, dollar quotes and
/// comments. Comments are dropped; each statement is returned trimmed.
QList<QByteArray> statements(const QByteArray &sql, QString *error)
{
    QList<QByteArray> out;
    QByteArray current;
    const int n = static_cast<int>(sql.size());
    for (int i = 0; i < n;) {
        const char c = sql[i];
        if (c == '-' && i + 1 < n && sql[i + 1] == '-') {
            while (i < n && sql[i] != '\n' && sql[i] != '\r')
                ++i;
            current += ' ';
            continue;
        }
        if (c == '/' && i + 1 < n && sql[i + 1] == '*') {
            const int end = static_cast<int>(sql.indexOf("*/", i + 2));
            if (end < 0) {
                *error = QStringLiteral("unterminated /* comment");
                return out;
            }
            i = end + 2;
            current += ' ';
            continue;
        }
        if (c == '\'' || c == '"') {
            int j = i + 1;
            for (;;) {
                if (j >= n) {
                    *error = QStringLiteral("unterminated %1 quote at byte %2").arg(QChar(c)).arg(i);
                    return out;
                }
                if (sql[j] == c) {
                    if (j + 1 < n && sql[j + 1] == c) {
                        j += 2;
                        continue;
                    }
                    break;
                }
                ++j;
            }
            current += sql.mid(i, j + 1 - i);
            i = j + 1;
            continue;
        }
        if (c == '$') {
            static const QRegularExpression tag(QStringLiteral("^\\$([A-Za-z_][A-Za-z_0-9]*)?\\$"));
            const auto m = tag.match(QString::fromLatin1(sql.mid(i, 64)));
            if (m.hasMatch()) {
                const QByteArray t = m.captured(0).toLatin1();
                const int end = static_cast<int>(sql.indexOf(t, i + t.size()));
                if (end < 0) {
                    *error = QStringLiteral("unterminated dollar quote %1").arg(QString::fromLatin1(t));
                    return out;
                }
                current += sql.mid(i, end + t.size() - i);
                i = end + static_cast<int>(t.size());
                continue;
            }
        }
        if (c == ';') {
            out << current.trimmed();
            current.clear();
            ++i;
            continue;
        }
        current += c;
        ++i;
    }
    if (!current.trimmed().isEmpty())
        out << current.trimmed();
    return out;
}

/// Every double-quoted identifier of a statement, unescaped.
QList<QByteArray> quotedIdentifiers(const QByteArray &statement)
{
    QList<QByteArray> out;
    const int n = static_cast<int>(statement.size());
    for (int i = 0; i < n; ++i) {
        const char c = statement[i];
        if (c == '\'') { // skip literals
            for (++i; i < n; ++i)
                if (statement[i] == '\'') {
                    if (i + 1 < n && statement[i + 1] == '\'')
                        ++i;
                    else
                        break;
                }
            continue;
        }
        if (c != '"')
            continue;
        QByteArray ident;
        for (++i; i < n; ++i) {
            if (statement[i] == '"') {
                if (i + 1 < n && statement[i + 1] == '"') {
                    ident += '"';
                    ++i;
                    continue;
                }
                break;
            }
            ident += statement[i];
        }
        out << ident;
    }
    return out;
}

} // namespace

class TestCompileGolden : public QObject
{
    Q_OBJECT

private slots:
    void golden_data()
    {
        QTest::addColumn<QString>("policy");
        QTest::addColumn<QString>("catalog");
        QTest::addColumn<QString>("golden");
        QTest::newRow("supportdesk") << source("resources/demo/supportdesk.writ.yaml")
                                     << source("tests/data/catalog/supportdesk.json")
                                     << source("tests/data/compile/supportdesk.sql");
        QTest::newRow("pagila") << source("tests/data/floor/pagila.writ.yaml") << source("tests/data/catalog/pagila.json")
                                << source("tests/data/compile/pagila.sql");
        QTest::newRow("edge cases") << source("tests/data/compile/edge.writ.yaml")
                                    << source("tests/data/compile/edge.catalog.json") << source("tests/data/compile/edge.sql");
    }

    void golden()
    {
        QFETCH(QString, policy);
        QFETCH(QString, catalog);
        QFETCH(QString, golden);
        const CliResult r = runWrit({"compile", policy, "--catalog", catalog});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const QByteArray actual = r.out.toUtf8();

        if (qEnvironmentVariableIntValue("WRIT_UPDATE_GOLDEN") == 1) {
            QFile f(golden);
            QVERIFY2(f.open(QIODevice::WriteOnly | QIODevice::Truncate) && f.write(actual) == actual.size(), qPrintable(golden));
            qInfo("updated %s", qPrintable(golden));
        }
        bool ok = false;
        const QByteArray expected = readAll(golden, &ok);
        QVERIFY2(ok, qPrintable("missing golden file " + golden + " (create it with WRIT_UPDATE_GOLDEN=1)"));
        if (actual != expected) {
            const QList<QByteArray> a = actual.split('\n'), e = expected.split('\n');
            int line = 0;
            while (line < a.size() && line < e.size() && a[line] == e[line])
                ++line;
            QFAIL(qPrintable(QStringLiteral("%1 differs from `writ compile` at line %2:\n  golden: %3\n  actual: %4\n"
                                            "(WRIT_UPDATE_GOLDEN=1 rewrites it; review the diff)")
                                 .arg(golden)
                                 .arg(line + 1)
                                 .arg(QString::fromUtf8(line < e.size() ? e[line] : "<end of file>"),
                                     QString::fromUtf8(line < a.size() ? a[line] : "<end of file>"))));
        }

        // Deterministic, and -o writes the same bytes.
        QCOMPARE(runWrit({"compile", policy, "--catalog", catalog}).out.toUtf8(), actual);
        QTemporaryDir dir;
        const QString file = dir.filePath("floor.sql");
        const CliResult written = runWrit({"compile", policy, "--catalog", catalog, "-o", file});
        QCOMPARE(written.exitCode, 0);
        QVERIFY(written.out.isEmpty());
        QCOMPARE(readAll(file), actual);
    }

    void scriptHoldsOnlyTheStatementsWritWrites_data() { golden_data(); }

    void scriptHoldsOnlyTheStatementsWritWrites()
    {
        QFETCH(QString, policy);
        QFETCH(QString, catalog);
        const CliResult r = runWrit({"compile", policy, "--catalog", catalog});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QString error;
        const QList<QByteArray> list = statements(r.out.toUtf8(), &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QVERIFY(list.size() > 10);
        QCOMPARE(list.first(), QByteArray("BEGIN"));
        QCOMPARE(list.last(), QByteArray("COMMIT"));
        static const QRegularExpression allowed(QStringLiteral(
            "^(BEGIN|COMMIT|CREATE (SCHEMA|TABLE|INDEX|ROLE|VIEW|POLICY|OR REPLACE FUNCTION|OR REPLACE TRIGGER)|COMMENT ON|GRANT|REVOKE|"
            "ALTER (TABLE|VIEW) \"[^;]*\" (ENABLE ROW LEVEL SECURITY|OWNER TO)|ALTER TABLE writ\\.(deployment|approval) ADD COLUMN IF NOT "
            "EXISTS|DO "
            "\\$)"));
        int policies = 0;
        for (const QByteArray &s : list) {
            const QString text = QString::fromUtf8(s);
            QVERIFY2(allowed.match(text).hasMatch(), qPrintable("unexpected statement: " + text.left(300)));
            if (text.startsWith("CREATE POLICY"))
                ++policies;
            // Names Writ creates fit PostgreSQL's 63 bytes (a longer one would be truncated by the server
            // and never match the plan again).
            if (text.startsWith("CREATE ROLE") || text.startsWith("CREATE SCHEMA") || text.startsWith("CREATE POLICY")
                || text.startsWith("CREATE VIEW"))
                for (const QByteArray &ident : quotedIdentifiers(s))
                    QVERIFY2(ident.size() <= 63, qPrintable("identifier longer than 63 bytes: " + QString::fromUtf8(ident)));
        }
        QVERIFY(policies > 0);
    }

    void edgeCasesAreQuoted()
    {
        const CliResult r = runWrit({"compile", source("tests/data/compile/edge.writ.yaml"), "--catalog",
            source("tests/data/compile/edge.catalog.json")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const QString sql = r.out;
        for (const char *expected : {// mixed case, kept exactly
                 "GRANT SELECT (\"CustomerId\") ON TABLE \"Sales\".\"Orders\" TO \"writ_mixed-names/read\";",
                 "USING (\"CustomerId\" = (SELECT writ.ctx('customer_id'))::integer)",
                 "writ.mask_partial(\"Note\"::text, 1, 2) AS \"Note\" FROM \"Sales\".\"Orders\"",
                 // keywords as names
                 "GRANT INSERT (\"user\") ON TABLE \"public\".\"order\"",
                 "WITH CHECK (\"user\" = (SELECT writ.ctx('label'))::text AND \"select\" > 0)",
                 // non-ASCII
                 "writ.mask_hash(\"prénom\"::text) AS \"prénom\" FROM \"public\".\"bücher\"",
                 "GRANT SELECT (\"titel\") ON TABLE \"public\".\"bücher\"",
                 // a role name with both quote characters
                 "CREATE POLICY \"writ_keep:O'Brien \"\"app\"\":SELECT\" ON \"Sales\".\"Orders\" AS PERMISSIVE FOR SELECT TO "
                 "\"O'Brien \"\"app\"\"\"",
                 "GRANT SELECT ON TABLE \"public\".\"bücher\" TO \"O'Brien \"\"app\"\"\";",
                 // the partitioned parent carries RLS and the policies
                 "ALTER TABLE \"public\".\"events\" ENABLE ROW LEVEL SECURITY;",
                 "CREATE POLICY \"writ_partitions/scan:delete\" ON \"public\".\"events\" AS PERMISSIVE FOR DELETE",
                 // a view without a filter: column grants only
                 "GRANT SELECT (\"CustomerId\") ON TABLE \"public\".\"active_orders\" TO \"writ_partitions/scan\";"})
            QVERIFY2(sql.contains(QString::fromUtf8(expected)), expected);
        // No RLS on the partitions themselves, nor on the view.
        QVERIFY(!sql.contains("\"events_2024\""));
        QVERIFY(!sql.contains("\"active_orders\" ENABLE ROW LEVEL SECURITY"));
        QVERIFY(!sql.contains("ON \"public\".\"active_orders\" AS PERMISSIVE"));
        // The role name with a line break stays inside its quotes, and comments stay on one line.
        for (const QString &line : sql.split('\n'))
            QVERIFY2(!line.startsWith("DROP TABLE \"Sales\".\"Orders\";"), qPrintable(line));
        QVERIFY(sql.contains("-- keep evil DROP TABLE \"Sales\".\"Orders\"; --'s SELECT access"));
        // Names past 63 bytes end in a hash of the whole name.
        QVERIFY(sql.contains(
            QRegularExpression("CREATE ROLE \"writ_an-agent-identifier-that-uses-all-48-characters/a_[0-9a-f]{8}\" NOLOGIN")));
        QVERIFY(sql.contains(
            QRegularExpression("CREATE SCHEMA \"writ_v_an-agent-identifier-that-uses-all-48-characters_[0-9a-f]{8}\";")));
        QVERIFY(
            sql.contains(QRegularExpression("CREATE POLICY \"writ_keep:Ünïcödé-reporting-role-with-a-rather-lon_[0-9a-f]{8}\"")));
    }

    void filterOnAViewIsRefused()
    {
        // PostgreSQL has row-level security only for tables: ENABLE ROW LEVEL SECURITY and CREATE POLICY
        // on a view fail at apply time, so the compiler must refuse the scope with a clear error.
        const CliResult r = runWrit({"compile", source("tests/data/compile/view-filter.writ.yaml"), "--catalog",
            source("tests/data/compile/edge.catalog.json")});
        QCOMPARE(r.exitCode, 1);
        QVERIFY(r.out.isEmpty());
        QVERIFY2(r.err.contains("view-filter.writ.yaml:20:") && r.err.contains("compile.filter-on-non-table")
                && r.err.contains("public.active_orders is a view"),
            qPrintable(r.err));
    }

    void privilegedWritRolesAreErrors_data()
    {
        QTest::addColumn<QString>("role");
        QTest::addColumn<QString>("comment");
        QTest::addColumn<bool>("superuser");
        QTest::addColumn<bool>("refused");
        QTest::newRow("this policy's task type, BYPASSRLS") << "writ_mixed-names/read"
                                                            << "" << false << true;
        QTest::newRow("the view owner, SUPERUSER") << "writ_owner"
                                                   << "writ:managed owner of masked views" << true << true;
        QTest::newRow("another policy's task type") << "writ_other/task"
                                                    << "writ:managed other/task" << false << true;
        QTest::newRow("a task role") << "writ_task_0123456789abcdef"
                                     << "writ:task 0123456789abcdef a/t" << false << true;
        QTest::newRow("only named like Writ's") << "writ_tst_admin"
                                                << "" << false << false;
    }

    void privilegedWritRolesAreErrors()
    {
        QFETCH(QString, role);
        QFETCH(QString, comment);
        QFETCH(bool, superuser);
        QFETCH(bool, refused);
        QJsonObject cat = QJsonDocument::fromJson(readAll(source("tests/data/compile/edge.catalog.json"))).object();
        QJsonArray roles = cat.value("roles").toArray();
        roles.append(QJsonObject {
            {"name", role}, {"login", false}, {"superuser", superuser}, {"bypassRls", !superuser}, {"comment", comment}});
        cat["roles"] = roles;
        QTemporaryDir dir;
        const QString file = dir.filePath("catalog.json");
        QFile f(file);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QJsonDocument(cat).toJson());
        f.close();
        const CliResult r = runWrit({"compile", source("tests/data/compile/edge.writ.yaml"), "--catalog", file});
        if (!refused) {
            QVERIFY2(r.exitCode == 0, qPrintable(r.err));
            QVERIFY(!r.err.contains("compile.privileged-writ-role"));
            return;
        }
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("compile.privileged-writ-role")
                && r.err.contains("role " + role + " is " + (superuser ? "SUPERUSER" : "BYPASSRLS")),
            qPrintable(r.err));
    }

    void compileNeedsACatalog()
    {
        const CliResult r = runWrit({"compile", source("resources/demo/supportdesk.writ.yaml")});
        QCOMPARE(r.exitCode, 64);
        QVERIFY2(r.err.contains("--catalog"), qPrintable(r.err));
        const CliResult missing
            = runWrit({"compile", source("resources/demo/supportdesk.writ.yaml"), "--catalog", "/nonexistent/catalog.json"});
        QCOMPARE(missing.exitCode, 3);
    }
};

QTEST_GUILESS_MAIN(TestCompileGolden)
#include "tst_compile_golden.moc"
