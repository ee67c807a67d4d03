// SPDX-License-Identifier: Apache-2.0
// Introspects the demo database and Pagila and compares them with golden snapshots in
// tests/data/catalog/. WRIT_UPDATE_GOLDEN=1 rewrites the goldens instead of comparing.
// Needs the sandbox: scripts/pg-sandbox start && load-demo && load-pagila, then
// eval "$(scripts/pg-sandbox env)".
#include "catalog/catalog.h"
#include "catalog/catalog_error.h"
#include "catalog/catalog_json.h"
#include "catalog/introspector.h"

#include <libpq-fe.h>

#include <QDir>
#include <QFile>
#include <QRegularExpression>
#include <QTest>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <map>
#include <set>

using namespace writ::catalog;

namespace {

QString q(const std::string &s)
{
    return QString::fromStdString(s);
}

QString missingDsnMessage(const char *var)
{
    return QString("%1 is not set. This test needs PostgreSQL: run scripts/pg-sandbox start, "
                   "scripts/pg-sandbox load-demo, scripts/pg-sandbox load-pagila, then eval \"$(scripts/pg-sandbox env)\" "
                   "(or run the db tests through scripts/test)")
        .arg(var);
}

// Fails the calling test slot (QFAIL returns from it) when the variable is missing.
#define REQUIRE_DSN(var, envName)                                                                                                \
    const std::string var = qEnvironmentVariable(envName).toStdString();                                                         \
    if (var.empty())                                                                                                             \
        QFAIL(qPrintable(missingDsnMessage(envName)));

// ---------------------------------------------------------------------------------------------
// Connection strings and a little libpq for setting up scratch roles and databases.

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
    for (PQconninfoOption *o = opts; o->keyword; ++o) {
        if (o->val && *o->val)
            values[o->keyword] = o->val;
    }
    PQconninfoFree(opts);
    for (const auto &[k, v] : overrides)
        values[k] = v;
    std::string out;
    for (const auto &[k, v] : values) {
        std::string escaped;
        for (char c : v) {
            if (c == '\\' || c == '\'')
                escaped += '\\';
            escaped += c;
        }
        out += (out.empty() ? "" : " ") + k + "='" + escaped + "'";
    }
    return out;
}

std::string conninfoValue(const std::string &dsn, const std::string &key)
{
    char *err = nullptr;
    PQconninfoOption *opts = PQconninfoParse(dsn.c_str(), &err);
    if (!opts) {
        if (err)
            PQfreemem(err);
        return {};
    }
    std::string value;
    for (PQconninfoOption *o = opts; o->keyword; ++o) {
        if (key == o->keyword && o->val)
            value = o->val;
    }
    PQconninfoFree(opts);
    return value;
}

/// Runs statements on a connection; returns the first error, empty on success.
std::string runSql(const std::string &conninfo, const std::vector<std::string> &statements)
{
    PGconn *conn = PQconnectdb(conninfo.c_str());
    std::string error;
    PQsetNoticeProcessor(
        conn, [](void *, const char *) {}, nullptr); // "does not exist, skipping"
    if (PQstatus(conn) != CONNECTION_OK) {
        error = PQerrorMessage(conn);
    } else {
        for (const std::string &sql : statements) {
            PGresult *res = PQexec(conn, sql.c_str());
            const ExecStatusType st = PQresultStatus(res);
            if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
                error = sql + ": " + PQresultErrorMessage(res);
            PQclear(res);
            if (!error.empty())
                break;
        }
    }
    PQfinish(conn);
    return error;
}

/// A TCP port on 127.0.0.1 that nothing listens on (bound, read, released).
int freePort()
{
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr {};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    socklen_t len = sizeof addr;
    int port = 0;
    if (::bind(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) == 0
        && ::getsockname(fd, reinterpret_cast<sockaddr *>(&addr), &len) == 0)
        port = ntohs(addr.sin_port);
    ::close(fd);
    return port;
}

/// Runs introspect() expecting a CatalogError; nullopt when it unexpectedly succeeded.
std::optional<CatalogError> introspectError(const std::string &conninfo)
{
    try {
        introspect(conninfo);
    } catch (const CatalogError &e) {
        return e;
    }
    return std::nullopt;
}

// ---------------------------------------------------------------------------------------------
// Golden snapshots.

/// Role names a dataset's SQL creates (CREATE ROLE / CREATE USER), in every .sql file of `dir`.
std::set<std::string> rolesCreatedIn(const QString &dir)
{
    std::set<std::string> roles;
    static const QRegularExpression re(
        QStringLiteral("\\bCREATE\\s+(?:ROLE|USER)\\s+(?:IF\\s+NOT\\s+EXISTS\\s+)?\"?([A-Za-z_][A-Za-z0-9_$]*)"),
        QRegularExpression::CaseInsensitiveOption);
    const QDir d(dir);
    for (const QString &name : d.entryList({"*.sql"}, QDir::Files)) {
        QFile f(d.filePath(name));
        if (!f.open(QIODevice::ReadOnly))
            continue;
        const QString text = QString::fromUtf8(f.readAll());
        for (auto it = re.globalMatch(text); it.hasNext();)
            roles.insert(it.next().captured(1).toLower().toStdString());
    }
    return roles;
}

