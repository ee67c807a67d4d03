// SPDX-License-Identifier: Apache-2.0
#include "catalog/introspector.h"

#include "catalog/catalog_error.h"

#include <libpq-fe.h>
#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include <algorithm>
#include <cstdlib>
#include <memory>
#include <regex>
#include <tuple>
#include <unordered_map>

namespace writ::catalog {

namespace {

using Clock = std::chrono::steady_clock;
using json = nlohmann::json;

// The oldest server whose catalogs hold everything read here (declarative partitioning,
// relispartition, polpermissive).
constexpr int kMinServerVersion = 100000;

// ---------------------------------------------------------------------------------------------
// SQL. Every query aggregates per object, so the count is fixed whatever the database holds.
// ACLs are exploded server side (grantee 0 = PUBLIC becomes ''), NULL ACLs are replaced by
// acldefault() so the result always says who holds what, owner included.

std::string aclJson(const std::string &aclExpr)
{
    return "(SELECT coalesce(json_agg(json_build_array("
           "CASE WHEN a.grantee = 0 THEN '' ELSE pg_get_userbyid(a.grantee) END, "
           "pg_get_userbyid(a.grantor), a.privilege_type, a.is_grantable)), '[]'::json) "
           "FROM aclexplode("
        + aclExpr + ") a)";
}

// Schemas never read: TOAST storage and per-session temporary schemas.
std::string schemaFilter(const std::string &nspname, bool includeSystem)
{
    std::string f = nspname + " !~ '^pg_(toast$|temp_|toast_temp_)'";
    if (!includeSystem)
        f += " AND " + nspname + " NOT IN ('pg_catalog', 'information_schema')";
    return f;
}

const char *const kRelkinds = "('r', 'p', 'v', 'm', 'f', 'S')";

// Also sets this transaction's lock_timeout: pg_get_viewdef() takes AccessShareLock on what a view
// reads, so a long DDL transaction elsewhere would otherwise make introspection wait without end.
std::string serverSql(std::chrono::milliseconds lockTimeout)
{
    return "SELECT current_database(), current_setting('server_version'), "
           "current_setting('server_version_num')::int, set_config('lock_timeout', '"
        + std::to_string(lockTimeout.count()) + "ms', true)";
}

std::string schemasSql(bool sys)
{
    return "SELECT n.nspname, pg_get_userbyid(n.nspowner), " + aclJson("coalesce(n.nspacl, acldefault('n', n.nspowner))")
        + " FROM pg_namespace n WHERE " + schemaFilter("n.nspname", sys);
}

std::string relationsSql(bool sys)
{
    return "SELECT c.oid, n.nspname, c.relname, c.relkind, pg_get_userbyid(c.relowner), c.reltuples, "
           "c.relrowsecurity, c.relforcerowsecurity, "
           // The CASEs skip the sub-selects for the many relations that cannot need them.
           "c.reloptions IS NOT NULL AND coalesce((SELECT o.option_value::bool FROM pg_options_to_table(c.reloptions) o "
           "          WHERE o.option_name = 'security_barrier'), false), "
           "c.reloptions IS NOT NULL AND coalesce((SELECT o.option_value::bool FROM pg_options_to_table(c.reloptions) o "
           "          WHERE o.option_name = 'security_invoker'), false), "
           "CASE WHEN c.relispartition THEN (SELECT json_build_array(pn.nspname, pc.relname) FROM pg_inherits i "
           "   JOIN pg_class pc ON pc.oid = i.inhparent JOIN pg_namespace pn ON pn.oid = pc.relnamespace "
           "  WHERE i.inhrelid = c.oid) END, "
           "CASE WHEN c.relkind IN ('v', 'm') THEN pg_get_viewdef(c.oid, true) END, "
           "d.description, "
        + aclJson("coalesce(c.relacl, acldefault(CASE WHEN c.relkind = 'S' THEN 's' ELSE 'r' END::\"char\", "
                  "c.relowner))")
        + ", pk.columns "
          "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
          "LEFT JOIN pg_description d ON d.objoid = c.oid AND d.classoid = 'pg_class'::regclass "
          "     AND d.objsubid = 0 "
          // Primary keys in one grouped pass: a correlated sub-select per table costs 3x more.
          "LEFT JOIN (SELECT con.conrelid, json_agg(a.attname ORDER BY k.ord) AS columns FROM pg_constraint con "
          "     CROSS JOIN unnest(con.conkey) WITH ORDINALITY k(attnum, ord) "
          "     JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum "
          "    WHERE con.contype = 'p' GROUP BY con.conrelid) pk ON pk.conrelid = c.oid "
          "WHERE c.relkind IN "
        + std::string(kRelkinds) + " AND " + schemaFilter("n.nspname", sys);
}

std::string columnsSql(bool sys)
{
    return "SELECT a.attrelid, a.attname, format_type(a.atttypid, a.atttypmod), a.attnum, a.attnotnull, "
           "CASE WHEN a.attacl IS NOT NULL THEN "
        + aclJson("a.attacl")
        + " END "
          "FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid "
          "JOIN pg_namespace n ON n.oid = c.relnamespace "
          "WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN "
        + std::string(kRelkinds) + " AND " + schemaFilter("n.nspname", sys);
}

std::string foreignKeysSql(bool sys)
{
    // A foreign key that references a partitioned table is cloned once per referenced
    // partition on the same referencing table; only the parent constraint is the user's.
    return "SELECT con.conrelid, con.conname, rn.nspname, rc.relname, "
           "(SELECT json_agg(a.attname ORDER BY k.ord) FROM unnest(con.conkey) WITH ORDINALITY k(attnum, ord) "
           "   JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum), "
           "(SELECT json_agg(a.attname ORDER BY k.ord) FROM unnest(con.confkey) WITH ORDINALITY k(attnum, ord) "
           "   JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.attnum) "
           "FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid "
           "JOIN pg_namespace n ON n.oid = c.relnamespace "
           "JOIN pg_class rc ON rc.oid = con.confrelid JOIN pg_namespace rn ON rn.oid = rc.relnamespace "
           "WHERE con.contype = 'f' AND "
        + schemaFilter("n.nspname", sys)
        + " AND NOT EXISTS (SELECT 1 FROM pg_constraint pc WHERE pc.oid = con.conparentid "
          "                 AND pc.conrelid = con.conrelid)";
}

std::string policiesSql(bool sys)
{
    return "SELECT p.polrelid, p.polname, p.polcmd, p.polpermissive, "
           "(SELECT json_agg(CASE WHEN r = 0 THEN 'public' ELSE pg_get_userbyid(r) END) FROM unnest(p.polroles) r), "
           "pg_get_expr(p.polqual, p.polrelid), pg_get_expr(p.polwithcheck, p.polrelid) "
           "FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
           "WHERE "
        + schemaFilter("n.nspname", sys);
}

std::string rolesSql()
{
    // pg_roles, not pg_authid: readable by every role, and the password stays hidden.
    // Built-in pg_* roles are left out as objects but kept as memberships (pg_read_all_data matters).
    return "SELECT r.rolname, r.rolcanlogin, r.rolsuper, r.rolbypassrls, r.rolcreaterole, r.rolcreatedb, "
           "r.rolinherit, r.rolconnlimit, "
           "CASE WHEN isfinite(r.rolvaliduntil) "
           "     THEN to_char(r.rolvaliduntil AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') "
           "     WHEN r.rolvaliduntil = '-infinity' THEN '-infinity' END, "
           "(SELECT json_agg(DISTINCT g.rolname) FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid "
           "  WHERE m.member = r.oid), "
           "shobj_description(r.oid, 'pg_authid') "
           "FROM pg_roles r WHERE r.rolname !~ '^pg_'";
}

std::string defaultAclsSql()
{
    return "SELECT pg_get_userbyid(d.defaclrole), n.nspname, d.defaclobjtype, " + aclJson("d.defaclacl")
        + " FROM pg_default_acl d LEFT JOIN pg_namespace n ON n.oid = d.defaclnamespace";
}

std::string functionsSql(bool sys, bool all)
{
    return "SELECT n.nspname, p.proname, pg_get_function_identity_arguments(p.oid), "
           "coalesce(pg_get_function_result(p.oid), ''), l.lanname, pg_get_userbyid(p.proowner), p.prosecdef, "
           "p.provolatile, to_json(p.proconfig), "
        + aclJson("coalesce(p.proacl, acldefault('f', p.proowner))")
        + " FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
          "JOIN pg_language l ON l.oid = p.prolang WHERE "
        + schemaFilter("n.nspname", sys) + (all ? "" : " AND p.prosecdef");
}

// ---------------------------------------------------------------------------------------------
// Connection parameters, for messages that name what to fix.

struct Target
{
    std::string host; // as given (may be a list or a socket directory)
    std::string port;
    std::string user;
    std::string dbname;

