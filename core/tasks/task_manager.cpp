// SPDX-License-Identifier: Apache-2.0
#include "tasks/task_manager.h"

#include "catalog/introspector.h"
#include "common/text.h"
#include "compile/naming.h"
#include "compile/sql_quote.h"
#include "policy/policy_loader.h"
#include "tasks/scram.h"
#include "tasks/task_db.h"
#include "tasks/task_password.h"

#include <libpq-fe.h>
#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include <charconv>
#include <regex>

namespace writ::tasks {

using compile::quoteIdent;
using compile::quoteLiteral;

using detail::withConnection;

namespace {

bool isInteger(const std::string &v, bool allowBig)
{
    std::int64_t n = 0;
    const auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
    if (ec != std::errc() || p != v.data() + v.size() || v.empty())
        return false;
    return allowBig || (n >= INT32_MIN && n <= INT32_MAX);
}

/// The URI a task connects with: host, port and database of `adminUri`, the task's own user and password.
std::string taskUri(const std::string &adminUri, const std::string &role, const std::string &password)
{
    char *err = nullptr;
    PQconninfoOption *opts = PQconninfoParse(adminUri.c_str(), &err);
    if (!opts) {
        std::string message = err ? err : "cannot parse the connection string";
        PQfreemem(err);
        throw TaskError(message, TaskError::Kind::Refused);
    }
    std::string host = "localhost", port = "5432", dbname;
    for (PQconninfoOption *o = opts; o->keyword; ++o) {
        if (!o->val)
            continue;
        const std::string key = o->keyword;
        if (key == "host" || key == "hostaddr")
            host = o->val;
        else if (key == "port")
            port = o->val;
        else if (key == "dbname")
            dbname = o->val;
    }
    PQconninfoFree(opts);
    auto encode = [](const std::string &s) {
        static const char hex[] = "0123456789ABCDEF";
        std::string out;
        for (const unsigned char c : s) {
            if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~')
                out += static_cast<char>(c);
            else {
                out += '%';
                out += hex[c >> 4];
                out += hex[c & 15];
            }
        }
        return out;
    };
    const bool socketDir = !host.empty() && host[0] == '/';
    std::string uri = "postgresql://" + encode(role) + ":" + encode(password) + "@" + (socketDir ? "" : host) + ":" + port + "/"
                    + encode(dbname);
    if (socketDir)
        uri += "?host=" + encode(host);
    return uri;
}

/// The policy of the newest deployment: what is enforced now, whatever the file on disk says.
policy::Policy deployedPolicy(pqxx::transaction_base &tx)
{
    if (!tx.exec1("SELECT to_regclass('writ.deployment') IS NOT NULL")[0].as<bool>())
        throw TaskError("no Writ policy is deployed in this database", TaskError::Kind::Refused);
    const pqxx::result r = tx.exec("SELECT policy FROM writ.deployment ORDER BY version DESC LIMIT 1");
    if (r.empty() || r[0][0].as<std::string>().empty())
        throw TaskError("no Writ policy is deployed in this database: run `writ apply` first", TaskError::Kind::Refused);
    policy::LoadResult loaded = policy::loadPolicy(r[0][0].as<std::string>(), "<deployed policy>");
    if (!loaded.ok())
        throw TaskError("the deployed policy does not load any more: " + formatDiagnostic(loaded.diagnostics.items().front()),
                        TaskError::Kind::Environment);
    return std::move(loaded.policy);
}

} // namespace

std::optional<std::string> contextValueProblem(policy::ContextType type, const std::string &v)
{
    using policy::ContextType;
    static const std::regex uuid("^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$");
    static const std::regex numeric("^-?[0-9]+(\\.[0-9]+)?$");
    static const std::regex date("^[0-9]{4}-[0-9]{2}-[0-9]{2}$");
    static const std::regex timestamptz("^[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]+)?)?(Z|[+-][0-9]{2}(:?[0-9]{2})?)$");
    if (v.size() > 1024)
        return "the value is longer than 1024 characters";
    if (findInvalidUtf8(v) || v.find('\0') != std::string::npos)
        return "the value is not valid UTF-8 text";
    switch (type) {
    case ContextType::Int: return isInteger(v, false) ? std::nullopt : std::optional<std::string>("expected a 32-bit integer");
    case ContextType::Bigint: return isInteger(v, true) ? std::nullopt : std::optional<std::string>("expected a 64-bit integer");
    case ContextType::Numeric: return std::regex_match(v, numeric) ? std::nullopt : std::optional<std::string>("expected a number");
    case ContextType::Uuid: return std::regex_match(v, uuid) ? std::nullopt : std::optional<std::string>("expected a UUID");
    case ContextType::Bool:
        return v == "true" || v == "false" ? std::nullopt : std::optional<std::string>("expected true or false");
    case ContextType::Date: return std::regex_match(v, date) ? std::nullopt : std::optional<std::string>("expected a date YYYY-MM-DD");
    case ContextType::Timestamptz:
        return std::regex_match(v, timestamptz) ? std::nullopt
                                                : std::optional<std::string>("expected a timestamp with zone, e.g. 2026-01-31T12:00:00Z");
    case ContextType::Text: return std::nullopt;
    }
    return "unknown type";
}

Diagnostics validateTaskRequest(const policy::Policy &policy, const TaskRequest &request, policy::Duration &ttl)
{
    Diagnostics d;
    const policy::Agent *agent = policy.findAgent(request.agent);
    if (!agent) {
        std::vector<std::string> ids;
        for (const auto &a : policy.agents)
            ids.push_back(a.id);
        d.error("task.unknown-agent", "agent '" + request.agent + "' is not in the deployed policy", "agents: " + joinList(ids));
        return d;
    }
    const policy::TaskType *task = policy.findTask(request.agent, request.task);
    if (!task) {
        std::vector<std::string> ids;
        for (const auto &t : agent->tasks)
            ids.push_back(t.id);
        d.error("task.unknown-task", "agent '" + request.agent + "' has no task type '" + request.task + "'",
                "its task types: " + joinList(ids));
        return d;
    }
    for (const auto &[key, value] : request.context) {
        if (std::find(task->contextKeys.begin(), task->contextKeys.end(), key) == task->contextKeys.end()) {
            d.error("task.unknown-context", "context key '" + key + "' is not part of " + request.agent + "/" + request.task,
                    task->contextKeys.empty() ? std::string("this task type takes no context")
                                              : "its context keys: " + joinList(task->contextKeys));
            continue;
        }
        const policy::ContextKey *declared = policy.findContextKey(key);
        if (declared)
            if (auto problem = contextValueProblem(declared->type, value))
                d.error("task.bad-context", "context " + key + "=" + value.substr(0, 64) + " is invalid: " + *problem,
                        "the policy declares " + key + " as " + policy::toString(declared->type));
    }
    for (const auto &key : task->contextKeys)
        if (!request.context.count(key))
            d.error("task.missing-context", "context key '" + key + "' is required by " + request.agent + "/" + request.task,
                    "pass --ctx " + key + "=<value>");
    if (!task->environments.empty()
        && std::find(task->environments.begin(), task->environments.end(), request.environment) == task->environments.end())
        d.error("task.wrong-environment",
                request.agent + "/" + request.task + " may run only in " + joinList(task->environments)
                    + (request.environment.empty() ? std::string(" (no environment given)") : ", not in " + request.environment),
                "pass --env with one of them");
    if (task->approval == policy::Approval::Required && request.approvedBy.empty())
        d.error("task.approval-required", request.agent + "/" + request.task + " needs a human's approval before it starts",
                "pass --approved-by <approver> once someone has approved it");
    const policy::Duration max = policy::effectiveMaxTtl(policy, *task);
    ttl = request.ttl.value_or(policy::effectiveTtl(policy, *task));
    if (ttl > max)
        ttl = max; // capped; startTask reports it
    if (ttl.count() <= 0)
        d.error("task.bad-ttl", "the ttl must be positive");
    return d;
}

StartedTask startTask(const std::string &libpqUri, const TaskRequest &request)
{
    if (!request.passwordSecret.empty() && request.passwordSecret.size() < kMinTaskPasswordSecretBytes)
        throw TaskError("the password secret holds " + std::to_string(request.passwordSecret.size()) + " bytes; it needs at least "
                            + std::to_string(kMinTaskPasswordSecretBytes),
                        TaskError::Kind::Refused);
    return withConnection(libpqUri, [&](pqxx::connection &c) {
        pqxx::work tx(c);
        const policy::Policy policy = deployedPolicy(tx);
        StartedTask started;
        const Diagnostics problems = validateTaskRequest(policy, request, started.ttl);
        if (problems.hasErrors()) {
            std::string message;
            for (const auto &p : problems.items())
                message += (message.empty() ? "" : "\n") + p.message + (p.hint.empty() ? "" : " (" + p.hint + ")");
            throw TaskError(message, TaskError::Kind::Refused);
        }
        if (request.ttl && *request.ttl > started.ttl)
            started.notices.push_back("ttl capped at the task type's max_ttl of " + policy::formatDuration(started.ttl));
        const std::string typeRole = compile::taskTypeRoleName(request.agent, request.task);
        if (tx.exec_params("SELECT 1 FROM pg_roles WHERE rolname = $1", typeRole).empty())
            throw TaskError("role " + typeRole + " does not exist: the deployed floor lacks this task type; run `writ apply`",
                            TaskError::Kind::Refused);

        started.id = randomHex(8);
        started.role = compile::jitRoleName(started.id);
        started.password = request.passwordSecret.empty() ? randomPassword() : derivedTaskPassword(request.passwordSecret, started.id);
        nlohmann::json context = nlohmann::json::object();
        for (const auto &[k, v] : request.context)
            context[k] = v;
        const pqxx::row row = tx.exec_params1(
            "INSERT INTO writ.task (id, role, agent, task_type, context, environment, workflow, expires_at) "
            "VALUES ($1, $2, $3, $4, $5::jsonb, nullif($6, ''), nullif($7, ''), now() + make_interval(secs => $8)) "
            "RETURNING to_char(expires_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')",
            started.id, started.role, request.agent, request.task, context.dump(), request.environment, request.workflow,
            static_cast<double>(started.ttl.count()));
        started.expiresAt = row[0].as<std::string>();
        const std::string role = quoteIdent(started.role);
        // The JIT role holds nothing itself: it inherits exactly its task type's grants.
        tx.exec("CREATE ROLE " + role + " LOGIN INHERIT NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE CONNECTION LIMIT "
                + std::to_string(std::max(1, request.connectionLimit)) + " VALID UNTIL " + quoteLiteral(started.expiresAt)
                + " PASSWORD " + quoteLiteral(scramVerifier(started.password)));
        tx.exec("GRANT " + quoteIdent(typeRole) + " TO " + role);
        tx.exec("COMMENT ON ROLE " + role + " IS " + quoteLiteral("writ:task " + started.id + " " + request.agent + "/" + request.task));
        const std::string viewSchema = compile::viewSchemaName(request.agent, request.task);
        if (!tx.exec_params("SELECT 1 FROM pg_namespace WHERE nspname = $1", viewSchema).empty())
            tx.exec("ALTER ROLE " + role + " SET search_path = " + quoteIdent(viewSchema) + ", public");
        // application_name holds at most 63 bytes: shorten the agent id (ASCII), never the task id.
        std::string agentForName = request.agent;
        const std::size_t room = compile::kMaxIdentifierBytes - std::string("writ:/").size() - started.id.size();
        if (agentForName.size() > room)
            agentForName.resize(room);
        tx.exec("ALTER ROLE " + role + " SET application_name = " + quoteLiteral("writ:" + agentForName + "/" + started.id));
        tx.commit();
        started.connectionUri = taskUri(libpqUri, started.role, started.password);
        return started;
    });
}

int endTask(const std::string &libpqUri, const std::string &taskId, const std::string &reason)
{
    return withConnection(libpqUri, [&](pqxx::connection &c) {
        std::string role;
        {
            pqxx::work tx(c);
            const pqxx::result r = tx.exec_params("SELECT role, revoked_at IS NOT NULL FROM writ.task WHERE id = $1 FOR UPDATE", taskId);
            if (r.empty())
                throw TaskError("no task with id " + taskId, TaskError::Kind::Refused);
            role = r[0][0].as<std::string>();
            if (r[0][1].as<bool>())
                throw TaskError("task " + taskId + " has already ended", TaskError::Kind::Refused);
            tx.exec_params("UPDATE writ.task SET revoked_at = now(), revoked_by = session_user, revoke_reason = $2 WHERE id = $1", taskId,
                           reason);
            if (!tx.exec_params("SELECT 1 FROM pg_roles WHERE rolname = $1", role).empty())
                tx.exec("ALTER ROLE " + quoteIdent(role) + " NOLOGIN");
            tx.commit(); // from here no new login succeeds and writ.ctx() is NULL for live sessions
        }
        pqxx::work tx(c);
        const pqxx::result killed =
            tx.exec_params("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = $1 AND pid <> pg_backend_pid()", role);
        if (!tx.exec_params("SELECT 1 FROM pg_roles WHERE rolname = $1", role).empty()) {
            tx.exec("DROP OWNED BY " + quoteIdent(role));
            tx.exec("DROP ROLE " + quoteIdent(role));
        }
        tx.commit();
        return static_cast<int>(killed.size());
    });
}

std::vector<std::string> reapExpiredTasks(const std::string &libpqUri)
{
    const std::vector<std::string> ids = withConnection(libpqUri, [&](pqxx::connection &c) {
        pqxx::read_transaction tx(c);
        std::vector<std::string> out;
        if (!tx.exec1("SELECT to_regclass('writ.task') IS NOT NULL")[0].as<bool>())
            return out;
        for (const auto &row : tx.exec("SELECT id FROM writ.task WHERE revoked_at IS NULL AND expires_at <= now() ORDER BY id"))
            out.push_back(row[0].as<std::string>());
        return out;
    });
    for (const auto &id : ids)
        endTask(libpqUri, id, "expired");
    return ids;
}

std::vector<TaskInfo> listTasks(const std::string &libpqUri, bool includeEnded)
{
    return withConnection(libpqUri, [&](pqxx::connection &c) {
        pqxx::read_transaction tx(c);
        std::vector<TaskInfo> out;
        if (!tx.exec1("SELECT to_regclass('writ.task') IS NOT NULL")[0].as<bool>())
            return out;
        const std::string sql =
            "SELECT t.id, t.agent, t.task_type, t.role, to_char(t.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), "
            "to_char(t.expires_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), "
            "coalesce(to_char(t.revoked_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), ''), coalesce(t.revoke_reason, ''), "
            "(SELECT count(*) FROM pg_stat_activity a WHERE a.usename = t.role), "
            "t.revoked_at IS NULL AND t.expires_at > now() "
            "FROM writ.task t "
            + std::string(includeEnded ? "" : "WHERE t.revoked_at IS NULL ") + "ORDER BY t.created_at, t.id";
        for (const auto &r : tx.exec(sql))
            out.push_back({r[0].as<std::string>(), r[1].as<std::string>(), r[2].as<std::string>(), r[3].as<std::string>(),
                           r[4].as<std::string>(), r[5].as<std::string>(), r[6].as<std::string>(), r[7].as<std::string>(),
                           r[8].as<int>(), r[9].as<bool>()});
        return out;
    });
}

} // namespace writ::tasks
