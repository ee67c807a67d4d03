// SPDX-License-Identifier: Apache-2.0
// `writ plan` and `writ apply` against real databases (private copies of the demo and Pagila databases):
// exit codes and JSON output, an empty plan right after every apply, the deployment row, drift made by
// hand (shown as drift naming what changed, undone by the next apply), objects that are not Writ's left
// alone, and failed applies that leave the database exactly as it was.
//
// Needs the sandbox: scripts/pg-sandbox start && load-demo && load-pagila, eval "$(scripts/pg-sandbox env)".
#include "floor_db.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QFile>
#include <QJsonArray>
#include <QTemporaryDir>
#include <QtTest>

using namespace floortest;

namespace {

constexpr const char *kDemoCopy = "writ_tst_floor_plan_demo";
constexpr const char *kDriftCopy = "writ_tst_floor_plan_drift";
constexpr const char *kPagilaCopy = "writ_tst_floor_plan_pagila";
constexpr const char *kFailCopy = "writ_tst_floor_plan_fail";
constexpr const char *kEdgeDb = "writ_tst_floor_plan_edge";

/// The objects of tests/data/compile/edge.catalog.json, on a real server, granted to the demo's roles.
const char *kEdgeSchema
    = "CREATE SCHEMA \"Sales\";"
      "CREATE TABLE \"Sales\".\"Orders\" (\"OrderId\" integer PRIMARY KEY, \"CustomerId\" integer NOT NULL, \"Total\" "
      "numeric(10,2), \"Note\" text);"
      "CREATE TABLE public.\"bücher\" (id integer PRIMARY KEY, titel text, \"prénom\" text, \"straße\" text);"
      "CREATE TABLE public.\"order\" (\"user\" text, \"select\" integer, tenant_id integer NOT NULL);"
      "CREATE TABLE public.events (id bigint NOT NULL, tenant_id integer NOT NULL, at timestamptz NOT NULL, payload text) "
      "PARTITION BY RANGE (at);"
      "CREATE TABLE public.events_2024 PARTITION OF public.events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');"
      "CREATE TABLE public.events_2025 PARTITION OF public.events FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');"
      "CREATE VIEW public.active_orders AS SELECT \"OrderId\" AS id, \"CustomerId\" FROM \"Sales\".\"Orders\";"
      "GRANT USAGE ON SCHEMA \"Sales\" TO helpdesk_app;"
      "GRANT SELECT, INSERT ON \"Sales\".\"Orders\" TO helpdesk_app;"
      "GRANT SELECT ON public.\"bücher\" TO PUBLIC;"
      "GRANT SELECT ON public.\"order\", public.events, public.active_orders TO reporting;"
      "INSERT INTO \"Sales\".\"Orders\" VALUES (1, 42, 10, 'first order note'), (2, 42, 20, 'second one'), (3, 43, 30, 'other "
      "customer');"
      "INSERT INTO public.\"bücher\" VALUES (1, 'Faust', 'Johann', 'Weg'), (2, 'Effi Briest', 'Theodor', 'Straße');"
      "INSERT INTO public.\"order\" VALUES ('alice', 1, 7), ('bob', 2, 8);"
      "INSERT INTO public.events VALUES (1, 7, '2024-05-01', 'a'), (2, 7, '2025-05-01', 'b'), (3, 8, '2024-06-01', 'c');";

/// Extra agents appended to the demo policy (its `agents:` map is the last key of the file).
const char *kFailingFilterAgent
    = "  failing-filter:\n"
      "    description: \"Its row filter parses and names known columns, but compares text with an integer.\"\n"
      "    owner: team-test@example.com\n"
      "    identity:\n"
      "      - { spiffe: \"spiffe://example.com/agents/failing-filter\" }\n"
      "    tasks:\n"
      "      read:\n"
      "        access:\n"
      "          public.accounts:\n"
      "            ops: [select]\n"
      "            columns: [id, status]\n"
      "            rows: \"status = 42\"\n"
      "            reason: \"PostgreSQL refuses the policy expression only when apply creates it.\"\n";

const char *kFailingViewAgent
    = "  failing-viewer:\n"
      "    description: \"Reads customers with the email masked; a table made by hand sits where its view goes.\"\n"
      "    owner: team-test@example.com\n"
      "    identity:\n"
      "      - { spiffe: \"spiffe://example.com/agents/failing-viewer\" }\n"
      "    tasks:\n"
      "      read:\n"
      "        access:\n"
      "          public.customers:\n"
      "            ops: [select]\n"
      "            columns: [id, name, email]\n"
      "            mask: { email: redact }\n"
      "            reason: \"Names, emails redacted.\"\n"
      "          public.accounts: { ops: [select], columns: [id, plan], reason: \"Plans.\" }\n";

QByteArray readFile(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        qFatal("cannot read %s", qPrintable(path));
    return f.readAll();
}

bool parseJson(const QString &text, QJsonObject &out)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(text.toUtf8(), &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject())
        return false;
    out = doc.object();
    return true;
}

} // namespace