bool isWritManaged(const std::string &name)
{
    return name == "writ" || name.rfind("writ_", 0) == 0;
}

/// Removes what legitimately differs between two correct introspections of the same dataset.
Catalog normalized(Catalog c, const std::string &dataset, const std::set<std::string> &datasetRoles)
{
    // The database name is whatever the DSN points at; the golden names the dataset.
    c.database = dataset;
    // Minor releases change these; the view and expression texts we compare are stable across 15.x.
    c.serverVersion.clear();
    c.serverVersionNum = 0;
    // Roles are cluster-wide: the sandbox's bootstrap superuser and roles other tests create in
    // the shared cluster are not the dataset's. Keep only the roles its SQL creates. (Owner and
    // grantor names stay: they are "postgres", which pg-sandbox creates and Pagila's dump requires.)
    std::erase_if(c.roles, [&](const Role &r) { return !datasetRoles.count(r.name); });
    // Writ's own objects (a `writ` schema, writ_* roles and grants) appear when someone applied a
    // policy to the shared database; they are not part of the dataset either.
    std::erase_if(c.schemas, [](const Schema &s) { return isWritManaged(s.name); });
    std::erase_if(c.relations, [](const Relation &r) { return isWritManaged(r.schema); });
    std::erase_if(c.functions, [](const Function &f) { return isWritManaged(f.schema); });
    std::erase_if(c.defaultAcls, [](const DefaultAcl &d) { return isWritManaged(d.role) || isWritManaged(d.schema); });
    const auto stripAcl
        = [](std::vector<AclItem> &acl) { std::erase_if(acl, [](const AclItem &a) { return isWritManaged(a.grantee); }); };
    for (Schema &s : c.schemas)
        stripAcl(s.acl);
    for (Function &f : c.functions)
        stripAcl(f.acl);
    for (Relation &r : c.relations) {
        // reltuples follows ANALYZE and autovacuum, which run when they like.
        r.reltuples = -1;
        stripAcl(r.acl);
        for (Column &col : r.columns)
            stripAcl(col.acl);
        std::erase_if(r.policies, [](const RlsPolicy &p) { return isWritManaged(p.name); });
    }
    c.reindex();
    return c;
}

QStringList linesOf(const std::string &text)
{
    return q(text).split('\n');
}

/// The first differing lines of two texts, with a little context and line numbers.
QString firstDifference(const std::string &expected, const std::string &actual)
{
    const QStringList e = linesOf(expected), a = linesOf(actual);
    qsizetype i = 0;
    while (i < e.size() && i < a.size() && e[i] == a[i])
        ++i;
    QString out = QString("first difference at line %1 (golden has %2 lines, live %3):\n").arg(i + 1).arg(e.size()).arg(a.size());
    const qsizetype from = std::max<qsizetype>(0, i - 3);
    for (qsizetype k = from; k < i; ++k)
        out += QString("   %1  %2\n").arg(k + 1, 5).arg(e[k]);
    for (qsizetype k = i; k < std::min(e.size(), i + 8); ++k)
        out += QString(" - %1  %2\n").arg(k + 1, 5).arg(e[k]);
    for (qsizetype k = i; k < std::min(a.size(), i + 8); ++k)
        out += QString(" + %1  %2\n").arg(k + 1, 5).arg(a[k]);
    return out;
}

/// Compares with the golden file, or rewrites it when WRIT_UPDATE_GOLDEN=1. Empty = match.
QString checkGolden(const Catalog &live, const QString &goldenPath)
{
    const std::string actual = toJson(live);
    if (qEnvironmentVariable("WRIT_UPDATE_GOLDEN") == "1") {
        saveCatalogFile(goldenPath.toStdString(), live);
        qInfo("rewrote %s", qPrintable(goldenPath));
        return {};
    }
    if (!QFile::exists(goldenPath))
        return goldenPath + " does not exist; create it with WRIT_UPDATE_GOLDEN=1";
    std::string expected;
    try {
        expected = toJson(loadCatalogFile(goldenPath.toStdString()));
    } catch (const CatalogError &e) {
        return QString("golden snapshot unreadable: ") + e.what();
    }
    if (expected == actual)
        return {};
    return "live catalog differs from " + goldenPath + "\n" + firstDifference(expected, actual)
        + "If the dataset changed on purpose, rerun with WRIT_UPDATE_GOLDEN=1 and review the diff.";
}

