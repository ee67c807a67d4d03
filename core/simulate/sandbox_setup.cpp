// SPDX-License-Identifier: Apache-2.0
#include "simulate/sandbox_setup.h"

#include "catalog/catalog_error.h"
#include "catalog/introspector.h"
#include "compile/compiler.h"
#include "compile/deployment.h"
#include "compile/naming.h"
#include "compile/planner.h"
#include "compile/sql_quote.h"
#include "compile/sql_render.h"
#include "policy/policy_writer.h"
#include "tasks/scram.h"
#include "tasks/task_manager.h"

#include <nlohmann/json.hpp>

namespace writ::simulate::detail {

using compile::quoteIdent;
using compile::quoteLiteral;

std::string serverMessage(const std::exception &e)
{
    std::string m = e.what();
    if (m.rfind("ERROR:  ", 0) == 0)
        m.erase(0, 8);
    // libpq adds "LINE n: <query>" and a caret line under it; the sandbox wraps statements (DECLARE,
    // a count), so those would point into text the user never wrote. DETAIL and HINT lines stay.
    std::string out;
    std::size_t from = 0;
    bool skipCaret = false;
    while (from <= m.size()) {
        const std::size_t eol = std::min(m.find('\n', from), m.size());
        const std::string line = m.substr(from, eol - from);
        from = eol + 1;
        if (line.rfind("LINE ", 0) == 0) {
            skipCaret = true;
            continue;
        }
        if (skipCaret) {
            skipCaret = false;
            if (line.find_first_not_of(" ^") == std::string::npos)
                continue;
        }
        if (!line.empty())
            out += (out.empty() ? "" : "\n") + line;
    }
    return out;
}

std::string sqlstateOf(const pqxx::sql_error &e)
{
    if (!e.sqlstate().empty())
        return e.sqlstate();
    if (dynamic_cast<const pqxx::insufficient_privilege *>(&e))
        return "42501";
    if (dynamic_cast<const pqxx::disk_full *>(&e))
        return "53100";
    if (dynamic_cast<const pqxx::out_of_memory *>(&e))
        return "53200";
    if (dynamic_cast<const pqxx::too_many_connections *>(&e))
        return "53300";
    if (dynamic_cast<const pqxx::insufficient_resources *>(&e))
        return "53000";
    if (dynamic_cast<const pqxx::feature_not_supported *>(&e))
        return "0A000";
    return {};
}

DraftFloor planDraftFloor(const std::string &connectionUri, const policy::Policy &policy, const policy::SourceMap &sources,
                          const catalog::Catalog &catalog)
{
    compile::CompileResult compiled = compile::compilePolicy(policy, sources, catalog);
    if (!compiled.ok()) {
        std::string message = "the draft policy does not compile:";
        for (const auto &d : compiled.diagnostics.items())
            if (d.severity == Severity::Error)
                message += "\n" + formatDiagnostic(d);
        throw SandboxError(message, SandboxError::Kind::Refused);
    }
    DraftFloor draft;
    try {
        const catalog::Catalog live = catalog::introspect(connectionUri);
        draft.plan = compile::planChanges(compiled.state, live, compile::loadLastDeployment(connectionUri));
    } catch (const catalog::CatalogError &e) {
        throw SandboxError(std::string("cannot read the live database: ") + e.what(), SandboxError::Kind::Environment);
    } catch (const std::runtime_error &e) {
        throw SandboxError(std::string("cannot read the last deployment: ") + e.what(), SandboxError::Kind::Environment);
    }
    draft.state = std::move(compiled.state);
    draft.policyName = policy.name;
    draft.policyText = policy::writePolicy(policy);
    return draft;
}

void applyDraftFloor(pqxx::transaction_base &tx, const DraftFloor &draft, std::chrono::milliseconds lockTimeout)
{
    std::string current = "taking the deployment lock";
    try {
        tx.exec("SET LOCAL lock_timeout = " + std::to_string(std::max<long long>(1, lockTimeout.count())));
        tx.exec("SELECT pg_advisory_xact_lock(" + std::to_string(compile::kAdvisoryLockKey) + ")");
        current = "installing the writ runtime schema";
        if (draft.plan.runtimeChange)
            tx.exec(compile::runtimeSql());
        for (const auto &step : draft.plan.steps) {
            current = step.why;
            tx.exec(step.sql);
        }
        current = "recording the draft as the deployed policy";
        compile::Deployment d;
        d.runtimeSha256 = compile::runtimeSha256();
        d.state = draft.state;
        tx.exec_params("INSERT INTO writ.deployment (version, policy_name, sha256, sql_applied, state, policy) "
                       "SELECT coalesce(max(version), 0) + 1, $1, $2, $3, $4::jsonb, $5 FROM writ.deployment",
                       draft.policyName, compile::sha256Hex(draft.policyText), "-- writ sandbox draft (rolled back)\n" + draft.plan.sql(),
                       compile::deploymentStateJson(d), draft.policyText);
        tx.exec("SET LOCAL lock_timeout = DEFAULT");
    } catch (const pqxx::broken_connection &) {
        throw;
    } catch (const pqxx::sql_error &e) {
        if (sqlstateOf(e) == "55P03")
            throw SandboxError("the sandbox could not take a lock within " + std::to_string(lockTimeout.count()) + " ms while " + current
                                   + ": another transaction holds it; try again, or allow more time with a longer timeout",
                               SandboxError::Kind::Environment);
        throw SandboxError("the draft floor could not be applied in the sandbox while " + current + ": " + serverMessage(e),
                           SandboxError::Kind::Refused);
    }
}

SandboxTask startSandboxTask(pqxx::transaction_base &tx, const policy::Policy &policy, const SandboxRequest &request)
{
    tasks::TaskRequest req;
    req.agent = request.agent;
    req.task = request.taskType;
    req.context = request.context;
    req.environment = request.environment;
    req.workflow = "writ sandbox";
    req.approvedBy = "writ sandbox"; // a simulation shows what the task could do once approved
    policy::Duration ttl {};
    const Diagnostics problems = tasks::validateTaskRequest(policy, req, ttl);
    if (problems.hasErrors()) {
        std::string message = "the task cannot start:";
        for (const auto &p : problems.items())
            if (p.severity == Severity::Error)
                message += "\n  " + p.message + (p.hint.empty() ? "" : " (" + p.hint + ")");
        throw SandboxError(message, SandboxError::Kind::Refused);
    }

    // What startTask does (task_manager.cpp), minus the password: nobody logs in as this role; the
    // sandbox switches to it with SET SESSION AUTHORIZATION, and it never becomes visible to others.
    SandboxTask t;
    t.id = tasks::randomHex(8);
    t.role = compile::jitRoleName(t.id);
    const std::string typeRole = compile::taskTypeRoleName(request.agent, request.taskType);
    if (tx.exec_params("SELECT 1 FROM pg_roles WHERE rolname = $1", typeRole).empty())
        throw SandboxError("role " + typeRole + " does not exist after applying the draft", SandboxError::Kind::Refused);
    nlohmann::json context = nlohmann::json::object();
    for (const auto &[k, v] : request.context)
        context[k] = v;
    const pqxx::row expires = tx.exec_params1(
        "INSERT INTO writ.task (id, role, agent, task_type, context, environment, workflow, expires_at) "
        "VALUES ($1, $2, $3, $4, $5::jsonb, nullif($6, ''), $7, now() + make_interval(secs => $8)) "
        "RETURNING to_char(expires_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')",
        t.id, t.role, request.agent, request.taskType, context.dump(), request.environment, req.workflow,
        static_cast<double>(ttl.count()));
    const std::string role = quoteIdent(t.role);
    tx.exec("CREATE ROLE " + role + " LOGIN INHERIT NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE CONNECTION LIMIT 1 VALID UNTIL "
            + quoteLiteral(expires[0].as<std::string>()));
    tx.exec("GRANT " + quoteIdent(typeRole) + " TO " + role);
    tx.exec("COMMENT ON ROLE " + role + " IS " + quoteLiteral("writ:task " + t.id + " " + request.agent + "/" + request.taskType + " (sandbox)"));
    const std::string viewSchema = compile::viewSchemaName(request.agent, request.taskType);
    if (!tx.exec_params("SELECT 1 FROM pg_namespace WHERE nspname = $1", viewSchema).empty()) {
        t.searchPath = quoteIdent(viewSchema) + ", public";
        // Recorded on the role as startTask does; a login would apply it, SET SESSION AUTHORIZATION does not.
        tx.exec("ALTER ROLE " + role + " SET search_path = " + t.searchPath);
    }
    return t;
}

} // namespace writ::simulate::detail