class TestFloorPlan : public QObject
{
    Q_OBJECT

private:
    QString m_admin;
    QTemporaryDir m_tmp;

    /// The demo policy with one more agent, written to a temporary file.
    QString demoPolicyWith(const char *agentYaml, const QString &fileName)
    {
        QByteArray text = readFile(demoPolicy());
        if (!text.endsWith('\n'))
            text += '\n';
        text += agentYaml;
        const QString path = m_tmp.filePath(fileName);
        QFile f(path);
        if (!f.open(QIODevice::WriteOnly) || f.write(text) != text.size())
            qFatal("cannot write %s", qPrintable(path));
        return path;
    }

    /// What `writ catalog` sees, made comparable across time: reltuples left out (autovacuum changes them),
    /// roles limited to `roles` (other tests create and drop roles in the cluster meanwhile), plus counts of
    /// every schema, relation, policy and function in the database.
    QJsonObject snapshot(const QString &dsn, const QStringList &roles)
    {
        const CliResult r = runWrit({"catalog", "--db", dsn, "-q"});
        if (r.exitCode != 0)
            qWarning("writ catalog: %s", cliText(r).constData());
        QJsonObject cat;
        if (!parseJson(r.out, cat))
            return {};
        QJsonArray relations;
        for (const auto &v : cat.value("relations").toArray()) {
            QJsonObject rel = v.toObject();
            rel.remove("reltuples");
            relations.append(rel);
        }
        cat["relations"] = relations;
        QJsonArray kept;
        for (const auto &v : cat.value("roles").toArray())
            if (roles.contains(v.toObject().value("name").toString()))
                kept.append(v);
        cat["roles"] = kept;
        Session s(dsn);
        cat["counts"] = s.scalar("SELECT (SELECT count(*) FROM pg_namespace) || '/' || (SELECT count(*) FROM pg_class) || '/' || "
                                 "(SELECT count(*) FROM pg_policy) || '/' || (SELECT count(*) FROM pg_proc) || '/' || "
                                 "(SELECT count(*) FROM pg_attribute) || '/' || (SELECT count(*) FROM pg_depend)");
        return cat;
    }

    /// The number of deployment rows, or "none" without the runtime schema.
    static QString deployments(Session &s)
    {
        if (s.scalar("SELECT to_regclass('writ.deployment') IS NULL") == "t")
            return "none";
        return s.scalar("SELECT count(*) FROM writ.deployment");
    }

private slots:
    void initTestCase()
    {
        m_admin = requiredDsn("WRIT_TEST_ADMIN_DSN");
        QVERIFY(m_tmp.isValid());
    }

