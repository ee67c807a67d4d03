// SPDX-License-Identifier: Apache-2.0
// Findings on real databases: the demo database must show exactly the risks it was built with
// (resources/demo/roles.sql lists them), Pagila what it holds; and `writ findings` prints valid
// JSON and SARIF with the documented exit codes. Needs the sandbox: scripts/pg-sandbox start,
// load-demo, load-pagila, then eval "$(scripts/pg-sandbox env)".
//
// Other tests apply policies to the shared demo database (RLS enabled, PUBLIC grants replaced), so
// the exact expectations run on a private copy built from the demo's schema.sql and roles.sql.
#include "../cli/cli_runner.h"

#include "catalog/catalog_error.h"
#include "catalog/introspector.h"
#include "findings/findings.h"
#include "findings/session_activity.h"
#include "policy/policy_loader.h"

#include <libpq-fe.h>

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>
#include <QtTest>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <map>

using namespace writ;
using namespace writ::findings;

namespace {

/// `dsn` with some keywords replaced, as a key='value' string.
std::string overrideConninfo(const std::string &dsn, const std::map<std::string, std::string> &overrides)
{
    char *err = nullptr;
    PQconninfoOption *opts = PQconninfoParse(dsn.c_str(), &err);
    if (!opts) {
        if (err)
            PQfreemem(err);
        return {};
    }
    std::map<std::string, std::string> values;
    for (PQconninfoOption *o = opts; o->keyword; ++o)
        if (o->val && *o->val)
            values[o->keyword] = o->val;
    PQconninfoFree(opts);
    for (const auto &[k, v] : overrides)
        values[k] = v;
    std::string out;
    for (const auto &[k, v] : values) {
        std::string escaped;
        for (const char c : v) {
            if (c == '\\' || c == '\'')
                escaped += '\\';
            escaped += c;
        }
        out += (out.empty() ? "" : " ") + k + "='" + escaped + "'";
    }
    return out;
}

/// A TCP port on 127.0.0.1 that nothing listens on (bound, read, released).
int freePort()
{
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr {};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    int port = 0;
    if (::bind(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) == 0
        && ::getsockname(fd, reinterpret_cast<sockaddr *>(&addr), &len) == 0)
        port = ntohs(addr.sin_port);
    ::close(fd);
    return port;
}

/// Runs SQL text (several statements allowed); returns the error, empty on success.
std::string runSql(const std::string &conninfo, const std::string &sql)
{
    PGconn *conn = PQconnectdb(conninfo.c_str());
    std::string error;
    PQsetNoticeProcessor(
        conn, [](void *, const char *) {}, nullptr);
    if (PQstatus(conn) != CONNECTION_OK) {
        error = PQerrorMessage(conn);
    } else {
        PGresult *res = PQexec(conn, sql.c_str());
        const ExecStatusType st = PQresultStatus(res);
        if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
            error = PQresultErrorMessage(res);
        PQclear(res);
    }
    PQfinish(conn);
    return error;
}

std::string readSource(const char *relative)
{
    QFile f(QString(WRIT_SOURCE_DIR) + "/" + relative);
    if (!f.open(QIODevice::ReadOnly))
        qFatal("cannot read %s", relative);
    return f.readAll().toStdString();
}

constexpr const char *kScratchDb = "writ_tst_findings_demo";

bool isWritManaged(const QString &object)
{
    return object.startsWith("writ.") || object.startsWith("role writ_") || object == "schema writ";
}

QString key(const Finding &f)
{
    return QString("%1 %2 %3").arg(toString(f.severity), QString::fromStdString(f.code), QString::fromStdString(f.object));
}

QString describe(const std::vector<Finding> &all)
{
    QStringList lines;
    for (const auto &f : all)
        lines << key(f);
    return lines.join('\n');
}

/// Roles are cluster-wide: other tests and the sandbox's bootstrap superuser share the cluster.
/// Keep the database's own objects and the roles a dataset creates.
std::vector<Finding> ownFindings(const std::vector<Finding> &all, const QSet<QString> &datasetRoles)
{
    std::vector<Finding> out;
    for (const auto &f : all) {
        const QString object = QString::fromStdString(f.object);
        if (object.startsWith("role ") && !datasetRoles.contains(object.mid(5)))
            continue;
        if (isWritManaged(object))
            continue;
        if (f.code == "session-activity-restricted")
            continue;
        out.push_back(f);
    }
    return out;
}

QSet<QString> keys(const std::vector<Finding> &all)
{
    QSet<QString> out;
    for (const auto &f : all)
        out.insert(key(f));
    return out;
}

const Finding *find(const std::vector<Finding> &all, const std::string &code, const std::string &object)
{
    for (const auto &f : all)
        if (f.code == code && f.object == object)
            return &f;
    return nullptr;
}

QString sorted(QSet<QString> s)
{
    QStringList l = s.values();
    l.sort();
    return l.join('\n');
}

} // namespace

