// SPDX-License-Identifier: Apache-2.0
#include "findings/findings.h"

#include "compile/sql_quote.h"
#include "findings/classification.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <map>
#include <set>
#include <tuple>

namespace writ::findings {

namespace {

using catalog::AclItem;
using catalog::Relation;
using catalog::RelationKind;
using compile::quoteIdent;
using compile::quoteQualified;

constexpr std::array<FindingRule, 12> kRules {{
    {"public-grant", Severity::High, "A table, view, sequence or column is granted to PUBLIC",
        "Every role is a member of PUBLIC, so a PUBLIC grant reaches every agent credential and every other login "
        "in the cluster, whatever their own grants say; no per-task scope narrows it. Revoke it from PUBLIC and "
        "grant it to the roles that need it."},
    {"public-schema-create", Severity::High, "PUBLIC may create objects in a schema",
        "Anyone may plant a table, function or operator that shadows the one a query or a SECURITY DEFINER "
        "function meant (CVE-2018-1058). REVOKE CREATE ON SCHEMA ... FROM PUBLIC (PostgreSQL 15 does this for "
        "schema public by default; upgraded and restored databases keep the old grant)."},
    {"superuser-login", Severity::High, "A role that can log in is a superuser, or can become one",
        "A superuser passes every permission check and ignores row-level security, so the floor Writ compiles "
        "does not bind it. Take SUPERUSER away (ALTER ROLE ... NOSUPERUSER), or revoke the membership that leads "
        "to one; keep the bootstrap superuser for administrators only."},
    {"bypassrls-login", Severity::High, "A role that can log in bypasses row-level security",
        "BYPASSRLS ignores every row-level security policy, so row filters of any scope do not apply to it. "
        "ALTER ROLE ... NOBYPASSRLS, or revoke the membership that leads to such a role."},
    {"predefined-role-login", Severity::High,
        "A role that can log in holds pg_read_all_data, pg_write_all_data or server file/program access",
        "These predefined roles skip table grants altogether (or reach the server's files and programs), so "
        "column grants and scopes do not limit the login. Revoke the membership."},
    {"secdef-search-path", Severity::High, "A SECURITY DEFINER function has no fixed search_path",
        "It runs with its owner's rights but resolves unqualified names through the caller's search_path, so a "
        "caller can make it run their own objects with the owner's rights; with EXECUTE granted to PUBLIC (the "
        "default) every agent can call it. ALTER FUNCTION ... SET search_path = <schema>, pg_temp and revoke "
        "EXECUTE from PUBLIC."},
    {"default-public-grant", Severity::High, "Default privileges grant future objects to PUBLIC",
        "Every table (or sequence, schema) the role creates from now on is reachable by every role, agents "
        "included. ALTER DEFAULT PRIVILEGES ... REVOKE ... FROM PUBLIC."},
    {"classified-column-exposed", Severity::Medium,
        "Classified columns are readable in full: no row-level security, no column-level limit",
        "A role with table-level SELECT on a table without row-level security (or a view running with its "
        "owner's rights) reads every row of the sensitive columns; an agent given that role is not limited to the "
        "rows of its task. Grant only the columns needed, enable row-level security, or give agents Writ scopes."},
    {"login-no-expiry", Severity::Medium, "A role that can log in never expires",
        "A standing password with no VALID UNTIL keeps working until someone changes it; handed to an agent or "
        "leaked from a configuration file, nothing ends its access. Set VALID UNTIL, and give agents task-scoped "
        "credentials that expire with the task."},
    {"shared-principal", Severity::Medium, "One login is used by several applications or from several hosts",
        "The database cannot tell its users apart: audit, revocation and least privilege all stop at the shared "
        "role. Give each application (and each agent task) its own login role."},
    {"default-all-privileges", Severity::Medium, "Default privileges grant every future table in full to a role",
        "Every table created from now on is readable and writable by the grantee without anyone deciding so, "
        "sensitive ones included. Revoke the default and grant per table."},
    {"session-activity-restricted", Severity::Info, "Other roles' sessions were not fully visible",
        "Without superuser or pg_read_all_stats, pg_stat_activity hides the client address of other roles' "
        "sessions, so shared principals may be missed. GRANT pg_read_all_stats to the role that runs writ findings."},
}};

// Privileges in the order PostgreSQL's documentation lists them, so messages read naturally.
constexpr std::array<std::string_view, 11> kPrivilegeOrder {
    "SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER", "USAGE", "CREATE", "EXECUTE", "TEMPORARY"};

std::size_t privilegeRank(const std::string &p)
{
    const auto it = std::find(kPrivilegeOrder.begin(), kPrivilegeOrder.end(), p);
    return static_cast<std::size_t>(it - kPrivilegeOrder.begin());
}

struct PrivilegeLess
{
    bool operator()(const std::string &a, const std::string &b) const
    {
        return std::tuple(privilegeRank(a), a) < std::tuple(privilegeRank(b), b);
    }
};
using Privileges = std::set<std::string, PrivilegeLess>;

std::string join(const auto &items, std::string_view sep = ", ")
{
    std::string out;
    for (const auto &item : items) {
        if (!out.empty())
            out += sep;
        out += item;
    }
    return out;
}

/// "a, b and 3 more" — role lists in titles stay short; details carry the full list.
std::string shortList(const std::vector<std::string> &items, std::size_t max = 3)
{
    if (items.size() <= max)
        return join(items);
    std::vector<std::string> head(items.begin(), items.begin() + static_cast<std::ptrdiff_t>(max));
    return join(head) + " and " + std::to_string(items.size() - max) + " more";
}

std::string granteeSql(const std::string &grantee)
{
    return grantee.empty() ? std::string("PUBLIC") : quoteIdent(grantee);
}

std::string granteeListSql(const std::vector<std::string> &grantees)
{
    std::vector<std::string> quoted;
    for (const auto &g : grantees)
        quoted.push_back(granteeSql(g));
    return join(quoted);
}

const char *kindWord(RelationKind k)
{
    switch (k) {
    case RelationKind::Table:
        return "table";
    case RelationKind::PartitionedTable:
        return "partitioned table";
    case RelationKind::View:
        return "view";
    case RelationKind::MaterializedView:
        return "materialized view";
    case RelationKind::ForeignTable:
        return "foreign table";
    case RelationKind::Sequence:
        return "sequence";
    }
    return "table";
}

bool isViewLike(const Relation &r)
{
    return r.kind == RelationKind::View || r.kind == RelationKind::MaterializedView;
}

Privileges privilegesOf(const std::vector<AclItem> &acl, const std::string &grantee)
{
    Privileges out;
    for (const auto &a : acl)
        if (a.grantee == grantee)
            out.insert(a.privilege);
    return out;
}

bool hasWrite(const Privileges &p)
{
    return p.count("INSERT") || p.count("UPDATE") || p.count("DELETE") || p.count("TRUNCATE");
}

std::string labelList(const std::map<std::string, ColumnLabel> &labels)
{
    std::vector<std::string> parts;
    for (const auto &[column, label] : labels)
        parts.push_back(column + " (" + label.label + ")");
    return join(parts);
}

bool anySuggested(const std::map<std::string, ColumnLabel> &labels)
{
    return std::any_of(labels.begin(), labels.end(), [](const auto &l) { return l.second.suggested; });
}

const char *kSuggestedNote = "classified by column name (no policy given); confirm with `classify:` in the policy";

class Finder
{
public:
    Finder(const catalog::Catalog &cat, const SessionActivity &activity, const policy::Policy *policy)
        : m_catalog(cat)
        , m_activity(activity)
        , m_classifier(cat, policy)
    {
        for (const auto &r : cat.roles)
            m_roles.emplace(r.name, &r);
    }