    void demoPlanApplyPlan()
    {
        DatabaseCopy copy(m_admin, kDemoCopy);
        QString error;
        QVERIFY2(copy.create("supportdesk", &error), qPrintable(error));

        // Never deployed: changes, exit 2, in text and JSON.
        CliResult r = plan(demoPolicy(), copy.dsn());
        QVERIFY2(r.exitCode == 2, cliText(r));
        QVERIFY2(r.out.contains("(never deployed)") && r.out.contains("install or upgrade the writ runtime schema"), cliText(r));
        // (The task-type roles may exist already: roles are cluster-wide, other copies share them.)
        QVERIFY2(
            r.out.contains("grant SELECT(subject) on public.tickets to writ_support-summarizer/summarize-tickets"), cliText(r));
        QVERIFY2(r.out.contains("[high] enable row-level security on public.tickets"), cliText(r));
        QVERIFY2(r.out.contains("keep helpdesk_app's SELECT access"), cliText(r));
        QVERIFY2(r.out.contains("replace PUBLIC's SELECT on public.internal_notes"), cliText(r));
        QVERIFY2(r.err.contains("compile.pass-through") && r.err.contains("compile.public-grant"), cliText(r));
        r = plan(demoPolicy(), copy.dsn(), {"--format", "json", "--sql"});
        QCOMPARE(r.exitCode, 2);
        QJsonObject json;
        QVERIFY2(parseJson(r.out, json), cliText(r));
        QCOMPARE(json.value("runtime_change").toBool(), true);
        QCOMPARE(json.value("drift").toInt(), 0);
        const QJsonArray steps = json.value("steps").toArray();
        QVERIFY(steps.size() > 50);
        for (const auto &v : steps) {
            const QJsonObject step = v.toObject();
            QVERIFY(!step.value("why").toString().isEmpty());
            QVERIFY(!step.value("sql").toString().isEmpty());
            QVERIFY(QStringList({"low", "medium", "high"}).contains(step.value("risk").toString()));
            QCOMPARE(step.value("drift").toBool(), false);
        }
        QVERIFY(json.value("warnings").toArray().size() >= 2);
        // Planning changed nothing.
        Session su(copy.dsn());
        QCOMPARE(su.scalar("SELECT to_regnamespace('writ') IS NULL"), QString("t"));

        // Apply, then nothing left to do.
        r = apply(demoPolicy(), copy.dsn());
        QVERIFY2(r.exitCode == 0 && r.out.contains("Applied deployment v1"), cliText(r));
        r = plan(demoPolicy(), copy.dsn());
        QVERIFY2(r.exitCode == 0, cliText(r));
        QVERIFY2(r.out.contains("No changes") && r.out.contains("(deployment v1)"), cliText(r));
        r = plan(demoPolicy(), copy.dsn(), {"--format", "json"});
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(parseJson(r.out, json), cliText(r));
        QCOMPARE(json.value("runtime_change").toBool(), false);
        QCOMPARE(json.value("steps").toArray().size(), 0);
        QCOMPARE(json.value("drift").toInt(), 0);
        r = apply(demoPolicy(), copy.dsn());
        QVERIFY2(r.exitCode == 0 && r.out.contains("No changes: nothing to apply."), cliText(r));
        QCOMPARE(su.scalar("SELECT count(*) FROM writ.deployment"), QString("1"));

        // The deployment row.
        const SqlResult row
            = su.exec("SELECT version, policy_name, sha256, applied_by, extract(epoch FROM now() - applied_at) < 120, "
                      "sql_applied, state::text, policy FROM writ.deployment");
        QVERIFY2(row.ok && row.count() == 1, row.describe());
        QCOMPARE(row.value(0, 0), QString("1"));
        QCOMPARE(row.value(0, 1), QString("supportdesk"));
        const QString policyText = row.value(0, 7);
        QVERIFY(policyText.contains("support-summarizer"));
        QCOMPARE(row.value(0, 2), QString(QCryptographicHash::hash(policyText.toUtf8(), QCryptographicHash::Sha256).toHex()));
        QCOMPARE(row.value(0, 3), QString("postgres"));
        QCOMPARE(row.value(0, 4), QString("t"));
        const QString sql = row.value(0, 5);
        for (const char *expected : {"-- writ runtime schema",
                 "GRANT SELECT (\"subject\") ON TABLE \"public\".\"tickets\" TO \"writ_support-summarizer/summarize-tickets\"",
                 "ALTER TABLE \"public\".\"tickets\" ENABLE ROW LEVEL SECURITY",
                 "REVOKE SELECT ON TABLE \"public\".\"internal_notes\" FROM PUBLIC",
                 "CREATE VIEW \"writ_v_support-summarizer/summarize-tickets\".\"customers\" WITH (security_barrier)",
                 "(SELECT writ.ctx('customer_id'))::integer"})
            QVERIFY2(sql.contains(QLatin1String(expected)), expected);
        QJsonObject state;
        QVERIFY2(parseJson(row.value(0, 6), state), qPrintable(row.value(0, 6).left(200)));
        QCOMPARE(state.value("writ_deployment").toInt(), 1);
        QVERIFY(!state.value("runtime_sha256").toString().isEmpty());
        QCOMPARE(state.value("state").toObject().value("roles").toArray().size(), 3);
        QVERIFY(state.value("recorded").toObject().size() > 0);
        // The policy the deployment recorded loads and is what `writ task start` validates against.
        QVERIFY(policyText.contains("customer_id: int"));
    }