struct Introspected
{
    Catalog catalog;
    IntrospectStats stats;
    std::vector<std::string> steps;
};

Introspected introspectWithStats(const std::string &dsn)
{
    Introspected r;
    IntrospectOptions options;
    options.progress = [&](std::string_view step) { r.steps.emplace_back(step); };
    r.catalog = introspect(dsn, options, &r.stats);
    return r;
}

bool hasAcl(const std::vector<AclItem> &acl, const std::string &grantee, const std::string &privilege)
{
    return std::any_of(
        acl.begin(), acl.end(), [&](const AclItem &a) { return a.grantee == grantee && a.privilege == privilege; });
}

const Relation *findByName(const Catalog &c, const std::string &name)
{
    const auto it = std::find_if(c.relations.begin(), c.relations.end(), [&](const Relation &r) { return r.name == name; });
    return it == c.relations.end() ? nullptr : &*it;
}

/// Drops scratch objects at the end of a slot, whatever happened in it.
struct Cleanup
{
    std::string conninfo;
    std::vector<std::string> statements;
    ~Cleanup()
    {
        if (!conninfo.empty())
            runSql(conninfo, statements);
    }
};

/// A connection held open for the length of a slot (e.g. to keep a lock).
struct HeldConnection
{
    PGconn *conn = nullptr;
    explicit HeldConnection(const std::string &conninfo)
        : conn(PQconnectdb(conninfo.c_str()))
    { }
    ~HeldConnection() { PQfinish(conn); }
    bool ok() const { return PQstatus(conn) == CONNECTION_OK; }
    std::string exec(const std::string &sql)
    {
        PGresult *res = PQexec(conn, sql.c_str());
        std::string error = PQresultStatus(res) == PGRES_COMMAND_OK ? "" : PQresultErrorMessage(res);
        PQclear(res);
        return error;
    }
};

const AclItem *findAcl(const std::vector<AclItem> &acl, const std::string &grantee, const std::string &privilege)
{
    const auto it = std::find_if(
        acl.begin(), acl.end(), [&](const AclItem &a) { return a.grantee == grantee && a.privilege == privilege; });
    return it == acl.end() ? nullptr : &*it;
}

const char *const kFeaturesDb = "writ_tst_catalog_features";
const char *const kScratchDb = "writ_tst_catalog_perm";
const char *const kLockDb = "writ_tst_catalog_lock";
const char *const kScratchRole = "writ_tst_catalog_reader";
const char *const kScratchPassword = "reader-Pw-1";

} // namespace

class TestIntrospector : public QObject
{
    Q_OBJECT

private slots:
    void demoMatchesGolden()
    {
        REQUIRE_DSN(dsn, "WRIT_TEST_DEMO_DSN");
        const Introspected r = introspectWithStats(dsn);
        const Catalog &c = r.catalog;
        qInfo("demo: %zu relations, %zu roles, %d queries, connect %lld ms, queries %lld ms", c.relations.size(), c.roles.size(),
            r.stats.queries, static_cast<long long>(r.stats.connectTime.count()),
            static_cast<long long>(r.stats.queryTime.count()));
        QVERIFY(r.stats.queries <= 10);
        QCOMPARE(r.stats.queries, kIntrospectQueryCount);
        QVERIFY(c.serverVersionNum >= 150000);

        const Relation *customers = c.findRelation("public", "customers");
        QVERIFY2(customers, "public.customers missing");
        QVERIFY2(customers->findColumn("email"), "public.customers has no column email");
        QVERIFY(!customers->primaryKey.empty());

        const Relation *notes = findByName(c, "internal_notes");
        QVERIFY2(notes, "no relation named internal_notes");
        QVERIFY2(hasAcl(notes->acl, "", "SELECT"), "internal_notes has no PUBLIC SELECT ACL item");

        const Role *app = c.findRole("helpdesk_app");
        QVERIFY2(app, "role helpdesk_app missing");
        QVERIFY(app->login);
        QVERIFY(!app->validUntil);
        QVERIFY2(!c.findRole("pg_read_all_data"), "built-in pg_* roles must not be listed");

        const QString root = QString(WRIT_SOURCE_DIR) + "/resources/demo";
        const QString failure = checkGolden(
            normalized(c, "supportdesk", rolesCreatedIn(root)), QString(WRIT_TEST_DATA_DIR) + "/catalog/supportdesk.json");
        QVERIFY2(failure.isEmpty(), qPrintable(failure));
    }