    std::vector<Finding> run()
    {
        publicGrants();
        publicSchemaCreate();
        logins();
        sharedPrincipals();
        classifiedColumns();
        securityDefiners();
        defaultPrivileges();
        std::sort(m_out.begin(), m_out.end(), findingLess);
        return std::move(m_out);
    }

private:
    void publicGrants();
    void publicSchemaCreate();
    void logins();
    void sharedPrincipals();
    void classifiedColumns();
    void securityDefiners();
    void defaultPrivileges();

    void add(Severity s, const char *code, std::string object, std::string title, std::string why, std::string fix,
        std::vector<std::string> details = {})
    {
        m_out.push_back({s, code, std::move(object), std::move(title), std::move(why), std::move(fix), std::move(details)});
    }

    const catalog::Role *role(const std::string &name) const
    {
        const auto it = m_roles.find(name);
        return it == m_roles.end() ? nullptr : it->second;
    }

    bool isSuperuser(const std::string &name) const
    {
        const auto *r = role(name);
        return r && r->superuser;
    }

    /// True when row-level security limits what `grantee` ("" = PUBLIC) reads from `rel`.
    bool rowsLimited(const Relation &rel, const std::string &grantee) const
    {
        if (!rel.rlsEnabled)
            return false;
        if (const auto *r = role(grantee); r && (r->bypassRls || r->superuser))
            return false;
        // A permissive USING (true) policy for the grantee (or PUBLIC) lets it read every row anyway.
        return std::none_of(rel.policies.begin(), rel.policies.end(), [&](const catalog::RlsPolicy &p) {
            const bool forGrantee = p.roles.empty() || std::any_of(p.roles.begin(), p.roles.end(), [&](const std::string &r) {
                return r == "public" || (!grantee.empty() && r == grantee);
            });
            return p.permissive && forGrantee && (p.command == "ALL" || p.command == "SELECT") && p.usingExpr == "true";
        });
    }