    void pagilaPlanApplyPlan()
    {
        DatabaseCopy copy(m_admin, kPagilaCopy);
        QString error;
        QVERIFY2(copy.create("pagila", &error), qPrintable(error));
        const QString policy = floorData("pagila.writ.yaml");

        CliResult r = plan(policy, copy.dsn());
        QVERIFY2(r.exitCode == 2, cliText(r));
        QVERIFY2(r.out.contains("enable row-level security on public.payment"), cliText(r));
        // Only this policy's roles: roles other databases' policies created in the cluster are not its to drop.
        QVERIFY2(!r.out.contains("drop role"), cliText(r));
        r = apply(policy, copy.dsn());
        QVERIFY2(r.exitCode == 0 && r.out.contains("Applied deployment v1"), cliText(r));
        r = plan(policy, copy.dsn());
        QVERIFY2(r.exitCode == 0 && r.out.contains("No changes"), cliText(r));
        r = plan(policy, copy.dsn(), {"--format", "json"});
        QCOMPARE(r.exitCode, 0);
        QJsonObject json;
        QVERIFY2(parseJson(r.out, json), cliText(r));
        QCOMPARE(json.value("steps").toArray().size(), 0);

        Session su(copy.dsn());
        QCOMPARE(su.scalar("SELECT relkind::text || relrowsecurity::text FROM pg_class WHERE oid = 'public.payment'::regclass"),
            QString("ptrue"));

        // The row filter on the partitioned table holds through the parent; partitions are not reachable.
        Session s;
        Task t = startTask(copy.dsn(), "rental-assistant", "customer-history", {"--ctx", "customer_id=5"});
        QVERIFY2(t.ok(), cliText(t.cli));
        QVERIFY2(s.open(t.uri), qPrintable(s.error()));
        const QString payments
            = "SELECT payment_id, customer_id, rental_id, amount, payment_date FROM %1 ORDER BY payment_date, payment_id";
        const SqlResult expected = su.exec(payments.arg("public.payment WHERE customer_id = 5"));
        QVERIFY(expected.count() > 0);
        SqlResult got = s.exec(payments.arg("public.payment"));
        QVERIFY2(got.ok, got.describe());
        QVERIFY(got.rows == expected.rows);
        QCOMPARE(s.scalar("SELECT count(*) FROM payment WHERE customer_id <> 5"), QString("0"));
        got = s.exec("SELECT count(*) FROM public.payment_p2022_02");
        QCOMPARE(got.sqlstate, QString("42501"));
        got = s.exec("SELECT staff_id FROM public.payment");
        QCOMPARE(got.sqlstate, QString("42501"));
        QCOMPARE(s.scalar("SELECT count(*) FROM rental"), su.scalar("SELECT count(*) FROM public.rental WHERE customer_id = 5"));
        // The hash mask: a stable pseudonym, never the address.
        got = s.exec("SELECT customer_id, first_name, email FROM customer");
        QVERIFY2(got.ok && got.count() == 1, got.describe());
        QCOMPARE(got.value(0, 2),
            su.scalar("SELECT 'h:' || left(encode(sha256(convert_to(email, 'UTF8')), 'hex'), 16) FROM public.customer "
                      "WHERE customer_id = 5"));
        QCOMPARE(s.exec("SELECT email FROM public.customer").sqlstate, QString("42501"));
        QCOMPARE(s.exec("SELECT title FROM public.film").sqlstate, QString("42501"));
        s.close();

        t = startTask(copy.dsn(), "catalog-bot", "browse-films", {});
        QVERIFY2(t.ok(), cliText(t.cli));
        QVERIFY2(s.open(t.uri), qPrintable(s.error()));
        QCOMPARE(s.scalar("SELECT count(*) FROM public.film f JOIN public.film_actor fa USING (film_id) JOIN public.actor a "
                          "USING (actor_id)"),
            su.scalar("SELECT count(*) FROM public.film f JOIN public.film_actor fa USING (film_id) JOIN public.actor a USING "
                      "(actor_id)"));
        QCOMPARE(s.exec("SELECT count(*) FROM public.payment").sqlstate, QString("42501"));
        QCOMPARE(s.exec("SELECT replacement_cost FROM public.film").sqlstate, QString("42501"));
    }

