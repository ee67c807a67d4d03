// SPDX-License-Identifier: Apache-2.0
// The admin API's routes. Every answer is JSON (except /metrics, Prometheus text); errors are
// {"error": ..., "hint": ...} with 400 (bad request), 404 (no such object), 409 (refused in the
// object's current state) or 503 (the state database cannot be reached).
#include "gateway/admin/admin_routes.h"

#include "audit/audit_tail.h"
#include "audit/audit_writer.h"
#include "gateway/gateway_context.h"
#include "gateway/session/upstream_pool.h"
#include "policy/policy.h"
#include "tasks/approval_json.h"
#include "tasks/approvals.h"
#include "tasks/task_manager.h"

#include <writ/version.h>

#include "gateway/admin/http_json.h"

#include <httplib.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <sstream>

namespace writ::gateway {

namespace {

using nlohmann::json;

using http::fail;
using http::reply;

/// TaskError::Refused means the request met the object in a state that forbids it.
void failTask(httplib::Response &res, const tasks::TaskError &e)
{
    if (e.kind() == tasks::TaskError::Kind::Refused) {
        const std::string what = e.what();
        fail(res, what.rfind("no ", 0) == 0 ? 404 : 409, what);
    } else {
        fail(res, 503, e.what(), "the gateway cannot reach its state database; try again");
    }
}

bool flag(const httplib::Request &req, const char *name)
{
    const std::string v = req.get_param_value(name);
    return v == "1" || v == "true" || v == "yes";
}

/// The JSON body of a POST, {} when empty; nullopt (and a 400 sent) when it is not an object.
std::optional<json> body(const httplib::Request &req, httplib::Response &res)
{
    if (req.body.empty())
        return json::object();
    json j = json::parse(req.body, nullptr, false);
    if (!j.is_object()) {
        fail(res, 400, "the request body must be a JSON object");
        return std::nullopt;
    }
    return j;
}

std::string stringField(const json &j, const char *key)
{
    const auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::string isoTime(std::chrono::system_clock::time_point t)
{
    const std::time_t secs = std::chrono::system_clock::to_time_t(t);
    std::tm tm{};
    gmtime_r(&secs, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

void metric(std::ostringstream &out, const char *name, const char *type, const char *help, double value)
{
    out << "# HELP " << name << ' ' << help << "\n# TYPE " << name << ' ' << type << '\n' << name << ' ' << value << '\n';
}

std::string prometheus(GatewayContext &ctx)
{
    const GatewayMetrics &m = ctx.metrics();
    std::ostringstream out;
    metric(out, "writ_gateway_up", "gauge", "1 while the gateway serves.", 1);
    metric(out, "writ_gateway_uptime_seconds", "gauge", "Seconds since the gateway started.", m.uptimeSeconds());
    metric(out, "writ_gateway_policy_version", "gauge", "Deployment version of the policy in force.",
           static_cast<double>(ctx.policyVersion()));
    metric(out, "writ_gateway_sessions", "gauge", "Authenticated client sessions now.", static_cast<double>(ctx.sessions().size()));
    out << "# HELP writ_gateway_io_thread_connections Client connections each I/O thread serves now.\n"
           "# TYPE writ_gateway_io_thread_connections gauge\n";
    const std::vector<int> perThread = ctx.placement().connectionsPerThread();
    for (std::size_t i = 0; i < perThread.size(); ++i)
        out << "writ_gateway_io_thread_connections{thread=\"" << i << "\"} " << perThread[i] << '\n';
    metric(out, "writ_gateway_connections_total", "counter", "TCP connections accepted.", static_cast<double>(m.connectionsAccepted));
    metric(out, "writ_gateway_connections_refused_busy_total", "counter", "Connections refused at max_clients.",
           static_cast<double>(m.connectionsRefusedBusy));
    metric(out, "writ_gateway_authentications_refused_total", "counter", "Task credentials refused.",
           static_cast<double>(m.authenticationsRefused));
    metric(out, "writ_gateway_sessions_opened_total", "counter", "Sessions authenticated and logged in upstream.",
           static_cast<double>(m.sessionsOpened));
    metric(out, "writ_gateway_sessions_terminated_total", "counter", "Sessions ended by revocation, expiry or an admin.",
           static_cast<double>(m.sessionsTerminated));
    out << "# HELP writ_gateway_statements_total Statements decided, by verdict.\n# TYPE writ_gateway_statements_total counter\n"
        << "writ_gateway_statements_total{verdict=\"allow\"} " << m.statementsAllowed << '\n'
        << "writ_gateway_statements_total{verdict=\"deny\"} " << m.statementsDenied << '\n'
        << "writ_gateway_statements_total{verdict=\"approval_required\"} " << m.statementsApprovalRequired << '\n';
    metric(out, "writ_gateway_audit_failures_total", "counter", "Audit records that could not be written (statement refused).",
           static_cast<double>(m.auditFailures));
    metric(out, "writ_gateway_policy_reloads_total", "counter", "New policy deployments picked up.", static_cast<double>(m.policyReloads));
    metric(out, "writ_gateway_upstream_idle", "gauge", "Idle database connections kept for their task's next session.",
           static_cast<double>(ctx.upstreamPool().idleCount()));
    metric(out, "writ_gateway_upstream_reused_total", "counter", "Sessions that started on a kept connection instead of a new login.",
           static_cast<double>(ctx.upstreamPool().reused()));
    metric(out, "writ_gateway_bundles_rejected_total", "counter", "Active policy bundles refused (signature, key or policy).",
           static_cast<double>(m.bundlesRejected));
    metric(out, "writ_gateway_revocations_notified_total", "counter", "Task ends pushed by the state database (LISTEN/NOTIFY).",
           static_cast<double>(m.revocationsNotified));
    metric(out, "writ_gateway_state_listening", "gauge", "1 while the gateway listens to the state database for revocations.",
           m.stateListening ? 1 : 0);
    return out.str();
}

void statusRoutes(httplib::Server &http, GatewayContext &ctx)
{
    http.Get("/v1/status", [&ctx](const httplib::Request &, httplib::Response &res) {
        const auto &c = ctx.config();
        reply(res, 200,
              {{"version", kVersion}, {"policy_version", ctx.policyVersion()}, {"sessions", ctx.sessions().size()},
               {"uptime_seconds", ctx.metrics().uptimeSeconds()}, {"environment", c.environment},
               {"database", c.upstream.database}, {"listen", c.listen.host + ":" + std::to_string(c.listen.port)}});
    });
    http.Get("/metrics", [&ctx](const httplib::Request &, httplib::Response &res) {
        res.set_content(prometheus(ctx), "text/plain; version=0.0.4");
    });
}

void sessionRoutes(httplib::Server &http, GatewayContext &ctx)
{
    http.Get("/v1/sessions", [&ctx](const httplib::Request &, httplib::Response &res) {
        json out = json::array();
        const auto now = std::chrono::system_clock::now();
        for (const auto &s : ctx.sessions().list())
            out.push_back({{"id", s.pid}, {"session", s.info.sessionId}, {"task", s.info.taskId}, {"agent", s.info.agent},
                           {"task_type", s.info.taskType}, {"role", s.info.role}, {"client", s.info.client},
                           {"workflow", s.info.workflow}, {"started_at", isoTime(s.info.startedAt)},
                           {"age_seconds", std::chrono::duration_cast<std::chrono::seconds>(now - s.info.startedAt).count()},
                           {"task_statements", s.taskStatements}});
        reply(res, 200, out);
    });
    http.Delete(R"(/v1/sessions/(\d{1,9}))", [&ctx](const httplib::Request &req, httplib::Response &res) {
        const int pid = std::stoi(req.matches[1].str());
        if (!ctx.sessions().terminateSession(pid, "the session was ended by an administrator"))
            return fail(res, 404, "no live session " + std::to_string(pid), "GET /v1/sessions lists them");
        reply(res, 200, {{"id", pid}, {"terminated", true}});
    });
}

void taskRoutes(httplib::Server &http, GatewayContext &ctx)
{
    http.Get("/v1/tasks", [&ctx](const httplib::Request &req, httplib::Response &res) {
        try {
            json out = json::array();
            for (const auto &t : tasks::listTasks(ctx.config().stateDsn, flag(req, "all")))
                out.push_back({{"id", t.id}, {"agent", t.agent}, {"task_type", t.taskType}, {"role", t.role},
                               {"created_at", t.createdAt}, {"expires_at", t.expiresAt}, {"revoked_at", t.revokedAt},
                               {"revoke_reason", t.revokeReason}, {"live", t.live}});
            reply(res, 200, out);
        } catch (const tasks::TaskError &e) {
            failTask(res, e);
        }
    });
    // complete = the agent's work is done; DELETE = revoked. Both end the task everywhere (the
    // other gateways see it in the state database) and cut this gateway's sessions at once.
    const auto end = [&ctx](const std::string &id, const std::string &reason, httplib::Response &res) {
        try {
            // Counted first: the state database's NOTIFY may end the local sessions before endTask returns.
            const std::size_t local = ctx.sessions().countTask(id);
            const int upstreamKilled = tasks::endTask(ctx.config().stateDsn, id, reason);
            ctx.sessions().terminateTask(id, "task " + id + " was " + reason);
            ctx.upstreamPool().dropTask(id);
            reply(res, 200, {{"task", id}, {"ended", reason}, {"sessions_terminated", std::max<std::size_t>(local, upstreamKilled)}});
        } catch (const tasks::TaskError &e) {
            failTask(res, e);
        }
    };
    http.Post(R"(/v1/tasks/([A-Za-z0-9_.-]{1,128})/complete)", [end](const httplib::Request &req, httplib::Response &res) {
        end(req.matches[1].str(), "completed", res);
    });
    http.Delete(R"(/v1/tasks/([A-Za-z0-9_.-]{1,128}))", [end](const httplib::Request &req, httplib::Response &res) {
        std::string reason = req.get_param_value("reason");
        end(req.matches[1].str(), reason.empty() ? "revoked" : "revoked: " + reason, res);
    });
}

void approvalRoutes(httplib::Server &http, GatewayContext &ctx)
{
    http.Get("/v1/approvals", [&ctx](const httplib::Request &req, httplib::Response &res) {
        try {
            json out = json::array();
            for (const auto &a : tasks::listApprovals(ctx.config().stateDsn, flag(req, "all")))
                out.push_back(tasks::approvalToJson(a));
            reply(res, 200, out);
        } catch (const tasks::TaskError &e) {
            failTask(res, e);
        }
    });
    http.Post(R"(/v1/approvals/([A-Za-z0-9_.-]{1,128})/(approve|deny))", [&ctx](const httplib::Request &req, httplib::Response &res) {
        const auto b = body(req, res);
        if (!b)
            return;
        tasks::ApprovalDecision d;
        d.id = req.matches[1].str();
        d.approve = req.matches[2].str() == "approve";
        d.decidedBy = stringField(*b, "by");
        d.reason = stringField(*b, "reason");
        if (const std::string validFor = stringField(*b, "valid_for"); !validFor.empty()) {
            const auto parsed = policy::parseDuration(validFor);
            if (!parsed)
                return fail(res, 400, "valid_for '" + validFor + "' is not a duration", "write it like 90s, 10m or 1h");
            d.validFor = std::chrono::duration_cast<std::chrono::seconds>(*parsed);
        }
        try {
            reply(res, 200, tasks::approvalToJson(tasks::decideApproval(ctx.config().stateDsn, d)));
        } catch (const tasks::TaskError &e) {
            failTask(res, e);
        }
    });
}

void auditRoutes(httplib::Server &http, GatewayContext &ctx)
{
    http.Get("/v1/audit", [&ctx](const httplib::Request &req, httplib::Response &res) {
        audit::TailQuery q;
        if (const std::string limit = req.get_param_value("limit"); !limit.empty()) {
            try {
                q.limit = static_cast<std::size_t>(std::stoul(limit));
            } catch (const std::exception &) {
                return fail(res, 400, "limit must be a number from 1 to 10000");
            }
            if (q.limit < 1 || q.limit > 10000)
                return fail(res, 400, "limit must be a number from 1 to 10000");
        }
        for (const char *field : {"agent", "task", "task_type", "verdict", "rule", "event", "session", "workflow"})
            if (const std::string v = req.get_param_value(field); !v.empty())
                q.equals[field] = v;
        ctx.audit().flush(); // what was decided a moment ago is part of the answer
        const audit::TailResult r = audit::tailAuditFile(ctx.config().audit.file, q);
        if (r.error)
            return fail(res, 503, *r.error);
        std::string out = "[";
        for (std::size_t i = 0; i < r.records.size(); ++i)
            out += (i ? "," : "") + r.records[i];
        out += "]";
        res.set_content(out, "application/json");
    });
}

} // namespace

void registerAdminRoutes(httplib::Server &http, GatewayContext &ctx)
{
    statusRoutes(http, ctx);
    sessionRoutes(http, ctx);
    taskRoutes(http, ctx);
    approvalRoutes(http, ctx);
    auditRoutes(http, ctx);
    registerPolicyRoutes(http, ctx);
}

} // namespace writ::gateway
