// SPDX-License-Identifier: Apache-2.0
#include "compile/deployment.h"

#include "catalog/catalog_error.h"
#include "catalog/introspector.h"
#include "compile/naming.h"
#include "compile/planner.h"
#include "compile/sql_render.h"

#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

namespace writ::compile {

using nlohmann::json;

namespace {

json toJson(const DesiredState &s)
{
    json j;
    for (const auto &r : s.roles)
        j["roles"].push_back({r.name, r.description});
    for (const auto &m : s.memberships)
        j["memberships"].push_back({m.role, m.member});
    for (const auto &x : s.schemas)
        j["schemas"].push_back(x.name);
    for (const auto &g : s.grants)
        j["grants"].push_back({g.role, g.schema, g.relation, g.column, g.privilege});
    for (const auto &r : s.rls)
        j["rls"].push_back({r.schema, r.relation});
    for (const auto &p : s.policies)
        j["policies"].push_back({p.schema, p.relation, p.name, p.command, p.role, p.usingSql, p.checkSql, p.passThrough});
    for (const auto &v : s.views)
        j["views"].push_back({v.schema, v.name, v.definitionSql});
    for (const auto &p : s.publicReplacements)
        j["public_replacements"].push_back({p.schema, p.relation, p.column, p.privilege, p.grantees});
    for (const auto &f : s.functionReplacements)
        j["function_replacements"].push_back({f.schema, f.name, f.arguments, f.grantees});
    return j;
}

DesiredState stateFromJson(const json &j)
{
    DesiredState s;
    auto each = [&](const char *key, auto fn) {
        if (j.contains(key))
            for (const auto &item : j.at(key))
                fn(item);
    };
    each("roles", [&](const json &a) { s.roles.push_back({a.at(0), a.at(1)}); });
    each("memberships", [&](const json &a) { s.memberships.push_back({a.at(0), a.at(1)}); });
    each("schemas", [&](const json &a) { s.schemas.push_back({a.get<std::string>()}); });
    each("grants", [&](const json &a) { s.grants.push_back({a.at(0), a.at(1), a.at(2), a.at(3), a.at(4)}); });
    each("rls", [&](const json &a) { s.rls.push_back({a.at(0), a.at(1)}); });
    each("policies", [&](const json &a) {
        s.policies.push_back({a.at(0), a.at(1), a.at(2), a.at(3), a.at(4), a.at(5), a.at(6), a.at(7).get<bool>()});
    });
    each("views", [&](const json &a) { s.views.push_back({a.at(0), a.at(1), a.at(2)}); });
    each("public_replacements", [&](const json &a) {
        s.publicReplacements.push_back({a.at(0), a.at(1), a.at(2), a.at(3), a.at(4).get<std::vector<std::string>>()});
    });
    each("function_replacements", [&](const json &a) {
        s.functionReplacements.push_back({a.at(0), a.at(1), a.at(2), a.at(3).get<std::vector<std::string>>()});
    });
    s.normalize();
    return s;
}

std::optional<Deployment> readLastDeployment(pqxx::transaction_base &tx)
{
    const pqxx::row exists = tx.exec1("SELECT to_regclass('writ.deployment') IS NOT NULL");
    if (!exists[0].as<bool>())
        return std::nullopt;
    const pqxx::result r = tx.exec("SELECT version, sha256, state::text, policy FROM writ.deployment ORDER BY version DESC LIMIT 1");
    if (r.empty())
        return std::nullopt;
    Deployment d = deploymentFromJson(r[0][2].as<std::string>());
    d.version = r[0][0].as<long long>();
    d.sha256 = r[0][1].as<std::string>();
    d.policyText = r[0][3].as<std::string>("");
    return d;
}

/// What the server prints for each policy and view Writ just created, exactly as the introspector reads it.
std::map<std::string, RecordedText> readBack(pqxx::transaction_base &tx, const DesiredState &desired)
{
    std::map<std::string, RecordedText> out;
    for (const auto &p : desired.policies) {
        const pqxx::result r = tx.exec_params(
            "SELECT coalesce(pg_get_expr(p.polqual, p.polrelid), ''), coalesce(pg_get_expr(p.polwithcheck, p.polrelid), '') "
            "FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = $1 AND c.relname = $2 AND p.polname = $3",
            p.schema, p.relation, p.name);
        if (r.empty())
            throw ApplyError("policy " + p.name + " on " + p.schema + "." + p.relation + " is missing after apply");
        out[recordKey(p)] = {p.usingSql + "\n" + p.checkSql, r[0][0].as<std::string>() + "\n" + r[0][1].as<std::string>()};
    }
    for (const auto &v : desired.views) {
        const pqxx::result r = tx.exec_params(
            "SELECT pg_get_viewdef(c.oid, true) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = $1 AND c.relname = $2",
            v.schema, v.name);
        if (r.empty())
            throw ApplyError("view " + v.schema + "." + v.name + " is missing after apply");
        out[recordKey(v)] = {v.definitionSql, r[0][0].as<std::string>()};
    }
    return out;
}

} // namespace

std::string deploymentStateJson(const Deployment &d)
{
    json j;
    j["writ_deployment"] = 1;
    j["runtime_sha256"] = d.runtimeSha256;
    j["state"] = toJson(d.state);
    json rec = json::object();
    for (const auto &[key, text] : d.recorded)
        rec[key] = {text.source, text.live};
    j["recorded"] = rec;
    return j.dump();
}

Deployment deploymentFromJson(const std::string &text)
{
    try {
        const json j = json::parse(text);
        Deployment d;
        d.runtimeSha256 = j.value("runtime_sha256", "");
        d.state = stateFromJson(j.at("state"));
        for (const auto &[key, pair] : j.at("recorded").items())
            d.recorded[key] = {pair.at(0), pair.at(1)};
        return d;
    } catch (const json::exception &e) {
        throw std::runtime_error(std::string("the last writ.deployment row has an unreadable state: ") + e.what());
    }
}

std::optional<Deployment> loadLastDeployment(const std::string &libpqUri)
{
    try {
        pqxx::connection c(catalog::withConnectTimeout(libpqUri));
        pqxx::read_transaction tx(c);
        return readLastDeployment(tx);
    } catch (const pqxx::broken_connection &e) {
        throw catalog::CatalogError(std::string("could not connect: ") + e.what(), catalog::CatalogError::Kind::Unreachable);
    } catch (const pqxx::sql_error &e) {
        throw catalog::CatalogError(std::string("could not read writ.deployment: ") + e.what(), catalog::CatalogError::Kind::Query);
    }
}

ApplyResult applyDesiredState(const std::string &libpqUri, const DesiredState &desired, const ApplyOptions &options)
{
    ApplyResult result;
    std::unique_ptr<pqxx::connection> conn;
    try {
        conn = std::make_unique<pqxx::connection>(catalog::withConnectTimeout(libpqUri));
    } catch (const pqxx::broken_connection &e) {
        throw catalog::CatalogError(std::string("could not connect: ") + e.what(), catalog::CatalogError::Kind::Unreachable);
    }
    pqxx::work tx(*conn);
    std::string current = "taking the deployment lock";
    try {
        tx.exec("SET LOCAL lock_timeout = '30s'");
        tx.exec("SELECT pg_advisory_xact_lock(" + std::to_string(kAdvisoryLockKey) + ")");
        current = "reading the catalog";
        const catalog::Catalog live = catalog::introspect(libpqUri);
        const std::optional<Deployment> last = readLastDeployment(tx);
        result.plan = planChanges(desired, live, last);
        if (result.plan.empty())
            return result;
        if (options.confirm && !options.confirm(result.plan)) {
            result.aborted = true;
            return result; // the transaction rolls back unused
        }
        std::string applied;
        if (result.plan.runtimeChange) {
            current = "installing the writ runtime schema";
            tx.exec(runtimeSql());
            applied += "-- writ runtime schema " + runtimeSha256() + "\n";
        }
        for (const auto &step : result.plan.steps) {
            current = step.why;
            tx.exec(step.sql);
        }
        applied += result.plan.sql();
        current = "recording the deployment";
        Deployment d;
        d.runtimeSha256 = runtimeSha256();
        d.state = desired;
        d.recorded = readBack(tx, desired);
        const pqxx::row row = tx.exec_params1(
            "INSERT INTO writ.deployment (policy_name, sha256, sql_applied, state, policy) VALUES ($1, $2, $3, $4::jsonb, $5) "
            "RETURNING version",
            options.policyName, options.policySha256, applied, deploymentStateJson(d), options.policyText);
        result.version = row[0].as<long long>();
        current = "committing";
        tx.commit();
        return result;
    } catch (const catalog::CatalogError &) {
        throw;
    } catch (const std::exception &e) {
        throw ApplyError("apply failed while " + current + ": " + e.what() + "; nothing was changed");
    }
}

} // namespace writ::compile