    void edgeNamesOnARealServer()
    {
        // The edge-case policy of the golden tests, applied for real: quoting, non-ASCII and shortened
        // names must be what the server accepts and prints back, or the plan after apply is not empty.
        DatabaseCopy db(m_admin, kEdgeDb);
        QString error;
        QVERIFY2(db.create("template0", &error), qPrintable(error));
        Session su(db.dsn());
        SqlResult x = su.exec(QString::fromUtf8(kEdgeSchema));
        QVERIFY2(x.ok, x.describe());
        const QString policy = QStringLiteral(WRIT_TEST_DATA_DIR "/compile/edge.writ.yaml");
        CliResult r = apply(policy, db.dsn());
        QVERIFY2(r.exitCode == 0 && r.out.contains("Applied deployment v1"), cliText(r));
        r = plan(policy, db.dsn());
        QVERIFY2(r.exitCode == 0 && r.out.contains("No changes"), cliText(r));

        // Mixed-case names, a mask on a mixed-case column, keywords as names, non-ASCII names.
        Task t = startTask(
            db.dsn(), "mixed-names", "read", {"--ctx", "customer_id=42", "--ctx", "tenant=7", "--ctx", "label=alice"});
        QVERIFY2(t.ok(), cliText(t.cli));
        Session s(t.uri);
        QVERIFY2(s.isOpen(), qPrintable(s.error()));
        SqlResult got = s.exec("SELECT \"OrderId\", \"CustomerId\", \"Total\", \"Note\" FROM \"Orders\" ORDER BY 1");
        QVERIFY2(got.ok, got.describe());
        QVERIFY(got.rows
            == su.exec(
                     "SELECT \"OrderId\", \"CustomerId\", \"Total\", writ.mask_partial(\"Note\", 1, 2) FROM \"Sales\".\"Orders\" "
                     "WHERE \"CustomerId\" = 42 ORDER BY 1")
                   .rows);
        QCOMPARE(got.value(0, 3), QString("f*************te"));
        QCOMPARE(s.exec("SELECT \"Note\" FROM \"Sales\".\"Orders\"").sqlstate, QString("42501"));
        QCOMPARE(s.scalar("SELECT count(*) FROM \"Sales\".\"Orders\""), QString("2"));
        got = s.exec("UPDATE \"Sales\".\"Orders\" SET \"Note\" = 'changed' WHERE \"OrderId\" IN (1, 3)");
        QVERIFY2(got.ok && got.affected == 1, got.describe());
        got = s.exec("SELECT id, titel, \"prénom\" FROM \"bücher\" ORDER BY id");
        QVERIFY2(got.ok && got.count() == 2, got.describe());
        QCOMPARE(got.value(0, 2), su.scalar("SELECT writ.mask_hash('Johann')"));
        QCOMPARE(s.exec("SELECT \"straße\" FROM public.\"bücher\"").sqlstate, QString("42501"));
        got = s.exec("SELECT \"user\", \"select\" FROM public.\"order\"");
        QVERIFY2(got.ok && got.count() == 1 && got.value() == "alice", got.describe());
        got = s.exec("INSERT INTO public.\"order\" (\"user\", \"select\", tenant_id) VALUES ('alice', 5, 7)");
        QVERIFY2(got.ok && got.affected == 1, got.describe());
        for (const QString &refused :
            {QString("INSERT INTO public.\"order\" (\"user\", \"select\", tenant_id) VALUES ('bob', 5, 7)"),
                QString("INSERT INTO public.\"order\" (\"user\", \"select\", tenant_id) VALUES ('alice', 0, 7)")})
            QCOMPARE(s.exec(refused).sqlstate, QString("42501"));
        s.close();

        // The partitioned table, through its parent only; a view without a filter.
        t = startTask(db.dsn(), "partitions", "scan", {"--ctx", "tenant=7"});
        QVERIFY2(t.ok(), cliText(t.cli));
        QVERIFY2(s.open(t.uri), qPrintable(s.error()));
        QCOMPARE(s.scalar("SELECT count(*) FROM public.events"), QString("2"));
        QCOMPARE(s.exec("SELECT count(*) FROM public.events_2024").sqlstate, QString("42501"));
        QCOMPARE(s.exec("SELECT payload FROM public.events").sqlstate, QString("42501"));
        got = s.exec("DELETE FROM public.events WHERE id = 3");
        QVERIFY2(got.ok && got.affected == 0, got.describe());
        got = s.exec("DELETE FROM public.events WHERE id = 2");
        QVERIFY2(got.ok && got.affected == 1, got.describe());
        QCOMPARE(s.scalar("SELECT count(*) FROM public.active_orders"), QString("3"));
        s.close();

        // Names past 63 bytes, shortened the same way by the compiler and by `writ task start`.
        t = startTask(db.dsn(), "an-agent-identifier-that-uses-all-48-characters",
            "and-a-task-identifier-that-uses-all-48-character", {"--ctx", "tenant=8"});
        QVERIFY2(t.ok(), cliText(t.cli));
        QVERIFY2(s.open(t.uri), qPrintable(s.error()));
        QCOMPARE(s.scalar("SELECT count(*) FROM public.events"), QString("1"));
        const QString appName = s.scalar("SELECT current_setting('application_name')");
        QVERIFY2(
            appName.startsWith("writ:an-agent-") && appName.endsWith("/" + t.id) && appName.size() <= 63, qPrintable(appName));
        QCOMPARE(s.scalar("SELECT string_agg(titel, ',' ORDER BY id) FROM \"bücher\""), QString("[redacted],[redacted]"));
        s.close();

        // The applications: PUBLIC's read on bücher replaced by explicit grants, pass-through elsewhere.
        Session app(withCredentials(db.dsn(), "helpdesk_app", "helpdesk"));
        QCOMPARE(app.scalar("SELECT count(*) FROM \"Sales\".\"Orders\""), QString("3"));
        QCOMPARE(app.scalar("SELECT count(*) FROM public.\"bücher\""), QString("2"));
        QVERIFY(su.exec("SET ROLE reporting").ok);
        QCOMPARE(su.scalar("SELECT count(*) FROM public.\"order\""), QString("3"));
        QCOMPARE(su.scalar("SELECT count(*) FROM public.events"), QString("2"));
        QCOMPARE(su.scalar("SELECT count(*) FROM public.\"bücher\""), QString("2"));
        QVERIFY(su.exec("RESET ROLE").ok);
        r = plan(policy, db.dsn());
        QVERIFY2(r.exitCode == 0, cliText(r));
    }