    std::string where() const
    {
        const std::string p = port.empty() ? std::string("5432") : port;
        if (host.empty())
            return "the local socket (port " + p + ")";
        if (host.front() == '/')
            return "socket " + host + "/.s.PGSQL." + p;
        return host + ":" + p;
    }
};

struct ConninfoDeleter
{
    void operator()(PQconninfoOption *o) const { PQconninfoFree(o); }
};
using ConninfoPtr = std::unique_ptr<PQconninfoOption, ConninfoDeleter>;

ConninfoPtr parseConninfo(const std::string &conninfo)
{
    char *err = nullptr;
    ConninfoPtr opts(PQconninfoParse(conninfo.c_str(), &err));
    if (!opts) {
        std::string why = err ? err : "out of memory";
        if (err)
            PQfreemem(err);
        while (!why.empty() && (why.back() == '\n' || why.back() == ' '))
            why.pop_back();
        throw CatalogError("invalid connection string: " + why + "; use a libpq URI such as postgresql://user@host:5432/dbname",
            CatalogError::Kind::Other);
    }
    return opts;
}

std::string envOr(const char *name, const std::string &fallback)
{
    const char *v = std::getenv(name);
    return v && *v ? std::string(v) : fallback;
}

Target targetOf(const std::string &conninfo)
{
    Target t;
    const ConninfoPtr opts = parseConninfo(conninfo);
    for (const PQconninfoOption *o = opts.get(); o->keyword; ++o) {
        if (!o->val || !*o->val)
            continue;
        const std::string_view k = o->keyword;
        if (k == "host" || (k == "hostaddr" && t.host.empty()))
            t.host = o->val;
        else if (k == "port")
            t.port = o->val;
        else if (k == "user")
            t.user = o->val;
        else if (k == "dbname")
            t.dbname = o->val;
    }
    // libpq falls back to the environment; so do the messages.
    if (t.host.empty())
        t.host = envOr("PGHOST", "");
    if (t.port.empty())
        t.port = envOr("PGPORT", "");
    if (t.user.empty())
        t.user = envOr("PGUSER", "");
    if (t.dbname.empty())
        t.dbname = envOr("PGDATABASE", t.user);
    return t;
}

std::string firstLine(std::string_view s)
{
    std::string line(s.substr(0, s.find('\n')));
    while (!line.empty() && (line.back() == ' ' || line.back() == '\r'))
        line.pop_back();
    return line;
}

// libpq prefixes server messages with 'connection to server at "h", port p failed: FATAL:  '.
std::string serverReason(const std::string &libpqMessage)
{
    std::string line = firstLine(libpqMessage);
    if (const auto pos = line.find(" failed: "); pos != std::string::npos)
        line = line.substr(pos + 9);
    for (const char *prefix : {"FATAL:  ", "ERROR:  "}) {
        if (line.rfind(prefix, 0) == 0)
            line = line.substr(std::char_traits<char>::length(prefix));
    }
    return line;
}

std::string quotedAfter(const std::string &text, const std::string &word)
{
    const std::regex re(word + " \"([^\"]*)\"");
    std::smatch m;
    return std::regex_search(text, m, re) ? m[1].str() : std::string();
}

bool contains(const std::string &s, std::string_view what)
{
    return s.find(what) != std::string::npos;
}

CatalogError connectError(const std::string &libpqMessage, const Target &t)
{
    using K = CatalogError::Kind;
    const std::string &m = libpqMessage;
    const std::string reason = serverReason(m);
    std::string user = quotedAfter(m, "user");
    if (user.empty())
        user = t.user;
    std::string db = quotedAfter(m, "database");
    if (db.empty())
        db = t.dbname;

    if (contains(m, "password authentication failed") || contains(m, "authentication failed for user"))
        return CatalogError("authentication failed for user \"" + user + "\" at " + t.where()
                + ": check the password (in the URI, PGPASSWORD or ~/.pgpass) and that the role exists",
            K::Authentication);
    if (contains(m, "no password supplied"))
        return CatalogError("the server at " + t.where() + " requires a password for user \"" + user
                + "\" and none was given: put it in the URI, PGPASSWORD or ~/.pgpass",
            K::Authentication);
    if (contains(m, "no pg_hba.conf entry"))
        return CatalogError("the server at " + t.where() + " does not accept user \"" + user + "\" for database \"" + db
                + "\" from this host (no pg_hba.conf entry): ask its administrator to allow it (" + reason + ")",
            K::Authentication);
    if (contains(m, "role \"") && contains(m, "does not exist"))
        return CatalogError("authentication failed at " + t.where() + ": role \"" + quotedAfter(m, "role")
                + "\" does not exist; check the user name in the connection string",
            K::Authentication);
    if (contains(m, "database \"") && contains(m, "does not exist"))
        return CatalogError("database \"" + db + "\" does not exist on " + t.where()
                + ": check the database name in the connection string (psql -l lists them)",
            K::DatabaseMissing);
    if (contains(m, "permission denied for database"))
        return CatalogError("role \"" + user + "\" may not connect to database \"" + db + "\" on " + t.where()
                + ": GRANT CONNECT ON DATABASE " + db + " TO " + user + " (" + reason + ")",
            K::PermissionDenied);
    if (contains(m, "timeout expired"))
        return CatalogError("could not connect to " + t.where()
                + ": no answer within the connect timeout; is the server running? check host/port and firewalls",
            K::Unreachable);
    if (contains(m, "could not translate host name"))
        return CatalogError(
            "could not connect to " + t.where() + ": unknown host name; check the host in the connection string", K::Unreachable);
    if (contains(m, "Connection refused") || contains(m, "No such file or directory") || contains(m, "could not connect")
        || contains(m, "Is the server running") || contains(m, "No route to host") || contains(m, "Network is unreachable"))
        return CatalogError(
            "could not connect to " + t.where() + ": is the server running? check host/port (" + reason + ")", K::Unreachable);
    return CatalogError("could not connect to " + t.where() + ": " + reason, K::Other);
}

// ---------------------------------------------------------------------------------------------
// Reading results.

json parseJson(const pqxx::field &f)
{
    if (f.is_null())
        return json();
    return json::parse(f.c_str());
}

std::string text(const pqxx::field &f)
{
    return f.is_null() ? std::string() : std::string(f.c_str());
}

bool boolean(const pqxx::field &f)
{
    return !f.is_null() && f.as<bool>();
}

std::vector<std::string> stringList(const pqxx::field &f)
{
    std::vector<std::string> out;
    const json j = parseJson(f);
    if (j.is_array()) {
        for (const auto &item : j)
            out.push_back(item.is_string() ? item.get<std::string>() : std::string());
    }
    return out;
}

std::vector<AclItem> aclList(const pqxx::field &f)
{
    std::vector<AclItem> out;
    const json j = parseJson(f);
    if (!j.is_array())
        return out;
    for (const auto &e : j) {
        AclItem a;
        a.grantee = e.at(0).get<std::string>();
        a.grantor = e.at(1).get<std::string>();
        a.privilege = e.at(2).get<std::string>();
        a.grantable = e.at(3).get<bool>();
        out.push_back(std::move(a));
    }
    std::sort(out.begin(), out.end());
    return out;
}

std::optional<RelationKind> kindOf(char relkind)
{
    switch (relkind) {
    case 'r':
        return RelationKind::Table;
    case 'p':
        return RelationKind::PartitionedTable;
    case 'v':
        return RelationKind::View;
    case 'm':
        return RelationKind::MaterializedView;
    case 'f':
        return RelationKind::ForeignTable;
    case 'S':
        return RelationKind::Sequence;
    default:
        return std::nullopt;
    }
}

std::string commandOf(char polcmd)
{
    switch (polcmd) {
    case 'r':
        return "SELECT";
    case 'a':
        return "INSERT";
    case 'w':
        return "UPDATE";
    case 'd':
        return "DELETE";
    default:
        return "ALL";
    }
}

std::string defaultAclObjectType(char t)
{
    switch (t) {
    case 'r':
        return "table";
    case 'S':
        return "sequence";
    case 'f':
        return "function";
    case 'T':
        return "type";
    case 'n':
        return "schema";
    default:
        return std::string(1, t);
    }
}

std::string volatilityOf(char v)
{
    switch (v) {
    case 'i':
        return "immutable";
    case 's':
        return "stable";
    default:
        return "volatile";
    }
}

// ---------------------------------------------------------------------------------------------

class Reader
{
public:
    Reader(const IntrospectOptions &options, IntrospectStats &stats, const Target &target)
        : m_options(options)
        , m_stats(stats)
        , m_target(target)
    { }