    void pagilaMatchesGolden()
    {
        REQUIRE_DSN(dsn, "WRIT_TEST_PAGILA_DSN");
        const Introspected r = introspectWithStats(dsn);
        const Catalog &c = r.catalog;
        qInfo("pagila: %zu relations, %zu functions, %d queries, connect %lld ms, queries %lld ms", c.relations.size(),
            c.functions.size(), r.stats.queries, static_cast<long long>(r.stats.connectTime.count()),
            static_cast<long long>(r.stats.queryTime.count()));
        QCOMPARE(r.stats.queries, kIntrospectQueryCount);
        QCOMPARE(q(c.database), QString("pagila"));

        const Relation *payment = c.findRelation("public", "payment");
        QVERIFY(payment);
        QCOMPARE(payment->kind, RelationKind::PartitionedTable);
        const auto partitions = std::count_if(
            c.relations.begin(), c.relations.end(), [](const Relation &rel) { return rel.partitionOf == "public.payment"; });
        QVERIFY2(partitions >= 2, "expected partitions of public.payment with partitionOf set");
        const Relation *jan = c.findRelation("public", "payment_p2022_01");
        QVERIFY(jan);
        QCOMPARE(jan->kind, RelationKind::Table);
        QCOMPARE(q(jan->partitionOf), QString("public.payment"));

        const Relation *actorInfo = c.findRelation("public", "actor_info");
        QVERIFY(actorInfo);
        QCOMPARE(actorInfo->kind, RelationKind::View);
        QVERIFY(q(actorInfo->viewDefinition).contains("FROM"));
        QVERIFY(!actorInfo->columns.empty());
        const Relation *byCategory = c.findRelation("public", "rental_by_category");
        QVERIFY(byCategory);
        QCOMPARE(byCategory->kind, RelationKind::MaterializedView);
        QVERIFY(!byCategory->viewDefinition.empty());
        QVERIFY(c.findRelation("public", "actor_actor_id_seq"));
        QCOMPARE(c.findRelation("public", "actor_actor_id_seq")->kind, RelationKind::Sequence);

        const Relation *rental = c.findRelation("public", "rental");
        QVERIFY(rental);
        QCOMPARE(rental->primaryKey, std::vector<std::string> {"rental_id"});
        const auto fk = std::find_if(rental->foreignKeys.begin(), rental->foreignKeys.end(),
            [](const ForeignKey &f) { return f.refRelation == "customer"; });
        QVERIFY(fk != rental->foreignKeys.end());
        QCOMPARE(fk->columns, std::vector<std::string> {"customer_id"});
        QCOMPARE(fk->refColumns, std::vector<std::string> {"customer_id"});

        // A table never granted anything still shows its owner's privileges.
        QVERIFY(hasAcl(c.findRelation("public", "actor")->acl, "postgres", "SELECT"));

        const auto rewards
            = std::find_if(c.functions.begin(), c.functions.end(), [](const Function &f) { return f.name == "rewards_report"; });
        QVERIFY2(rewards != c.functions.end(), "SECURITY DEFINER function rewards_report missing");
        QVERIFY(rewards->securityDefiner);
        QCOMPARE(q(rewards->language), QString("plpgsql"));
        QVERIFY(hasAcl(rewards->acl, "", "EXECUTE")); // the default every function starts with
        QVERIFY2(std::all_of(c.functions.begin(), c.functions.end(), [](const Function &f) { return f.securityDefiner; }),
            "only SECURITY DEFINER functions are read by default");

        const QString failure = checkGolden(normalized(c, "pagila", {}), QString(WRIT_TEST_DATA_DIR) + "/catalog/pagila.json");
        QVERIFY2(failure.isEmpty(), qPrintable(failure));
    }