    void driftIsShownAndUndone_data()
    {
        QTest::addColumn<QString>("handSql");
        QTest::addColumn<QStringList>("expected"); ///< lines of the plan
        QTest::addColumn<QString>("fixedCheck"); ///< true once apply undid it

        const QString summarizer = "\"writ_drift-summarizer/summarize\"", reporter = "\"writ_drift-reporter/count\"";
        QTest::newRow("grant added")
            << "GRANT SELECT (phone) ON public.customers TO " + summarizer
            << QStringList {"drift: revoke SELECT(phone) on public.customers from writ_drift-summarizer/summarize"}
            << "NOT has_column_privilege('writ_drift-summarizer/summarize', 'public.customers', 'phone', 'SELECT')";
        QTest::newRow("table-wide grant added")
            << "GRANT SELECT ON public.tickets TO " + reporter
            << QStringList {"drift: revoke SELECT on public.tickets from writ_drift-reporter/count",
                   "grant SELECT(status) on public.tickets to writ_drift-reporter/count again"}
            << "NOT has_column_privilege('writ_drift-reporter/count', 'public.tickets', 'body', 'SELECT') AND "
               "has_column_privilege('writ_drift-reporter/count', 'public.tickets', 'status', 'SELECT')";
        QTest::newRow("grant revoked")
            << "REVOKE SELECT (status) ON public.tickets FROM " + reporter
            << QStringList {"drift: grant SELECT(status) on public.tickets to writ_drift-reporter/count"}
            << "has_column_privilege('writ_drift-reporter/count', 'public.tickets', 'status', 'SELECT')";
        QTest::newRow("policy altered")
            << "ALTER POLICY \"writ_drift-summarizer/summarize:select\" ON public.tickets USING (true)"
            << QStringList {"drift: replace policy writ_drift-summarizer/summarize:select on public.tickets: expression edited "
                            "by hand",
                   "drift: recreate policy writ_drift-summarizer/summarize:select on public.tickets"}
            << "(SELECT pg_get_expr(polqual, polrelid) LIKE '%writ.ctx%' FROM pg_policy WHERE polname = "
               "'writ_drift-summarizer/summarize:select' "
               "AND polrelid = 'public.tickets'::regclass)";
        QTest::newRow("policy dropped")
            << "DROP POLICY \"writ_drift-reporter/count:select\" ON public.tickets"
            << QStringList {"drift: create policy writ_drift-reporter/count:select on public.tickets (dropped by hand)"}
            << "EXISTS (SELECT FROM pg_policy WHERE polname = 'writ_drift-reporter/count:select')";
        QTest::newRow("pass-through dropped") << "DROP POLICY \"writ_keep:helpdesk_app:SELECT\" ON public.tickets"
                                              << QStringList {"drift: keep helpdesk_app's SELECT access: policy "
                                                              "writ_keep:helpdesk_app:SELECT on public.tickets (dropped by hand)"}
                                              << "EXISTS (SELECT FROM pg_policy WHERE polname = 'writ_keep:helpdesk_app:SELECT' "
                                                 "AND polrelid = 'public.tickets'::regclass)";
        QTest::newRow("policy added under a Writ name")
            << "CREATE POLICY \"writ_extra\" ON public.tickets FOR SELECT TO " + reporter + " USING (true)"
            << QStringList {"drift: remove policy writ_extra on public.tickets (created by hand)"}
            << "NOT EXISTS (SELECT FROM pg_policy WHERE polname = 'writ_extra')";
        QTest::newRow("masked view unmasked")
            << "CREATE OR REPLACE VIEW \"writ_v_drift-summarizer/summarize\".customers AS SELECT id, name, email FROM "
               "public.customers"
            << QStringList {"drift: replace masked view writ_v_drift-summarizer/summarize.customers: definition edited by hand"}
            << "pg_get_viewdef('\"writ_v_drift-summarizer/summarize\".customers'::regclass) LIKE '%mask_email%'";
        QTest::newRow("row-level security disabled")
            << "ALTER TABLE public.tickets DISABLE ROW LEVEL SECURITY"
            << QStringList {"drift: enable row-level security on public.tickets"}
            << "(SELECT relrowsecurity FROM pg_class WHERE oid = 'public.tickets'::regclass)";
        QTest::newRow("membership revoked") << "REVOKE writ_runtime FROM "
                + summarizer << QStringList {"drift: make writ_drift-summarizer/summarize a member of writ_runtime"}
                                            << "pg_has_role('writ_drift-summarizer/summarize', 'writ_runtime', 'MEMBER')";
        QTest::newRow("role dropped")
            << "DROP OWNED BY " + reporter + "; DROP ROLE " + reporter
            << QStringList {"drift: create role writ_drift-reporter/count for drift-reporter/count",
                   "drift: make writ_drift-reporter/count a member of writ_runtime",
                   "drift: grant SELECT(id) on public.tickets to writ_drift-reporter/count",
                   "drift: create policy writ_drift-reporter/count:select on public.tickets (dropped by hand)"}
            << "has_column_privilege('writ_drift-reporter/count', 'public.tickets', 'status', 'SELECT')";
    }