class TestFindingsDb : public QObject
{
    Q_OBJECT

    std::string m_admin;
    std::string m_demo; ///< the private copy of the demo database
    std::string m_pagila;
    std::vector<PGconn *> m_sessions;

    /// Two applications logged in as helpdesk_app at once, as in production.
    void openSharedSessions()
    {
        for (const char *app : {"helpdesk-web", "mail-importer"}) {
            const std::string conninfo
                = overrideConninfo(m_demo, {{"user", "helpdesk_app"}, {"password", "helpdesk"}, {"application_name", app}});
            PGconn *conn = PQconnectdb(conninfo.c_str());
            if (PQstatus(conn) != CONNECTION_OK)
                QFAIL(qPrintable(QString("cannot log in as helpdesk_app: %1").arg(PQerrorMessage(conn))));
            m_sessions.push_back(conn);
        }
    }

private slots:
    void initTestCase()
    {
        requiredDsn("WRIT_TEST_DEMO_DSN"); // the demo's roles must exist in the cluster
        m_admin = requiredDsn("WRIT_TEST_ADMIN_DSN").toStdString();
        m_pagila = requiredDsn("WRIT_TEST_PAGILA_DSN").toStdString();
        const std::string drop = std::string("DROP DATABASE IF EXISTS ") + kScratchDb + " WITH (FORCE)";
        for (const std::string &sql : {drop, std::string("CREATE DATABASE ") + kScratchDb}) {
            const std::string error = runSql(m_admin, sql);
            if (!error.empty())
                QFAIL(error.c_str());
        }
        m_demo = overrideConninfo(m_admin, {{"dbname", kScratchDb}});
        for (const char *file : {"resources/demo/schema.sql", "resources/demo/roles.sql"}) {
            const std::string error = runSql(m_demo, readSource(file));
            if (!error.empty())
                QFAIL(qPrintable(QString("%1: %2").arg(file, error.c_str())));
        }
        openSharedSessions();
    }

    void cleanupTestCase()
    {
        for (PGconn *c : m_sessions)
            PQfinish(c);
        runSql(m_admin, std::string("DROP DATABASE IF EXISTS ") + kScratchDb + " WITH (FORCE)");
    }

    void demoShowsWhatItWasBuiltWith()
    {
        const catalog::Catalog cat = catalog::introspect(m_demo);
        const SessionActivity activity = readSessionActivity(m_demo);
        QVERIFY(activity.collected);
        QVERIFY(activity.seesAllSessions); // the sandbox DSN is the superuser
        const auto all = findFindings(cat, activity, nullptr);
        const auto own = ownFindings(all, {"helpdesk_app", "reporting"});
        const QSet<QString> expected {
            "high secdef-search-path public.customer_lookup(email text)",
            // internal_notes has no column whose name looks sensitive; with the policy it is high (below).
            "medium public-grant public.internal_notes",
            "medium login-no-expiry role helpdesk_app",
            "medium shared-principal role helpdesk_app",
            // Name-based: email, phone, address_line, birth_date; card_last4; the view's customer_email.
            "medium classified-column-exposed public.customers",
            "medium classified-column-exposed public.payments",
            "medium classified-column-exposed public.open_tickets",
        };
        QCOMPARE(sorted(keys(own)), sorted(expected));

        const Finding *shared = find(all, "shared-principal", "role helpdesk_app");
        QVERIFY(std::find(shared->details.begin(), shared->details.end(), "applications: helpdesk-web, mail-importer")
            != shared->details.end());
        const Finding *lookup = find(all, "secdef-search-path", "public.customer_lookup(email text)");
        QVERIFY(QString::fromStdString(lookup->title).contains("PUBLIC may execute it"));
        const Finding *view = find(all, "classified-column-exposed", "public.open_tickets");
        QVERIFY2(QString::fromStdString(view->title).contains("helpdesk_app, reporting"), view->title.c_str());
        // The sandbox's bootstrap superuser is a login too, and is reported as one.
        QVERIFY2(find(all, "superuser-login", "role postgres"), qPrintable(describe(all)));
        QVERIFY(!find(all, "login-no-expiry", "role postgres"));
    }