    /// Roles reachable from `start` through memberships (not including `start`), breadth first.
    std::vector<std::string> memberships(const catalog::Role &start) const
    {
        std::vector<std::string> seen;
        std::vector<std::string> queue = start.memberOf;
        while (!queue.empty()) {
            const std::string next = queue.front();
            queue.erase(queue.begin());
            if (next == start.name || std::find(seen.begin(), seen.end(), next) != seen.end())
                continue;
            seen.push_back(next);
            if (const auto *r = role(next))
                queue.insert(queue.end(), r->memberOf.begin(), r->memberOf.end());
        }
        return seen;
    }

    const catalog::Catalog &m_catalog;
    const SessionActivity &m_activity;
    Classifier m_classifier;
    std::map<std::string, const catalog::Role *> m_roles;
    std::vector<Finding> m_out;
};

// ---------------------------------------------------------------------------------------------

void Finder::publicGrants()
{
    for (const Relation &rel : m_catalog.relations) {
        const std::string object = rel.qualifiedName();
        const std::string target
            = (rel.kind == RelationKind::Sequence ? "SEQUENCE " : "TABLE ") + quoteQualified(rel.schema, rel.name);
        const Privileges privs = privilegesOf(rel.acl, "");
        const auto labels = rel.kind == RelationKind::Sequence ? std::map<std::string, ColumnLabel> {} : m_classifier.labels(rel);
        const bool limited = rowsLimited(rel, "");
        if (!privs.empty()) {
            const bool reads = privs.count("SELECT") > 0;
            Severity s = Severity::Medium;
            if (rel.kind == RelationKind::Sequence)
                s = privs.count("UPDATE") ? Severity::Medium : Severity::Low;
            else if ((reads && !labels.empty() && !limited) || hasWrite(privs))
                s = Severity::High;
            std::vector<std::string> details;
            if (reads && !labels.empty())
                details.push_back("classified columns readable by every role: " + labelList(labels));
            if (reads && !labels.empty() && anySuggested(labels))
                details.push_back(kSuggestedNote);
            if (limited)
                details.push_back("row-level security is enabled and has no pass-through policy for PUBLIC: rows are "
                                  "limited by its policies");
            if (isViewLike(rel) && !rel.securityInvoker)
                details.push_back("the view reads its base tables with the rights of its owner, " + rel.owner);
            std::string why = "Every role is a member of PUBLIC: every agent credential and every other login in the "
                              "cluster holds "
                + join(privs) + " on this " + kindWord(rel.kind)
                + " whatever its own grants say, and no per-task scope can narrow a PUBLIC grant.";
            if (reads && !labels.empty())
                why += " It holds classified data.";
            add(s, "public-grant", object, join(privs) + " on " + kindWord(rel.kind) + " " + object + " is granted to PUBLIC",
                std::move(why),
                "REVOKE " + join(privs) + " ON " + target + " FROM PUBLIC;\n-- then grant it to each role that needs it: GRANT "
                    + join(privs) + " ON " + target + " TO <role>;",
                std::move(details));
        }
        // Column-level PUBLIC grants not already covered by a relation-level one.
        for (const auto &col : rel.columns) {
            Privileges colPrivs;
            for (const auto &p : privilegesOf(col.acl, ""))
                if (!privs.count(p))
                    colPrivs.insert(p);
            if (colPrivs.empty())
                continue;
            const auto label = labels.find(col.name);
            const bool classified = label != labels.end();
            const Severity s
                = (classified && (colPrivs.count("SELECT") || colPrivs.count("UPDATE")) && !limited) || colPrivs.count("UPDATE")
                ? Severity::High
                : Severity::Medium;
            std::vector<std::string> details;
            if (classified) {
                details.push_back("the column is classified " + label->second.label);
                if (label->second.suggested)
                    details.push_back(kSuggestedNote);
            }
            std::vector<std::string> privSql;
            for (const auto &p : colPrivs)
                privSql.push_back(p + " (" + quoteIdent(col.name) + ")");
            add(s, "public-grant", object + "." + col.name,
                join(colPrivs) + " on column " + object + "." + col.name + " is granted to PUBLIC",
                "Every role is a member of PUBLIC: every agent credential and every other login in the cluster holds "
                    + join(colPrivs) + " on this column, whatever its own grants say.",
                "REVOKE " + join(privSql) + " ON " + target + " FROM PUBLIC;", std::move(details));
        }
    }
}

void Finder::publicSchemaCreate()
{
    for (const auto &schema : m_catalog.schemas) {
        if (!privilegesOf(schema.acl, "").count("CREATE"))
            continue;
        // public is on every role's default search_path, so objects planted there shadow others' names.
        const bool onDefaultPath = schema.name == "public";
        std::vector<std::string> details {"schema owner: " + schema.owner};
        const auto unpinned = std::count_if(m_catalog.functions.begin(), m_catalog.functions.end(), [](const auto &f) {
            return f.securityDefiner && std::none_of(f.config.begin(), f.config.end(), [](const std::string &c) {
                return c.rfind("search_path=", 0) == 0;
            });
        });
        if (unpinned > 0)
            details.push_back(std::to_string(unpinned)
                + " SECURITY DEFINER function(s) without a fixed search_path can be hijacked through it");
        add(onDefaultPath ? Severity::High : Severity::Medium, "public-schema-create", "schema " + schema.name,
            "PUBLIC may create objects in schema " + schema.name,
            "Any role, an agent's included, can create a table, function or operator here that shadows the one "
                + std::string(onDefaultPath ? "other roles' queries and SECURITY DEFINER functions meant (schema public is "
                                              "on every role's default search_path)"
                                            : "queries and SECURITY DEFINER functions with this schema on their "
                                              "search_path meant")
                + ", and so run its own code with their rights (CVE-2018-1058). It also lets an agent store data where "
                  "no policy looks.",
            "REVOKE CREATE ON SCHEMA " + quoteIdent(schema.name) + " FROM PUBLIC;", std::move(details));
    }
}

void Finder::logins()
{
    static const std::set<std::string> kPowerful {
        "pg_read_all_data", "pg_write_all_data", "pg_execute_server_program", "pg_read_server_files", "pg_write_server_files"};
    for (const auto &r : m_catalog.roles) {
        if (!r.login)
            continue;
        const std::string object = "role " + r.name;
        const std::string q = quoteIdent(r.name);
        std::vector<std::string> base;
        if (!r.comment.empty())
            base.push_back("comment: " + r.comment);
        if (!r.validUntil)
            base.push_back("its password never expires (no VALID UNTIL)");

        if (r.superuser) {
            add(Severity::High, "superuser-login", object, "login role " + r.name + " is a superuser",
                "A superuser passes every permission check and ignores row-level security: an agent or tool that gets "
                "this login reads and changes everything, Writ's own runtime included, and no floor Writ compiles "
                "binds it.",
                "ALTER ROLE " + q
                    + " NOSUPERUSER;\n-- the cluster's bootstrap superuser cannot lose the attribute: keep it for "
                      "administrators only (pg_hba.conf) and never hand it to applications or agents",
                base);
        } else if (r.bypassRls) {
            add(Severity::High, "bypassrls-login", object, "login role " + r.name + " bypasses row-level security",
                "BYPASSRLS ignores every row-level security policy: the row filters compiled for agents' scopes do not "
                "apply to this login, and any table it can read it reads in full.",
                "ALTER ROLE " + q + " NOBYPASSRLS;", base);
        }

        // Attributes are not inherited, but SET ROLE to a member's group gives them; predefined roles are.
        if (!r.superuser) {
            for (const std::string &group : memberships(r)) {
                const auto *g = role(group);
                if (g && g->superuser) {
                    add(Severity::High, "superuser-login", object,
                        "login role " + r.name + " can become superuser " + group + " (SET ROLE)",
                        "A member may SET ROLE to a superuser group and then passes every permission check and ignores "
                        "row-level security.",
                        "REVOKE " + quoteIdent(group) + " FROM " + q + ";", base);
                } else if (g && g->bypassRls && !r.bypassRls) {
                    add(Severity::High, "bypassrls-login", object,
                        "login role " + r.name + " can become " + group + ", which bypasses row-level security",
                        "A member may SET ROLE to a BYPASSRLS group, and row-level security policies then no longer "
                        "apply to it.",
                        "REVOKE " + quoteIdent(group) + " FROM " + q + ";", base);
                } else if (kPowerful.count(group)) {
                    add(Severity::High, "predefined-role-login", object, "login role " + r.name + " is a member of " + group,
                        group.find("data") != std::string::npos
                            ? "pg_read_all_data and pg_write_all_data act as if the role held SELECT (or INSERT, UPDATE, "
                              "DELETE) on every table, view and sequence: column grants and agent scopes do not limit it."
                            : "This predefined role reads or writes the server's files or runs programs as the "
                              "database server's operating-system user, outside every database permission.",
                        "REVOKE " + quoteIdent(group) + " FROM " + q + ";", base);
                }
            }
        }

        if (!r.superuser && !r.validUntil) {
            std::vector<std::string> details;
            if (!r.comment.empty())
                details.push_back("comment: " + r.comment);
            if (!r.memberOf.empty())
                details.push_back("member of: " + join(r.memberOf));
            details.push_back(r.connectionLimit < 0 ? std::string("connection limit: none")
                                                    : "connection limit: " + std::to_string(r.connectionLimit));
            add(Severity::Medium, "login-no-expiry", object, "login role " + r.name + " never expires",
                "A standing password with no VALID UNTIL works until someone changes it: handed to an agent, or leaked "
                "from an application's configuration, nothing ends its access. Writ's task roles expire with their "
                "task.",
                "-- the date its password is next rotated:\nALTER ROLE " + q
                    + " VALID UNTIL 'YYYY-MM-DD';\n"
                      "-- agents should not use this login at all: give each task a Writ credential (writ task start)",
                std::move(details));
        }
    }
}

/// Loopback addresses and the Unix socket are one host: the database server's own.
std::string hostOf(const std::string &address)
{
    if (address == "local" || address == "::1" || address.rfind("127.", 0) == 0)
        return "the database host";
    return address;
}

void Finder::sharedPrincipals()
{
    if (!m_activity.collected)
        return;
    for (const LoginActivity &login : m_activity.logins) {
        std::set<std::string> hosts;
        for (const auto &a : login.clientAddresses)
            hosts.insert(hostOf(a));
        if (login.applications.size() < 2 && hosts.size() < 2)
            continue;
        std::vector<std::string> seen;
        if (login.applications.size() >= 2)
            seen.push_back(std::to_string(login.applications.size()) + " applications");
        if (hosts.size() >= 2)
            seen.push_back(std::to_string(hosts.size()) + " hosts");
        std::vector<std::string> details {
            "applications: " + (login.applications.empty() ? std::string("(none named)") : join(login.applications)),
            "client addresses: " + (login.clientAddresses.empty() ? std::string("(not visible)") : join(login.clientAddresses)),
            "sessions: " + std::to_string(login.sessions)};
        if (login.hiddenSessions > 0)
            details.push_back(std::to_string(login.hiddenSessions)
                + " session(s) hidden from the reader (no pg_read_all_stats): there may be more");
        const std::string q = quoteIdent(login.role);
        add(Severity::Medium, "shared-principal", "role " + login.role,
            "login role " + login.role + " is used by " + join(seen, " and ") + " at once",
            "One login for several applications (or machines) means the database cannot tell them apart: the audit "
            "trail names the role, not who acted; revoking one user revokes all; and the role must hold the union of "
            "everything they need. An agent given this login inherits all of it.",
            "-- one login role per application, each with only what it needs, e.g.:\nCREATE ROLE "
                + quoteIdent(login.role + "_<application>") + " LOGIN PASSWORD '...' VALID UNTIL 'YYYY-MM-DD' IN ROLE " + q
                + ";\n-- once nothing logs in as it any more:\nALTER ROLE " + q + " NOLOGIN;",
            std::move(details));
    }
    if (!m_activity.seesAllSessions) {
        add(Severity::Info, "session-activity-restricted", "pg_stat_activity",
            "other roles' sessions are only partly visible to " + m_activity.observer,
            "Without superuser or pg_read_all_stats, pg_stat_activity hides the client address of other roles' "
            "sessions, so a login shared between hosts may go unnoticed.",
            "GRANT pg_read_all_stats TO " + quoteIdent(m_activity.observer) + ";\n-- then run writ findings again");
    }
}

void Finder::classifiedColumns()
{
    const bool viewsCanInvoke = m_catalog.serverVersionNum == 0 || m_catalog.serverVersionNum >= 150000;
    for (const Relation &rel : m_catalog.relations) {
        if (rel.kind == RelationKind::Sequence)
            continue;
        // A security_invoker view checks the base tables against the reader: those findings are the tables'.
        if (rel.kind == RelationKind::View && rel.securityInvoker)
            continue;
        const auto labels = m_classifier.labels(rel);
        if (labels.empty())
            continue;
        std::vector<std::string> readers;
        for (const auto &a : rel.acl) {
            if (a.privilege != "SELECT" || a.isPublic() || a.grantee == rel.owner || isSuperuser(a.grantee))
                continue; // PUBLIC is public-grant's; superusers are superuser-login's
            if (!isViewLike(rel) && rowsLimited(rel, a.grantee))
                continue;
            if (std::find(readers.begin(), readers.end(), a.grantee) == readers.end())
                readers.push_back(a.grantee);
        }
        if (readers.empty())
            continue;
        std::sort(readers.begin(), readers.end());

        std::vector<std::string> classifiedNames, others;
        for (const auto &c : rel.columns)
            (labels.count(c.name) ? classifiedNames : others).push_back(c.name);
        const std::string object = rel.qualifiedName();
        const std::string target = "TABLE " + quoteQualified(rel.schema, rel.name);

        std::vector<std::string> details {"classified columns: " + labelList(labels), "readers: " + join(readers)};
        for (const auto &[column, label] : labels)
            if (!label.source.empty())
                details.push_back(column + " is computed from " + label.source);
        if (anySuggested(labels))
            details.push_back(kSuggestedNote);

        std::string fix;
        if (rel.kind == RelationKind::View && viewsCanInvoke)
            fix = "-- readers then need their own grants on the base tables:\nALTER VIEW " + quoteQualified(rel.schema, rel.name)
                + " SET (security_invoker = true);\n-- or keep the view and let its readers see only the other columns:\n";
        fix += "REVOKE SELECT ON " + target + " FROM " + granteeListSql(readers) + ";";
        if (!others.empty()) {
            std::vector<std::string> quoted;
            for (const auto &c : others)
                quoted.push_back(quoteIdent(c));
            fix += "\nGRANT SELECT (" + join(quoted) + ") ON " + target + " TO " + granteeListSql(readers) + ";";
        }
        if (!isViewLike(rel))
            fix += "\n-- or ALTER TABLE " + quoteQualified(rel.schema, rel.name)
                + " ENABLE ROW LEVEL SECURITY with a policy per role; agents get Writ scopes that mask or leave out "
                  "these columns";

        if (isViewLike(rel)) {
            add(Severity::Medium, "classified-column-exposed", object,
                std::string(kindWord(rel.kind)) + " " + object + " shows classified columns to " + shortList(readers),
                rel.kind == RelationKind::View
                    ? "The view runs with the rights of its owner (" + rel.owner
                        + "): its readers need no grant on the base tables, and the base tables' row-level security is "
                          "checked against the owner. Whoever may read the view reads "
                        + join(classifiedNames) + " of every row it returns; an agent given such a role too."
                    : "A materialized view is a copy: row-level security of its base tables does not apply, so whoever "
                      "may read it reads "
                        + join(classifiedNames) + " of every row; an agent given such a role too.",
                std::move(fix), std::move(details));
        } else {
            add(Severity::Medium, "classified-column-exposed", object,
                "classified columns of " + std::string(kindWord(rel.kind)) + " " + object + " are readable in full by "
                    + shortList(readers),
                "Table-level SELECT without row-level security reads " + join(classifiedNames)
                    + " of every row: no column grant and no row policy narrows it, so an agent given one of these "
                      "roles (or a login that is a member of one) can read all of it at once, not only the rows of its "
                      "task.",
                std::move(fix), std::move(details));
        }
    }
}

std::vector<std::string> searchPathOf(const catalog::Function &f, bool &pinned)
{
    pinned = false;
    std::vector<std::string> path;
    for (const auto &c : f.config) {
        if (c.rfind("search_path=", 0) != 0)
            continue;
        pinned = true;
        std::string item;
        const std::string value = c.substr(12) + ",";
        for (const char ch : value) {
            if (ch == ',') {
                const auto b = item.find_first_not_of(" \"");
                const auto e = item.find_last_not_of(" \"");
                path.push_back(b == std::string::npos ? std::string() : item.substr(b, e - b + 1));
                item.clear();
            } else {
                item += ch;
            }
        }
    }
    return path;
}

void Finder::securityDefiners()
{
    for (const auto &f : m_catalog.functions) {
        if (!f.securityDefiner)
            continue;
        bool pinned = false;
        const std::vector<std::string> path = searchPathOf(f, pinned);
        const bool tempLast = !path.empty() && path.back() == "pg_temp";
        if (pinned && tempLast)
            continue;

        // An empty ACL in a hand-written snapshot means the default: EXECUTE for PUBLIC.
        const bool publicExecute = f.acl.empty() || privilegesOf(f.acl, "").count("EXECUTE") > 0;
        std::vector<std::string> executors;
        for (const auto &a : f.acl)
            if (a.privilege == "EXECUTE" && !a.isPublic() && a.grantee != f.owner)
                executors.push_back(a.grantee);

        const std::string object = f.signature();
        const std::string target = "FUNCTION " + quoteQualified(f.schema, f.name) + "(" + f.arguments + ")";
        std::vector<std::string> details {"owner: " + f.owner + (isSuperuser(f.owner) ? " (superuser)" : "")};
        details.push_back(publicExecute
                ? std::string("executable by PUBLIC (the default for every function)")
                : "executable by: " + (executors.empty() ? std::string("its owner only") : join(executors)));
        const std::string pinFix = "-- list every schema the body needs, pg_temp last (or schema-qualify every name in the "
                                   "body):\nALTER "
            + target + " SET search_path = " + quoteIdent(f.schema) + ", pg_temp;";

        if (!pinned) {
            std::string fix = pinFix;
            if (publicExecute)
                fix += "\nREVOKE EXECUTE ON " + target + " FROM PUBLIC;\n-- then, for each role that needs it: GRANT EXECUTE ON "
                    + target + " TO <role>;";
            add(publicExecute ? Severity::High : Severity::Medium, "secdef-search-path", object,
                "SECURITY DEFINER function " + object + " has no fixed search_path"
                    + (publicExecute ? std::string(" and PUBLIC may execute it") : std::string()),
                "It runs with the rights of its owner (" + f.owner
                    + ") but resolves unqualified names through the caller's search_path: a caller who can create an "
                      "object in a schema on that path, or a temporary table, makes it run their code or read their "
                      "table with the owner's rights."
                    + (publicExecute ? " And since PUBLIC may execute it, every agent reaches whatever it returns, "
                                       "whatever the agent's own grants."
                                     : std::string()),
                std::move(fix), std::move(details));
        } else {
            details.push_back("search_path: " + (path.empty() ? std::string("(empty)") : join(path)));
            add(Severity::Low, "secdef-search-path", object,
                "SECURITY DEFINER function " + object + " sets search_path without pg_temp last",
                "When pg_temp is not listed last, the caller's temporary schema is searched first for tables and views: "
                "a caller's temporary table can stand in for one the function reads, with the owner's rights.",
                pinFix, std::move(details));
        }
    }
}

std::string defaultAclTarget(const catalog::DefaultAcl &d)
{
    return "ALTER DEFAULT PRIVILEGES FOR ROLE " + quoteIdent(d.role)
        + (d.schema.empty() ? std::string() : " IN SCHEMA " + quoteIdent(d.schema));
}

std::string objectTypePlural(const std::string &t)
{
    return t == "table"   ? "TABLES"
        : t == "sequence" ? "SEQUENCES"
        : t == "function" ? "FUNCTIONS"
        : t == "type"     ? "TYPES"
                          : "SCHEMAS";
}

void Finder::defaultPrivileges()
{
    for (const auto &d : m_catalog.defaultAcls) {
        const std::string plural = objectTypePlural(d.objectType);
        std::string object
            = "default privileges of role " + d.role + (d.schema.empty() ? std::string() : " in schema " + d.schema) + " on ";
        for (const char c : plural)
            object += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));