    void driftIsShownAndUndone()
    {
        QFETCH(QString, handSql);
        QFETCH(QStringList, expected);
        QFETCH(QString, fixedCheck);
        const QString policy = floorData("drift.writ.yaml");
        DatabaseCopy copy(m_admin, kDriftCopy);
        QString error;
        QVERIFY2(copy.create("supportdesk", &error), qPrintable(error));
        CliResult r = apply(policy, copy.dsn());
        QVERIFY2(r.exitCode == 0, cliText(r));
        Session su(copy.dsn());
        const QString helpdeskTickets = su.scalar("SELECT count(*) FROM public.tickets");

        SqlResult hand = su.exec(handSql);
        QVERIFY2(hand.ok, hand.describe());
        r = plan(policy, copy.dsn());
        QVERIFY2(r.exitCode == 2, cliText(r));
        for (const QString &line : expected)
            QVERIFY2(r.out.contains(line), qPrintable("missing \"" + line + "\" in:\n" + r.out));
        QVERIFY2(r.out.contains("undoing drift"), cliText(r));
        r = plan(policy, copy.dsn(), {"--format", "json"});
        QJsonObject json;
        QVERIFY2(parseJson(r.out, json), cliText(r));
        QVERIFY(json.value("drift").toInt() >= 1);

        r = apply(policy, copy.dsn());
        QVERIFY2(r.exitCode == 0 && r.out.contains("Applied deployment v2"), cliText(r));
        QCOMPARE(su.scalar("SELECT " + fixedCheck), QString("t"));
        r = plan(policy, copy.dsn());
        QVERIFY2(r.exitCode == 0, cliText(r));

        // The application was never locked out for good.
        Session app(withCredentials(copy.dsn(), "helpdesk_app", "helpdesk"));
        QCOMPARE(app.scalar("SELECT count(*) FROM public.tickets"), helpdeskTickets);
    }

    void objectsThatAreNotWritsAreLeftAlone()
    {
        const QString policy = floorData("drift.writ.yaml");
        DatabaseCopy copy(m_admin, kDriftCopy);
        QString error;
        QVERIFY2(copy.create("supportdesk", &error), qPrintable(error));
        CliResult r = apply(policy, copy.dsn());
        QVERIFY2(r.exitCode == 0, cliText(r));
        Session su(copy.dsn());
        // Someone adds their own policy where Writ enabled RLS, their own grants and objects.
        for (const QString &sql :
            {QString("CREATE POLICY app_closed_only ON public.tickets FOR SELECT TO reporting USING (status = 'closed')"),
                QString("CREATE TABLE public.audit_log (id int)"), QString("GRANT SELECT ON public.audit_log TO helpdesk_app"),
                QString("GRANT SELECT ON public.accounts TO helpdesk_app WITH GRANT OPTION")}) {
            const SqlResult x = su.exec(sql);
            QVERIFY2(x.ok, x.describe());
        }
        r = plan(policy, copy.dsn());
        QVERIFY2(r.exitCode == 0 && r.out.contains("No changes"), cliText(r));
        // The pass-through policies stay: helpdesk_app still sees every ticket.
        Session app(withCredentials(copy.dsn(), "helpdesk_app", "helpdesk"));
        QCOMPARE(app.scalar("SELECT count(*) FROM public.tickets"), su.scalar("SELECT count(*) FROM public.tickets"));

        // A new grantee on a table under Writ's RLS is kept working: a change to apply, not drift.
        const SqlResult x = su.exec("GRANT SELECT (id, name) ON public.customers TO reporting");
        QVERIFY2(x.ok, x.describe());
        r = plan(policy, copy.dsn());
        QVERIFY2(r.exitCode == 2
                && r.out.contains("keep reporting's SELECT access: policy writ_keep:reporting:SELECT on public.customers"),
            cliText(r));
        QVERIFY2(!r.out.contains("drift:") && !r.out.contains("undoing drift"), cliText(r));
        r = apply(policy, copy.dsn());
        QVERIFY2(r.exitCode == 0, cliText(r));
        Session bi(copy.dsn());
        QVERIFY(bi.exec("SET ROLE reporting").ok);
        QCOMPARE(bi.scalar("SELECT count(*) FROM public.customers"), su.scalar("SELECT count(*) FROM public.customers"));
        QVERIFY(plan(policy, copy.dsn()).exitCode == 0);
    }