    // Neither dataset has RLS policies, column grants, barrier views, foreign tables or default
    // privileges; a scratch database has each, and every field is checked.
    void everyObjectKindIsReadFaithfully()
    {
        REQUIRE_DSN(admin, "WRIT_TEST_ADMIN_DSN");
        const std::string db = kFeaturesDb;
        const std::vector<std::string> drop = {"DROP DATABASE IF EXISTS " + db + " WITH (FORCE)",
            "DROP ROLE IF EXISTS writ_tst_cat_agent, writ_tst_cat_admin, writ_tst_cat_owner"};
        Cleanup cleanup {admin, drop};
        std::string err = runSql(admin, drop);
        QVERIFY2(err.empty(), err.c_str());
        err = runSql(admin,
            {
                "CREATE DATABASE " + db,
                "CREATE ROLE writ_tst_cat_owner NOLOGIN",
                "CREATE ROLE writ_tst_cat_agent LOGIN NOINHERIT CONNECTION LIMIT 3 VALID UNTIL '2031-02-03 04:05:06+00' "
                "IN ROLE writ_tst_cat_owner",
                "COMMENT ON ROLE writ_tst_cat_agent IS 'an agent'",
                "CREATE ROLE writ_tst_cat_admin NOLOGIN BYPASSRLS CREATEROLE CREATEDB",
            });
        QVERIFY2(err.empty(), err.c_str());
        err = runSql(overrideConninfo(admin, {{"dbname", db}}),
            {
                "CREATE SCHEMA app AUTHORIZATION writ_tst_cat_owner",
                "GRANT USAGE ON SCHEMA app TO writ_tst_cat_agent",
                "CREATE TABLE app.t (id int PRIMARY KEY, secret text, gone int, tenant int NOT NULL)",
                "ALTER TABLE app.t DROP COLUMN gone",
                "COMMENT ON TABLE app.t IS 'tenants'' rows'",
                "ALTER TABLE app.t ENABLE ROW LEVEL SECURITY",
                "ALTER TABLE app.t FORCE ROW LEVEL SECURITY",
                "CREATE POLICY p_sel ON app.t FOR SELECT TO writ_tst_cat_agent, writ_tst_cat_admin USING (tenant = 1)",
                "CREATE POLICY p_ins ON app.t AS RESTRICTIVE FOR INSERT WITH CHECK (tenant > 0)",
                "CREATE POLICY p_all ON app.t USING (true) WITH CHECK (tenant <> 2)",
                "CREATE POLICY p_upd ON app.t FOR UPDATE TO writ_tst_cat_agent USING (id > 0)",
                "CREATE POLICY p_del ON app.t FOR DELETE TO writ_tst_cat_agent USING (id < 0)",
                "GRANT SELECT (id, tenant), UPDATE (tenant) ON app.t TO writ_tst_cat_agent",
                "GRANT SELECT ON app.t TO writ_tst_cat_admin WITH GRANT OPTION",
                "CREATE VIEW app.v WITH (security_barrier) AS SELECT id FROM app.t",
                "CREATE VIEW app.vi WITH (security_invoker = on) AS SELECT id FROM app.t",
                "CREATE MATERIALIZED VIEW app.mv AS SELECT 1 AS x WITH NO DATA",
                "CREATE TABLE app.parted (id int, k int, PRIMARY KEY (id, k)) PARTITION BY RANGE (k)",
                "CREATE TABLE app.parted_1 PARTITION OF app.parted FOR VALUES FROM (0) TO (10)",
                "CREATE TABLE app.parted_2 PARTITION OF app.parted FOR VALUES FROM (10) TO (20)",
                // References a partitioned table: PostgreSQL clones this constraint per referenced partition.
                "CREATE TABLE app.ref (id int, k int, CONSTRAINT ref_fk FOREIGN KEY (id, k) REFERENCES app.parted (id, k))",
                "CREATE FOREIGN DATA WRAPPER writ_tst_dummy",
                "CREATE SERVER writ_tst_srv FOREIGN DATA WRAPPER writ_tst_dummy",
                "CREATE FOREIGN TABLE app.ft (a int) SERVER writ_tst_srv",
                "CREATE SEQUENCE app.s",
                "CREATE FUNCTION app.f(a int, b text DEFAULT 'x') RETURNS int LANGUAGE sql STABLE SECURITY DEFINER "
                "SET search_path = pg_catalog, pg_temp AS 'SELECT 1'",
                "REVOKE ALL ON FUNCTION app.f(int, text) FROM PUBLIC",
                "GRANT EXECUTE ON FUNCTION app.f(int, text) TO writ_tst_cat_agent",
                "CREATE FUNCTION app.g() RETURNS int LANGUAGE sql IMMUTABLE AS 'SELECT 1'",
                "ALTER DEFAULT PRIVILEGES FOR ROLE writ_tst_cat_owner IN SCHEMA app GRANT SELECT ON TABLES TO writ_tst_cat_agent",
                "ALTER DEFAULT PRIVILEGES FOR ROLE writ_tst_cat_owner REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC",
            });
        QVERIFY2(err.empty(), err.c_str());

        IntrospectStats stats;
        const Catalog c = introspect(overrideConninfo(admin, {{"dbname", db}}), {}, &stats);
        QCOMPARE(stats.queries, kIntrospectQueryCount);

        const Schema *app = c.findSchema("app");
        QVERIFY(app);
        QCOMPARE(q(app->owner), QString("writ_tst_cat_owner"));
        QVERIFY(findAcl(app->acl, "writ_tst_cat_agent", "USAGE"));
        QVERIFY(std::is_sorted(app->acl.begin(), app->acl.end()));

        const Relation *t = c.findRelation("app", "t");
        QVERIFY(t);
        QCOMPARE(q(t->comment), QString("tenants' rows"));
        QVERIFY(t->rlsEnabled);
        QVERIFY(t->rlsForced);
        QCOMPARE(t->columns.size(), std::size_t(3)); // the dropped column is not listed
        QCOMPARE(q(t->columns[2].name), QString("tenant"));
        QCOMPARE(t->columns[2].attnum, 4);
        QVERIFY(t->columns[2].notNull);
        QVERIFY(findAcl(t->findColumn("id")->acl, "writ_tst_cat_agent", "SELECT"));
        QVERIFY(findAcl(t->findColumn("tenant")->acl, "writ_tst_cat_agent", "UPDATE"));
        QVERIFY(!findAcl(t->findColumn("id")->acl, "writ_tst_cat_agent", "UPDATE"));
        QVERIFY(t->findColumn("secret")->acl.empty());
        const AclItem *adminSelect = findAcl(t->acl, "writ_tst_cat_admin", "SELECT");
        QVERIFY(adminSelect);
        QVERIFY(adminSelect->grantable);
        QVERIFY(!findAcl(t->acl, "writ_tst_cat_agent", "SELECT")); // column grants are not table grants

        QCOMPARE(t->policies.size(), std::size_t(5));
        const RlsPolicy &all = t->policies[0], &del = t->policies[1], &ins = t->policies[2], &sel = t->policies[3],
                        &upd = t->policies[4];
        QCOMPARE(q(all.name), QString("p_all"));
        QCOMPARE(q(all.command), QString("ALL"));
        QCOMPARE(all.roles, std::vector<std::string> {"public"});
        QCOMPARE(q(all.usingExpr), QString("true"));
        QCOMPARE(q(all.checkExpr), QString("(tenant <> 2)"));
        QCOMPARE(q(del.command), QString("DELETE"));
        QCOMPARE(q(ins.command), QString("INSERT"));
        QVERIFY(!ins.permissive);
        QVERIFY(ins.usingExpr.empty());
        QCOMPARE(q(ins.checkExpr), QString("(tenant > 0)"));
        QCOMPARE(q(sel.command), QString("SELECT"));
        QVERIFY(sel.permissive);
        QCOMPARE(sel.roles, (std::vector<std::string> {"writ_tst_cat_admin", "writ_tst_cat_agent"})); // sorted
        QCOMPARE(q(sel.usingExpr), QString("(tenant = 1)"));
        QCOMPARE(q(upd.command), QString("UPDATE"));
        QCOMPARE(upd.roles, std::vector<std::string> {"writ_tst_cat_agent"});

        const Relation *v = c.findRelation("app", "v");
        QVERIFY(v && v->kind == RelationKind::View && v->securityBarrier && !v->securityInvoker);
        const Relation *vi = c.findRelation("app", "vi");
        QVERIFY(vi && vi->securityInvoker && !vi->securityBarrier);
        QVERIFY(q(vi->viewDefinition).contains("FROM app.t"));
        QCOMPARE(c.findRelation("app", "mv")->kind, RelationKind::MaterializedView);
        QCOMPARE(c.findRelation("app", "ft")->kind, RelationKind::ForeignTable);
        QCOMPARE(c.findRelation("app", "s")->kind, RelationKind::Sequence);
        QVERIFY(findAcl(c.findRelation("app", "s")->acl, "postgres", "USAGE"));
        QCOMPARE(c.findRelation("app", "parted")->kind, RelationKind::PartitionedTable);
        QCOMPARE(c.findRelation("app", "parted")->primaryKey, (std::vector<std::string> {"id", "k"}));
        QCOMPARE(q(c.findRelation("app", "parted_2")->partitionOf), QString("app.parted"));
        QVERIFY(c.findRelation("app", "parted")->partitionOf.empty());
        const Relation *ref = c.findRelation("app", "ref");
        QVERIFY(ref);
        QCOMPARE(ref->foreignKeys.size(), std::size_t(1)); // not one per referenced partition
        QCOMPARE(q(ref->foreignKeys[0].name), QString("ref_fk"));
        QCOMPARE(q(ref->foreignKeys[0].refRelation), QString("parted"));
        QCOMPARE(ref->foreignKeys[0].refColumns, (std::vector<std::string> {"id", "k"}));

        QCOMPARE(c.functions.size(), std::size_t(1)); // app.g is not SECURITY DEFINER
        const Function &f = c.functions[0];
        QCOMPARE(q(f.signature()), QString("app.f(a integer, b text)"));
        QCOMPARE(q(f.returns), QString("integer"));
        QCOMPARE(q(f.language), QString("sql"));
        QCOMPARE(q(f.volatility), QString("stable"));
        QCOMPARE(f.config, std::vector<std::string> {"search_path=pg_catalog, pg_temp"});
        QVERIFY(!findAcl(f.acl, "", "EXECUTE"));
        QVERIFY(findAcl(f.acl, "writ_tst_cat_agent", "EXECUTE"));

        const Role *agent = c.findRole("writ_tst_cat_agent");
        QVERIFY(agent);
        QVERIFY(agent->login);
        QVERIFY(!agent->inherit);
        QCOMPARE(agent->connectionLimit, 3);
        QVERIFY(agent->validUntil);
        QCOMPARE(q(*agent->validUntil), QString("2031-02-03T04:05:06Z"));
        QCOMPARE(agent->memberOf, std::vector<std::string> {"writ_tst_cat_owner"});
        QCOMPARE(q(agent->comment), QString("an agent"));
        const Role *adminRole = c.findRole("writ_tst_cat_admin");
        QVERIFY(adminRole && adminRole->bypassRls && adminRole->createRole && adminRole->createDb && !adminRole->login
            && !adminRole->superuser);

        QCOMPARE(c.defaultAcls.size(), std::size_t(2));
        QCOMPARE(q(c.defaultAcls[0].schema), QString("")); // every schema sorts first
        QCOMPARE(q(c.defaultAcls[0].objectType), QString("function"));
        QVERIFY(!findAcl(c.defaultAcls[0].acl, "", "EXECUTE"));
        QCOMPARE(q(c.defaultAcls[1].schema), QString("app"));
        QCOMPARE(q(c.defaultAcls[1].objectType), QString("table"));
        QCOMPARE(q(c.defaultAcls[1].role), QString("writ_tst_cat_owner"));
        QVERIFY(findAcl(c.defaultAcls[1].acl, "writ_tst_cat_agent", "SELECT"));

        QVERIFY(catalogFromJson(toJson(c)) == c);
    }