    void demoPolicyClassificationRaisesAndNarrows()
    {
        const policy::LoadResult loaded
            = policy::loadPolicyFile(std::string(WRIT_SOURCE_DIR) + "/resources/demo/supportdesk.writ.yaml");
        QVERIFY(loaded.ok());
        const catalog::Catalog cat = catalog::introspect(m_demo);
        const auto all = findFindings(cat, readSessionActivity(m_demo), &loaded.policy);
        const auto own = ownFindings(all, {"helpdesk_app", "reporting"});
        const QSet<QString> expected {
            "high public-grant public.internal_notes", // body is classified confidential
            "high secdef-search-path public.customer_lookup(email text)",
            "medium login-no-expiry role helpdesk_app",
            "medium shared-principal role helpdesk_app",
            "medium classified-column-exposed public.customers",
            "medium classified-column-exposed public.payments",
            "medium classified-column-exposed public.internal_notes",
            // customer_email is computed from customers.email, which the policy classifies.
            "medium classified-column-exposed public.open_tickets",
        };
        QCOMPARE(sorted(keys(own)), sorted(expected));
        const Finding *view = find(all, "classified-column-exposed", "public.open_tickets");
        QVERIFY(std::find(view->details.begin(), view->details.end(), "customer_email is computed from public.customers.email")
            != view->details.end());
    }

    void pagilaShowsItsFindings()
    {
        const catalog::Catalog cat = catalog::introspect(m_pagila);
        const auto all = findFindings(cat, readSessionActivity(m_pagila), nullptr);
        const auto own = ownFindings(all, {});
        // Pagila's dump recreates schema public with the pre-15 CREATE for PUBLIC, and ships one
        // SECURITY DEFINER function with no search_path. Everything else is owned and read by postgres.
        const QSet<QString> expected {
            "high public-schema-create schema public",
            "high secdef-search-path public.rewards_report(min_monthly_purchases integer, min_dollar_amount_purchased numeric)",
        };
        QCOMPARE(sorted(keys(own)), sorted(expected));
        const Finding *schema = find(all, "public-schema-create", "schema public");
        QVERIFY(std::any_of(schema->details.begin(), schema->details.end(),
            [](const std::string &d) { return d.find("1 SECURITY DEFINER function(s)") != std::string::npos; }));
    }

    void restrictedReaderIsToldSo()
    {
        const std::string asApp = overrideConninfo(m_demo, {{"user", "helpdesk_app"}, {"password", "helpdesk"}});
        const SessionActivity activity = readSessionActivity(asApp);
        QCOMPARE(QString::fromStdString(activity.observer), QString("helpdesk_app"));
        QVERIFY(!activity.seesAllSessions);
        // Its own role's sessions stay fully visible: both applications, the reader itself left out.
        const LoginActivity *own = activity.find("helpdesk_app");
        QVERIFY(own);
        QCOMPARE(own->applications, (std::vector<std::string> {"helpdesk-web", "mail-importer"}));
        const auto all = findFindings(catalog::introspect(asApp), activity, nullptr);
        const Finding *note = find(all, "session-activity-restricted", "pg_stat_activity");
        QVERIFY2(note, qPrintable(describe(all)));
        QCOMPARE(note->severity, findings::Severity::Info);
    }