    void failedApplyChangesNothing_data()
    {
        QTest::addColumn<QString>("agentYaml");
        QTest::addColumn<bool>("deployedFirst");
        QTest::addColumn<QString>("setupSql");
        QTest::addColumn<QString>("failingStep");
        QTest::addColumn<QStringList>("roles");
        const QStringList common {"writ_owner", "writ_runtime", "helpdesk_app", "reporting", "postgres"};
        QTest::newRow("never deployed, filter fails in PostgreSQL")
            << QString(kFailingFilterAgent) << false << QString()
            << "apply failed while create policy writ_failing-filter/read:select on public.accounts"
            << common + QStringList {"writ_failing-filter/read"};
        QTest::newRow("deployed, a table sits where a view goes")
            << QString(kFailingViewAgent) << true
            << "CREATE SCHEMA \"writ_v_failing-viewer/read\"; CREATE TABLE \"writ_v_failing-viewer/read\".customers (id int)"
            << "apply failed while create masked view writ_v_failing-viewer/read.customers"
            << common + QStringList {"writ_failing-viewer/read", "writ_support-summarizer/summarize-tickets"};
    }

    void failedApplyChangesNothing()
    {
        QFETCH(QString, agentYaml);
        QFETCH(bool, deployedFirst);
        QFETCH(QString, setupSql);
        QFETCH(QString, failingStep);
        QFETCH(QStringList, roles);
        DatabaseCopy copy(m_admin, kFailCopy);
        QString error;
        QVERIFY2(copy.create("supportdesk", &error), qPrintable(error));
        Session su(copy.dsn());
        if (deployedFirst) {
            const CliResult r = apply(demoPolicy(), copy.dsn());
            QVERIFY2(r.exitCode == 0, cliText(r));
        }
        if (!setupSql.isEmpty()) {
            const SqlResult x = su.exec(setupSql);
            QVERIFY2(x.ok, x.describe());
        }
        const QString policy
            = demoPolicyWith(agentYaml.toUtf8().constData(), QString(QTest::currentDataTag()).replace(' ', '_') + ".yaml");
        // The policy is valid and compiles: only PostgreSQL can refuse it.
        CliResult r = plan(policy, copy.dsn());
        QVERIFY2(r.exitCode == 2, cliText(r));

        const QJsonObject before = snapshot(copy.dsn(), roles);
        QVERIFY(!before.isEmpty());
        const QString deploymentsBefore = deployments(su);
        r = apply(policy, copy.dsn());
        QCOMPARE(r.exitCode, 3);
        QVERIFY2(r.err.contains(failingStep) && r.err.contains("nothing was changed"), cliText(r));
        QVERIFY2(!r.out.contains("Applied"), cliText(r));

        const QJsonObject after = snapshot(copy.dsn(), roles);
        if (before != after) {
            const QByteArray b = QJsonDocument(before).toJson(), a = QJsonDocument(after).toJson();
            qWarning("catalog before:\n%s\nafter:\n%s", b.left(4000).constData(), a.left(4000).constData());
        }
        QVERIFY2(before == after, "the failed apply changed the catalog");
        QCOMPARE(deployments(su), deploymentsBefore);
        QCOMPARE(su.scalar("SELECT count(*) FROM pg_roles WHERE rolname LIKE 'writ\\_failing-%'"), QString("0"));
        // And the plan still shows the same changes.
        r = plan(policy, copy.dsn());
        QVERIFY2(r.exitCode == 2, cliText(r));
    }
};

QTEST_GUILESS_MAIN(TestFloorPlan)
#include "tst_floor_plan.moc"