    void introspectionIsDeterministicAndRoundTrips()
    {
        REQUIRE_DSN(dsn, "WRIT_TEST_PAGILA_DSN");
        const Catalog first = introspect(dsn);
        const Catalog second = introspect(dsn);
        // Other tests may create roles in the shared cluster between the two reads.
        QVERIFY(normalized(first, "pagila", {}) == normalized(second, "pagila", {}));
        QVERIFY(catalogFromJson(toJson(first)) == first);
    }

    void systemSchemasAndAllFunctionsOnRequest()
    {
        REQUIRE_DSN(dsn, "WRIT_TEST_PAGILA_DSN");
        IntrospectOptions options;
        options.includeSystemSchemas = true;
        options.includeAllFunctions = true;
        IntrospectStats stats;
        const Catalog c = introspect(dsn, options, &stats);
        QCOMPARE(stats.queries, kIntrospectQueryCount);
        QVERIFY(c.findSchema("pg_catalog"));
        QVERIFY(c.findRelation("pg_catalog", "pg_class"));
        QVERIFY(!c.findSchema("pg_toast"));
        QVERIFY(std::any_of(c.functions.begin(), c.functions.end(), [](const Function &f) { return f.name == "last_day"; }));
    }

    void progressReportsEachStep()
    {
        REQUIRE_DSN(dsn, "WRIT_TEST_PAGILA_DSN");
        const Introspected r = introspectWithStats(dsn);
        // "connecting ..." plus one step per query.
        QCOMPARE(static_cast<int>(r.steps.size()), kIntrospectQueryCount + 1);
        QVERIFY(q(r.steps.front()).startsWith("connecting to "));
    }

