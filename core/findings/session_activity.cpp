// SPDX-License-Identifier: Apache-2.0
#include "findings/session_activity.h"

#include "catalog/catalog_error.h"
#include "catalog/introspector.h"

#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include <algorithm>
#include <memory>

namespace writ::findings {

namespace {

using catalog::CatalogError;
using nlohmann::json;

// One row: the reader, whether it sees every session, and per login role its client backends.
// Sessions the reader may not inspect have a NULL backend_type (and no address) but still show
// their role and application_name; they are counted as hidden. Unix-socket clients have port -1.
constexpr const char *kActivitySql = R"SQL(
SELECT current_user::text,
       coalesce((SELECT r.rolsuper FROM pg_catalog.pg_roles r WHERE r.rolname = current_user), false)
         OR pg_catalog.pg_has_role(current_user, 'pg_read_all_stats', 'MEMBER'),
       (SELECT coalesce(json_agg(json_build_array(l.rolname, l.apps, l.addrs, l.sessions, l.hidden)
                                 ORDER BY l.rolname), '[]'::json)
          FROM (SELECT u.rolname::text AS rolname,
                       coalesce(json_agg(DISTINCT a.application_name ORDER BY a.application_name)
                                  FILTER (WHERE a.application_name <> ''), '[]'::json) AS apps,
                       coalesce(json_agg(DISTINCT CASE WHEN a.client_port = -1 THEN 'local'
                                                       ELSE pg_catalog.host(a.client_addr) END)
                                  FILTER (WHERE a.client_port = -1 OR a.client_addr IS NOT NULL), '[]'::json) AS addrs,
                       count(*) AS sessions,
                       count(*) FILTER (WHERE a.backend_type IS NULL) AS hidden
                  FROM pg_catalog.pg_stat_activity a
                  JOIN pg_catalog.pg_roles u ON u.oid = a.usesysid
                 WHERE a.pid <> pg_catalog.pg_backend_pid()
                   AND (a.backend_type = 'client backend' OR a.backend_type IS NULL)
                 GROUP BY u.rolname) l)
)SQL";

std::string firstLine(const std::string &s)
{
    std::string line = s.substr(0, s.find('\n'));
    while (!line.empty() && (line.back() == ' ' || line.back() == '\r'))
        line.pop_back();
    return line;
}

bool contains(const std::string &s, std::string_view what)
{
    return s.find(what) != std::string::npos;
}

CatalogError connectError(const std::string &message)
{
    using K = CatalogError::Kind;
    const std::string line = firstLine(message);
    if (contains(message, "authentication failed") || contains(message, "no password supplied")
        || contains(message, "no pg_hba.conf entry"))
        return CatalogError(
            "could not read session activity: " + line + "; check the user and password (in the URI, PGPASSWORD or ~/.pgpass)",
            K::Authentication);
    if (contains(message, "database \"") && contains(message, "does not exist"))
        return CatalogError("could not read session activity: " + line + "; check the database name", K::DatabaseMissing);
    return CatalogError(
        "could not read session activity: " + line + "; is the server running? check host and port", K::Unreachable);
}

std::vector<std::string> strings(const json &array)
{
    std::vector<std::string> out;
    for (const auto &item : array)
        if (item.is_string())
            out.push_back(item.get<std::string>());
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

} // namespace

const LoginActivity *SessionActivity::find(const std::string &role) const
{
    const auto it = std::find_if(logins.begin(), logins.end(), [&](const LoginActivity &l) { return l.role == role; });
    return it == logins.end() ? nullptr : &*it;
}

SessionActivity readSessionActivity(const std::string &libpqUri)
{
    std::string conninfo = catalog::withConnectTimeout(libpqUri);
    if (conninfo.find("://") != std::string::npos)
        conninfo += conninfo.find('?') == std::string::npos ? "?" : "&";
    else
        conninfo += conninfo.empty() ? "" : " ";
    conninfo += "fallback_application_name=writ-findings";

    std::unique_ptr<pqxx::connection> conn;
    try {
        conn = std::make_unique<pqxx::connection>(conninfo);
    } catch (const std::exception &e) {
        throw connectError(e.what());
    }

    SessionActivity activity;
    activity.collected = true;
    try {
        pqxx::read_transaction tx(*conn, "writ_findings");
        const pqxx::row row = tx.exec1(kActivitySql);
        activity.observer = row[0].c_str();
        activity.seesAllSessions = row[1].as<bool>();
        for (const json &l : json::parse(row[2].c_str())) {
            LoginActivity a;
            a.role = l.at(0).get<std::string>();
            a.applications = strings(l.at(1));
            a.clientAddresses = strings(l.at(2));
            a.sessions = l.at(3).get<int>();
            a.hiddenSessions = l.at(4).get<int>();
            activity.logins.push_back(std::move(a));
        }
        tx.commit();
    } catch (const pqxx::broken_connection &e) {
        throw CatalogError(
            "lost the connection while reading pg_stat_activity: " + firstLine(e.what()), CatalogError::Kind::Unreachable);
    } catch (const pqxx::sql_error &e) {
        throw CatalogError("reading pg_stat_activity failed: " + firstLine(e.what()) + " (SQLSTATE " + e.sqlstate() + ")",
            CatalogError::Kind::Query);
    } catch (const json::exception &e) {
        throw CatalogError(std::string("unexpected pg_stat_activity data: ") + e.what(), CatalogError::Kind::Query);
    }
    std::sort(activity.logins.begin(), activity.logins.end(),
        [](const LoginActivity &a, const LoginActivity &b) { return a.role < b.role; });
    return activity;
}

} // namespace writ::findings