    void unreachableServerIsACatalogError()
    {
        const std::string dsn = "postgresql://postgres@127.0.0.1:" + std::to_string(freePort()) + "/x";
        try {
            readSessionActivity(dsn);
            QFAIL("readSessionActivity succeeded against a closed port");
        } catch (const catalog::CatalogError &e) {
            QCOMPARE(e.kind(), catalog::CatalogError::Kind::Unreachable);
        }
    }

private:
    /// Checks the shape of a SARIF 2.1.0 log and returns "ruleId fullyQualifiedName" per result.
    QSet<QString> validateSarif(const QString &text)
    {
        QSet<QString> located;
        QJsonParseError err;
        const QJsonDocument doc = QJsonDocument::fromJson(text.toUtf8(), &err);
        [&] {
            QVERIFY2(err.error == QJsonParseError::NoError, qPrintable(err.errorString()));
            const QJsonObject root = doc.object();
            QCOMPARE(root["version"].toString(), QString("2.1.0"));
            QVERIFY(root["$schema"].toString().endsWith("sarif-schema-2.1.0.json"));
            const QJsonArray runs = root["runs"].toArray();
            QCOMPARE(runs.size(), 1);
            const QJsonObject driver = runs.at(0).toObject()["tool"].toObject()["driver"].toObject();
            QCOMPARE(driver["name"].toString(), QString("writ"));
            QSet<QString> ruleIds;
            for (const auto &rule : driver["rules"].toArray()) {
                const QJsonObject o = rule.toObject();
                QVERIFY(!o["id"].toString().isEmpty());
                QVERIFY(!o["shortDescription"].toObject()["text"].toString().isEmpty());
                QVERIFY(!o["help"].toObject()["text"].toString().isEmpty());
                ruleIds.insert(o["id"].toString());
            }
            QCOMPARE(ruleIds.size(), driver["rules"].toArray().size());
            for (const auto &value : runs.at(0).toObject()["results"].toArray()) {
                const QJsonObject result = value.toObject();
                QVERIFY(ruleIds.contains(result["ruleId"].toString()));
                QVERIFY(QStringList({"error", "warning", "note"}).contains(result["level"].toString()));
                QVERIFY(!result["message"].toObject()["text"].toString().isEmpty());
                const QJsonObject logical
                    = result["locations"].toArray().at(0).toObject()["logicalLocations"].toArray().at(0).toObject();
                QVERIFY(!logical["fullyQualifiedName"].toString().isEmpty());
                located.insert(result["ruleId"].toString() + " " + logical["fullyQualifiedName"].toString());
            }
        }();
        return located;
    }

private slots:
    void cliSarifIsValid()
    {
        const CliResult r = runWrit({"findings", "--db", QString::fromStdString(m_demo), "--format", "sarif"});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const QSet<QString> located = validateSarif(r.out);
        if (QTest::currentTestFailed())
            return;
        QVERIFY(located.contains("public-grant public.internal_notes"));
        QVERIFY(located.contains("secdef-search-path public.customer_lookup(email text)"));
        QVERIFY(located.contains("shared-principal role helpdesk_app"));
        QVERIFY(located.contains("login-no-expiry role helpdesk_app"));
    }

    void cliOnTheSharedDemoDatabase()
    {
        // Whatever other tests applied to it: the command runs and its log is valid.
        const CliResult r = runWrit({"findings", "--db", requiredDsn("WRIT_TEST_DEMO_DSN"), "--format", "sarif"});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const QSet<QString> located = validateSarif(r.out);
        if (QTest::currentTestFailed())
            return;
        QVERIFY(located.contains("login-no-expiry role helpdesk_app"));
    }

    void cliExitCodesAndFilters()
    {
        const QString demo = QString::fromStdString(m_demo);
        const QString policy = QString(WRIT_SOURCE_DIR) + "/resources/demo/supportdesk.writ.yaml";

        const CliResult text = runWrit({"findings", "--db", demo, "--policy", policy});
        QCOMPARE(text.exitCode, 0);
        QVERIFY2(text.out.contains("HIGH    ") && text.out.contains("public.customer_lookup(email text)"), qPrintable(text.out));
        QVERIFY(text.out.contains("fix: REVOKE SELECT ON TABLE \"public\".\"internal_notes\" FROM PUBLIC;"));

        const CliResult high = runWrit({"findings", "--db", demo, "--format", "json", "--min-severity", "high"});
        QCOMPARE(high.exitCode, 0);
        const QJsonArray found = QJsonDocument::fromJson(high.out.toUtf8()).object()["findings"].toArray();
        QVERIFY(!found.isEmpty());
        for (const auto &f : found)
            QCOMPARE(f.toObject()["severity"].toString(), QString("high"));

        QCOMPARE(runWrit({"findings", "--db", demo, "--fail-on", "high", "--format", "json"}).exitCode, 1);

        const QString closed = QString("postgresql://postgres@127.0.0.1:%1/x").arg(freePort());
        const CliResult down = runWrit({"findings", "--db", closed});
        QCOMPARE(down.exitCode, 3);
        QVERIFY(down.err.contains("writ findings:"));

        QCOMPARE(runWrit({"findings", "--db", demo, "--format", "yaml"}).exitCode, 64);
    }
};

QTEST_GUILESS_MAIN(TestFindingsDb)
#include "tst_findings_db.moc"