    void unreachableServerNamesHostAndPort()
    {
        const int port = freePort();
        QVERIFY(port > 0);
        const auto e = introspectError("postgresql://nobody:x@127.0.0.1:" + std::to_string(port) + "/db");
        QVERIFY2(e, "no CatalogError for a port nothing listens on");
        const QString message = e->what();
        QCOMPARE(e->kind(), CatalogError::Kind::Unreachable);
        QVERIFY2(message.contains(QString("127.0.0.1:%1").arg(port)), qPrintable(message));
        QVERIFY2(message.contains("is the server running"), qPrintable(message));
    }

    void wrongPasswordIsAnAuthenticationError()
    {
        REQUIRE_DSN(admin, "WRIT_TEST_ADMIN_DSN");
        const auto e = introspectError(overrideConninfo(admin, {{"password", "definitely-wrong"}}));
        QVERIFY2(e, "no CatalogError for a wrong password");
        const QString message = e->what();
        QCOMPARE(e->kind(), CatalogError::Kind::Authentication);
        QVERIFY2(message.contains("authentication failed"), qPrintable(message));
        QVERIFY2(message.contains(q(conninfoValue(admin, "user"))), qPrintable(message));
    }

    void missingDatabaseIsNamed()
    {
        REQUIRE_DSN(admin, "WRIT_TEST_ADMIN_DSN");
        const auto e = introspectError(overrideConninfo(admin, {{"dbname", "writ_no_such_database"}}));
        QVERIFY2(e, "no CatalogError for a missing database");
        const QString message = e->what();
        QCOMPARE(e->kind(), CatalogError::Kind::DatabaseMissing);
        QVERIFY2(message.contains("\"writ_no_such_database\" does not exist"), qPrintable(message));
    }

    void invalidConnectionStringIsACatalogError()
    {
        const auto e = introspectError("postgresql://host:notaport:/x?bogus_option=1");
        QVERIFY2(e, "no CatalogError for an invalid connection string");
        QVERIFY2(QString(e->what()).contains("connection string"), e->what());
    }