    void step(std::string_view what)
    {
        m_step = what;
        if (m_options.progress)
            m_options.progress(what);
    }

    pqxx::result query(pqxx::transaction_base &tx, std::string_view what, const std::string &sql)
    {
        step(what);
        ++m_stats.queries;
        return tx.exec(sql);
    }

    const std::string &currentStep() const { return m_step; }

    Catalog read(pqxx::transaction_base &tx);

private:
    const IntrospectOptions &m_options;
    IntrospectStats &m_stats;
    const Target &m_target;
    std::string m_step;
};

Catalog Reader::read(pqxx::transaction_base &tx)
{
    const bool sys = m_options.includeSystemSchemas;
    Catalog cat;

    {
        const pqxx::result r = query(tx, "reading server version", serverSql(m_options.lockTimeout));
        cat.database = text(r[0][0]);
        const std::string version = text(r[0][1]);
        cat.serverVersion = version.substr(0, version.find(' ')); // "15.18 (Debian ...)" -> "15.18"
        cat.serverVersionNum = r[0][2].as<int>();
        if (cat.serverVersionNum < kMinServerVersion)
            throw CatalogError("the server at " + m_target.where() + " runs PostgreSQL " + cat.serverVersion
                    + "; Writ needs PostgreSQL 10 or later",
                CatalogError::Kind::Unsupported);
    }

    for (const auto &row : query(tx, "reading schemas", schemasSql(sys))) {
        Schema s;
        s.name = text(row[0]);
        s.owner = text(row[1]);
        s.acl = aclList(row[2]);
        cat.schemas.push_back(std::move(s));
    }

    std::unordered_map<std::uint32_t, std::size_t> byOid; // relation oid -> index in cat.relations
    for (const auto &row : query(tx, "reading relations", relationsSql(sys))) {
        const auto kind = kindOf(text(row[3]).c_str()[0]);
        if (!kind)
            continue;
        Relation rel;
        rel.schema = text(row[1]);
        rel.name = text(row[2]);
        rel.kind = *kind;
        rel.owner = text(row[4]);
        rel.reltuples = row[5].is_null() ? -1 : row[5].as<double>();
        rel.rlsEnabled = boolean(row[6]);
        rel.rlsForced = boolean(row[7]);
        rel.securityBarrier = boolean(row[8]);
        rel.securityInvoker = boolean(row[9]);
        if (const json parent = parseJson(row[10]); parent.is_array() && parent.size() == 2)
            rel.partitionOf = parent[0].get<std::string>() + "." + parent[1].get<std::string>();
        rel.viewDefinition = text(row[11]);
        rel.comment = text(row[12]);
        rel.acl = aclList(row[13]);
        rel.primaryKey = stringList(row[14]);
        byOid.emplace(row[0].as<std::uint32_t>(), cat.relations.size());
        cat.relations.push_back(std::move(rel));
    }

    for (const auto &row : query(tx, "reading columns", columnsSql(sys))) {
        const auto it = byOid.find(row[0].as<std::uint32_t>());
        if (it == byOid.end())
            continue;
        Column c;
        c.name = text(row[1]);
        c.type = text(row[2]);
        c.attnum = row[3].as<int>();
        c.notNull = boolean(row[4]);
        c.acl = aclList(row[5]);
        cat.relations[it->second].columns.push_back(std::move(c));
    }

    for (const auto &row : query(tx, "reading foreign keys", foreignKeysSql(sys))) {
        const auto it = byOid.find(row[0].as<std::uint32_t>());
        if (it == byOid.end())
            continue;
        ForeignKey fk;
        fk.name = text(row[1]);
        fk.refSchema = text(row[2]);
        fk.refRelation = text(row[3]);
        fk.columns = stringList(row[4]);
        fk.refColumns = stringList(row[5]);
        cat.relations[it->second].foreignKeys.push_back(std::move(fk));
    }

    for (const auto &row : query(tx, "reading row-level security policies", policiesSql(sys))) {
        const auto it = byOid.find(row[0].as<std::uint32_t>());
        if (it == byOid.end())
            continue;
        RlsPolicy p;
        p.name = text(row[1]);
        p.command = commandOf(text(row[2]).c_str()[0]);
        p.permissive = boolean(row[3]);
        p.roles = stringList(row[4]);
        std::sort(p.roles.begin(), p.roles.end());
        p.usingExpr = text(row[5]);
        p.checkExpr = text(row[6]);
        cat.relations[it->second].policies.push_back(std::move(p));
    }

    for (const auto &row : query(tx, "reading roles", rolesSql())) {
        Role r;
        r.name = text(row[0]);
        r.login = boolean(row[1]);
        r.superuser = boolean(row[2]);
        r.bypassRls = boolean(row[3]);
        r.createRole = boolean(row[4]);
        r.createDb = boolean(row[5]);
        r.inherit = boolean(row[6]);
        r.connectionLimit = row[7].as<int>();
        if (!row[8].is_null())
            r.validUntil = text(row[8]);
        r.memberOf = stringList(row[9]);
        std::sort(r.memberOf.begin(), r.memberOf.end());
        r.comment = text(row[10]);
        cat.roles.push_back(std::move(r));
    }

    for (const auto &row : query(tx, "reading default privileges", defaultAclsSql())) {
        DefaultAcl d;
        d.role = text(row[0]);
        d.schema = text(row[1]);
        d.objectType = defaultAclObjectType(text(row[2]).c_str()[0]);
        d.acl = aclList(row[3]);
        cat.defaultAcls.push_back(std::move(d));
    }

    for (const auto &row : query(tx, "reading functions", functionsSql(sys, m_options.includeAllFunctions))) {
        Function f;
        f.schema = text(row[0]);
        f.name = text(row[1]);
        f.arguments = text(row[2]);
        f.returns = text(row[3]);
        f.language = text(row[4]);
        f.owner = text(row[5]);
        f.securityDefiner = boolean(row[6]);
        f.volatility = volatilityOf(text(row[7]).c_str()[0]);
        f.config = stringList(row[8]);
        f.acl = aclList(row[9]);
        cat.functions.push_back(std::move(f));
    }

    return cat;
}

// Byte order, not the database's collation: the same catalog sorts the same everywhere.
void sortCatalog(Catalog &cat)
{
    std::sort(cat.schemas.begin(), cat.schemas.end(), [](const Schema &a, const Schema &b) { return a.name < b.name; });
    for (Relation &r : cat.relations) {
        std::sort(r.columns.begin(), r.columns.end(), [](const Column &a, const Column &b) { return a.attnum < b.attnum; });
        std::sort(
            r.foreignKeys.begin(), r.foreignKeys.end(), [](const ForeignKey &a, const ForeignKey &b) { return a.name < b.name; });
        std::sort(r.policies.begin(), r.policies.end(), [](const RlsPolicy &a, const RlsPolicy &b) { return a.name < b.name; });
    }
    std::sort(cat.relations.begin(), cat.relations.end(),
        [](const Relation &a, const Relation &b) { return std::tie(a.schema, a.name) < std::tie(b.schema, b.name); });
    std::sort(cat.roles.begin(), cat.roles.end(), [](const Role &a, const Role &b) { return a.name < b.name; });
    std::sort(cat.functions.begin(), cat.functions.end(),
        [](const Function &a, const Function &b) { return a.signature() < b.signature(); });
    std::sort(cat.defaultAcls.begin(), cat.defaultAcls.end(), [](const DefaultAcl &a, const DefaultAcl &b) {
        return std::tie(a.role, a.schema, a.objectType) < std::tie(b.role, b.schema, b.objectType);
    });
}

std::string withParameter(const std::string &conninfo, const std::string &key, const std::string &value)
{
    const bool isUri = conninfo.rfind("postgresql://", 0) == 0 || conninfo.rfind("postgres://", 0) == 0;
    if (isUri)
        return conninfo + (conninfo.find('?') == std::string::npos ? "?" : "&") + key + "=" + value;
    return conninfo + (conninfo.empty() ? "" : " ") + key + "=" + value;
}

bool hasParameter(const std::string &conninfo, std::string_view key)
{
    const ConninfoPtr opts = parseConninfo(conninfo);
    for (const PQconninfoOption *o = opts.get(); o->keyword; ++o) {
        if (key == o->keyword && o->val && *o->val)
            return true;
    }
    return false;
}

std::chrono::milliseconds since(Clock::time_point start)
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
}

} // namespace

