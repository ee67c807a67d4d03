// SPDX-License-Identifier: Apache-2.0
#pragma once

// Shared by the simulate tests: the floor tests' sessions and private database copies, plus the
// policy and catalog values the sandbox API takes, and a fingerprint of everything a sandbox run
// must leave as it was.

#include "../floor/floor_db.h"

#include "catalog/introspector.h"
#include "compile/naming.h"
#include "policy/policy_loader.h"

#include <memory>

namespace simtest {

using namespace floortest;

inline QString simulateData(const char *file)
{
    return QStringLiteral(WRIT_TEST_DATA_DIR "/simulate/") + QLatin1String(file);
}

inline std::shared_ptr<const writ::policy::Policy> loadPolicy(const QString &path)
{
    writ::policy::LoadResult loaded = writ::policy::loadPolicyFile(path.toStdString());
    if (!loaded.ok())
        qFatal("%s does not load", qPrintable(path));
    return std::make_shared<const writ::policy::Policy>(std::move(loaded.policy));
}

inline std::shared_ptr<const writ::catalog::Catalog> introspect(const QString &dsn)
{
    return std::make_shared<const writ::catalog::Catalog>(writ::catalog::introspect(dsn.toStdString()));
}

/// Everything a sandbox could leave behind, as one text: the roles the tests' policies use with their
/// attributes, memberships and settings, any role a sandbox creates, schemas, relations with their ACLs and row security, RLS policies, functions' ACLs, the
/// writ tables' rows, and a digest of the rows of every demo table. Sequences are left out: PostgreSQL
/// never rolls back nextval(), so an INSERT in the sandbox uses up ids like a failed INSERT does.
inline QString persistentState(Session &su)
{
    QStringList parts;
    auto add = [&](const QString &what, const QString &sql) {
        const SqlResult r = su.exec(sql);
        parts << what + "=" + (r.ok ? r.value() : QStringLiteral("error: ") + r.error);
    };
    // Each list: one text per object, sorted, joined.
    auto list = [&](const QString &what, const QString &item, const QString &from) {
        add(what, "SELECT coalesce(string_agg(x, ',' ORDER BY x), '') FROM (SELECT " + item + " AS x FROM " + from + ") s");
    };
    // Roles are cluster-wide and other tests create and drop theirs meanwhile: compare the roles these
    // tests' policies use, and require that no role a sandbox creates exists anywhere.
    QStringList names {"'helpdesk_app'", "'reporting'", "'writ_owner'", "'writ_runtime'"};
    for (const auto &[agent, task] : {std::pair {"support-summarizer", "summarize-tickets"}, std::pair {"refund-bot", "refund-payment"},
                                      std::pair {"analytics-reporter", "weekly-report"}, std::pair {"cleanup-bot", "purge-refunds"}})
        names << "'" + QString::fromStdString(writ::compile::taskTypeRoleName(agent, task)) + "'";
    const QString ours = "rolname IN (" + names.join(',') + ")";
    list("roles", "rolname || ':' || rolcanlogin || rolbypassrls || rolsuper || coalesce(rolvaliduntil::text, '') || ':' || "
                  "coalesce(shobj_description(oid, 'pg_authid'), '')",
         "pg_roles WHERE " + ours);
    list("sandbox roles", "rolname", "pg_roles WHERE rolname LIKE 'writ\\_sandbox\\_%' OR shobj_description(oid, 'pg_authid') LIKE '%(sandbox)%'");
    list("members", "roleid::regrole || '>' || member::regrole",
         "pg_auth_members m WHERE m.member IN (SELECT oid FROM pg_roles WHERE " + ours + ")");
    list("role settings", "setrole::regrole || ':' || array_to_string(setconfig, ';')",
         "pg_db_role_setting WHERE setrole IN (SELECT oid FROM pg_roles WHERE " + ours + ") "
         "AND setdatabase IN (0, (SELECT oid FROM pg_database WHERE datname = current_database()))");
    list("schemas", "nspname || ':' || coalesce(nspacl::text, '')", "pg_namespace");
    list("relations", "n.nspname || '.' || c.relname || ':' || c.relkind::text || c.relrowsecurity || ':' || coalesce(c.relacl::text, '')",
         "pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname NOT LIKE 'pg\\_%' AND n.nspname <> 'information_schema'");
    list("column acls", "attrelid::regclass || '.' || attname || ':' || attacl::text", "pg_attribute WHERE attacl IS NOT NULL");
    list("policies", "schemaname || '.' || tablename || '.' || policyname || ':' || cmd || ':' || roles::text || ':' || coalesce(qual, '') "
                     "|| ':' || coalesce(with_check, '')",
         "pg_policies");
    list("functions", "oid::regprocedure || ':' || coalesce(proacl::text, '')",
         "pg_proc WHERE pronamespace NOT IN ('pg_catalog'::regnamespace, 'information_schema'::regnamespace)");
    if (su.scalar("SELECT to_regclass('writ.task') IS NOT NULL") == QLatin1String("t")) {
        list("tasks", "t::text", "writ.task t");
        list("deployments", "d.version || ':' || d.sha256 || ':' || d.policy_name", "writ.deployment d");
    } else {
        parts << QStringLiteral("no writ schema");
    }
    for (const char *t : {"customers", "accounts", "tickets", "messages", "payments", "refunds", "internal_notes"})
        // An order-independent digest of every row's text: cheaper than hashing one sorted string of 240,000 messages.
        add(QLatin1String(t), "SELECT count(*) || ':' || sum(hashtext(x::text)::numeric) FROM public." + QLatin1String(t) + " x");
    return parts.join('\n');
}

/// The first line where two states differ, for failure messages.
inline QByteArray firstDifference(const QString &before, const QString &after)
{
    const QStringList a = before.split('\n'), b = after.split('\n');
    for (int i = 0; i < std::min(a.size(), b.size()); ++i)
        if (a[i] != b[i])
            return ("before: " + a[i].left(2000) + "\nafter:  " + b[i].left(2000)).toUtf8();
    return "states differ in length";
}

} // namespace simtest