    void connectTimeoutIsAddedWhenAbsent()
    {
        qunsetenv("PGCONNECT_TIMEOUT");
        QCOMPARE(q(withConnectTimeout("postgresql://h/db")), QString("postgresql://h/db?connect_timeout=10"));
        QCOMPARE(q(withConnectTimeout("postgresql://h/db?sslmode=disable")),
            QString("postgresql://h/db?sslmode=disable&connect_timeout=10"));
        QCOMPARE(q(withConnectTimeout("host=h dbname=db")), QString("host=h dbname=db connect_timeout=10"));
        QCOMPARE(q(withConnectTimeout("postgresql://h/db?connect_timeout=3")), QString("postgresql://h/db?connect_timeout=3"));
        QCOMPARE(q(withConnectTimeout("host=h connect_timeout=3")), QString("host=h connect_timeout=3"));
    }

    void unprivilegedRoleGetsActionableMessages()
    {
        REQUIRE_DSN(admin, "WRIT_TEST_ADMIN_DSN");
        const std::string db = kScratchDb, role = kScratchRole;
        const std::vector<std::string> drop = {"DROP DATABASE IF EXISTS " + db + " WITH (FORCE)", "DROP ROLE IF EXISTS " + role};
        Cleanup cleanup {admin, drop};
        std::string err = runSql(admin, drop);
        QVERIFY2(err.empty(), err.c_str());
        err = runSql(admin, {"CREATE DATABASE " + db, "CREATE ROLE " + role + " LOGIN PASSWORD '" + kScratchPassword + "'"});
        QVERIFY2(err.empty(), err.c_str());
        // Reading pg_policy is what every role may normally do; take it away in the scratch database only.
        const std::string adminScratch = overrideConninfo(admin, {{"dbname", db}});
        err = runSql(adminScratch, {"REVOKE SELECT ON pg_catalog.pg_policy FROM PUBLIC"});
        QVERIFY2(err.empty(), err.c_str());

        const std::string asReader = overrideConninfo(admin, {{"dbname", db}, {"user", role}, {"password", kScratchPassword}});
        auto e = introspectError(asReader);
        QVERIFY2(e, "no CatalogError when pg_policy is unreadable");
        QCOMPARE(e->kind(), CatalogError::Kind::PermissionDenied);
        QVERIFY2(QString(e->what()).contains("permission denied"), e->what());
        QVERIFY2(QString(e->what()).contains("row-level security policies"), e->what());

        err = runSql(admin, {"REVOKE CONNECT ON DATABASE " + db + " FROM PUBLIC"});
        QVERIFY2(err.empty(), err.c_str());
        e = introspectError(asReader);
        QVERIFY2(e, "no CatalogError without CONNECT");
        QCOMPARE(e->kind(), CatalogError::Kind::PermissionDenied);
        QVERIFY2(QString(e->what()).contains("GRANT CONNECT ON DATABASE " + QString(kScratchDb)), e->what());
    }

    void lockedViewTimesOutWithAMessage()
    {
        REQUIRE_DSN(admin, "WRIT_TEST_ADMIN_DSN");
        const std::string db = kLockDb;
        const std::vector<std::string> drop = {"DROP DATABASE IF EXISTS " + db + " WITH (FORCE)"};
        Cleanup cleanup {admin, drop};
        std::string err = runSql(admin, drop);
        QVERIFY2(err.empty(), err.c_str());
        QVERIFY2((err = runSql(admin, {"CREATE DATABASE " + db})).empty(), err.c_str());
        const std::string scratch = overrideConninfo(admin, {{"dbname", db}});
        err = runSql(scratch, {"CREATE TABLE t (id int)", "CREATE VIEW v AS SELECT id FROM t"});
        QVERIFY2(err.empty(), err.c_str());

        // A migration in progress: pg_get_viewdef(v) needs a lock on t that it cannot get.
        HeldConnection migration(scratch);
        QVERIFY(migration.ok());
        QVERIFY2((err = migration.exec("BEGIN")).empty(), err.c_str());
        QVERIFY2((err = migration.exec("LOCK TABLE t IN ACCESS EXCLUSIVE MODE")).empty(), err.c_str());

        IntrospectOptions options;
        options.lockTimeout = std::chrono::milliseconds(300);
        try {
            introspect(scratch, options);
            QFAIL("introspection did not time out on a locked table");
        } catch (const CatalogError &e) {
            QCOMPARE(e.kind(), CatalogError::Kind::Query);
            QVERIFY2(QString(e.what()).contains("gave up waiting for a lock while reading relations"), e.what());
        }
        migration.exec("ROLLBACK");
    }
};

QTEST_GUILESS_MAIN(TestIntrospector)
#include "tst_introspector.moc"