std::string withConnectTimeout(const std::string &libpqUri)
{
    if (hasParameter(libpqUri, "connect_timeout") || !envOr("PGCONNECT_TIMEOUT", "").empty())
        return libpqUri;
    return withParameter(libpqUri, "connect_timeout", "10");
}

Catalog introspect(const std::string &libpqUri, const IntrospectOptions &options, IntrospectStats *statsOut)
{
    IntrospectStats stats;
    const Target target = targetOf(libpqUri);
    std::string conninfo = withConnectTimeout(libpqUri);
    if (!hasParameter(conninfo, "fallback_application_name"))
        conninfo = withParameter(conninfo, "fallback_application_name", "writ-introspect");

    Reader reader(options, stats, target);
    reader.step("connecting to " + target.where());
    const auto connectStart = Clock::now();
    std::unique_ptr<pqxx::connection> conn;
    try {
        conn = std::make_unique<pqxx::connection>(conninfo);
    } catch (const std::exception &e) {
        throw connectError(e.what(), target);
    }
    stats.connectTime = since(connectStart);

    Catalog cat;
    const auto queryStart = Clock::now();
    try {
        pqxx::transaction<pqxx::repeatable_read, pqxx::read_only> tx(*conn, "writ_introspect");
        cat = reader.read(tx);
        tx.commit();
    } catch (const CatalogError &) {
        throw;
    } catch (const pqxx::insufficient_privilege &e) {
        throw CatalogError("permission denied while " + reader.currentStep() + " on " + target.where() + " as \"" + target.user
                + "\": " + firstLine(e.what())
                + "; introspection only reads pg_catalog, so connect as a role that may read the "
                  "system catalogs (check for REVOKEs on pg_catalog)",
            CatalogError::Kind::PermissionDenied);
    } catch (const pqxx::broken_connection &e) {
        throw CatalogError("lost the connection to " + target.where() + " while " + reader.currentStep() + ": "
                + firstLine(e.what()) + "; check the server log and try again",
            CatalogError::Kind::Unreachable);
    } catch (const pqxx::sql_error &e) {
        if (e.sqlstate() == "55P03")
            throw CatalogError("gave up waiting for a lock while " + reader.currentStep() + " on " + target.where()
                    + ": another session holds a table or view in exclusive mode (a migration or "
                      "long DDL?); retry when it is done",
                CatalogError::Kind::Query);
        throw CatalogError("catalog query failed while " + reader.currentStep() + " on " + target.where() + ": "
                + firstLine(e.what()) + " (SQLSTATE " + e.sqlstate() + ")",
            CatalogError::Kind::Query);
    } catch (const json::exception &e) {
        throw CatalogError(std::string("unexpected catalog data while ") + reader.currentStep() + ": " + e.what()
                + "; please report this with the server version",
            CatalogError::Kind::Query);
    } catch (const std::exception &e) {
        throw CatalogError(
            "introspection failed while " + reader.currentStep() + " on " + target.where() + ": " + firstLine(e.what()),
            CatalogError::Kind::Other);
    }
    stats.queryTime = since(queryStart);

    sortCatalog(cat);
    cat.reindex();
    if (statsOut)
        *statsOut = stats;
    return cat;
}

} // namespace writ::catalog