        Privileges publicPrivs;
        for (const auto &p : privilegesOf(d.acl, "")) {
            // EXECUTE on functions and USAGE on types are PostgreSQL's own defaults, not a choice made here.
            if ((d.objectType == "function" && p == "EXECUTE") || (d.objectType == "type" && p == "USAGE"))
                continue;
            publicPrivs.insert(p);
        }
        if (!publicPrivs.empty()) {
            add(d.objectType == "table" ? Severity::High : Severity::Medium, "default-public-grant", object,
                "every " + d.objectType + " " + d.role + " creates"
                    + (d.schema.empty() ? std::string() : " in schema " + d.schema) + " will grant " + join(publicPrivs)
                    + " to PUBLIC",
                "Objects created from now on are reachable by every role, agents included, without anyone deciding so "
                "per object; sensitive tables created later are exposed the moment they exist.",
                defaultAclTarget(d) + " REVOKE " + join(publicPrivs) + " ON " + plural
                    + " FROM PUBLIC;\n-- objects already created this way carry the grant: see their public-grant findings",
                {"grantor: " + d.role});
        }

        if (d.objectType != "table")
            continue;
        std::map<std::string, Privileges> byGrantee;
        for (const auto &a : d.acl)
            if (!a.isPublic() && a.grantee != d.role)
                byGrantee[a.grantee].insert(a.privilege);
        for (const auto &[grantee, privs] : byGrantee) {
            if (!(privs.count("SELECT") && privs.count("INSERT") && privs.count("UPDATE") && privs.count("DELETE")))
                continue;
            add(Severity::Medium, "default-all-privileges", object,
                "every table " + d.role + " creates" + (d.schema.empty() ? std::string() : " in schema " + d.schema)
                    + " will grant " + join(privs) + " to " + grantee,
                "Tables created from now on are readable and writable in full by " + grantee
                    + " without anyone deciding so per table, sensitive ones included; an agent given that role "
                      "inherits every future table.",
                defaultAclTarget(d) + " REVOKE ALL ON TABLES FROM " + quoteIdent(grantee)
                    + ";\n-- then grant per table, columns where it matters: GRANT SELECT (...) ON TABLE ... TO "
                    + quoteIdent(grantee) + ";",
                {"grantee: " + grantee, "privileges: " + join(privs)});
        }
    }
}

} // namespace

const char *toString(Severity s)
{
    switch (s) {
    case Severity::High:
        return "high";
    case Severity::Medium:
        return "medium";
    case Severity::Low:
        return "low";
    case Severity::Info:
        return "info";
    }
    return "info";
}

std::optional<Severity> parseSeverity(std::string_view s)
{
    for (const Severity v : {Severity::High, Severity::Medium, Severity::Low, Severity::Info})
        if (s == toString(v))
            return v;
    return std::nullopt;
}

bool findingLess(const Finding &a, const Finding &b)
{
    return std::tie(a.severity, a.code, a.object, a.title) < std::tie(b.severity, b.code, b.object, b.title);
}

std::span<const FindingRule> findingRules()
{
    return kRules;
}

const FindingRule *findRule(std::string_view code)
{
    const auto it = std::find_if(kRules.begin(), kRules.end(), [&](const FindingRule &r) { return code == r.code; });
    return it == kRules.end() ? nullptr : &*it;
}

std::vector<Finding> findFindings(
    const catalog::Catalog &catalog, const SessionActivity &activity, const policy::Policy *classification)
{
    return Finder(catalog, activity, classification).run();
}

} // namespace writ::findings
