// SPDX-License-Identifier: Apache-2.0
#include "gateway/admin/task_api.h"

#include "audit/audit_writer.h"
#include "decide/decision_engine.h"
#include "gateway/gateway_context.h"
#include "gateway/session/client_network.h"
#include "identity/agent_mapping.h"
#include "identity/signing_key_file.h"
#include "identity/task_credential.h"
#include "identity/verifier.h"
#include "policy/policy.h"
#include "tasks/start_approvals.h"
#include "tasks/task_manager.h"

#include "gateway/admin/http_json.h"

#include <httplib.h>
#include <nlohmann/json.hpp>

#include <stdexcept>

namespace writ::gateway {

namespace {

using nlohmann::json;

/// An answer before the task exists: the status, the JSON body, nothing else to do.
struct Refusal
{
    int status;
    std::string error;
    std::string hint;
};

using http::bearerOf;

void send(httplib::Response &res, int status, const json &body)
{
    http::reply(res, status, body);
}

void send(httplib::Response &res, const Refusal &r)
{
    http::fail(res, r.status, r.error, r.hint);
}

/// A context value as the policy's literal syntax reads it: JSON strings as they are, numbers and
/// booleans in their JSON spelling. Objects, arrays and null are not context values.
std::optional<std::string> contextValue(const json &v)
{
    if (v.is_string())
        return v.get<std::string>();
    if (v.is_number_integer() || v.is_number_unsigned() || v.is_boolean())
        return v.dump();
    return std::nullopt;
}

identity::TrustEntry trustEntry(const TrustConfig &c)
{
    identity::TrustEntry e;
    e.kind = c.spiffe ? identity::TrustEntry::Kind::Spiffe : identity::TrustEntry::Kind::Oidc;
    e.issuer = c.issuer;
    e.trustDomain = c.trustDomain;
    e.audience = c.audience;
    e.allowedSubjects = c.subjects;
    e.keyFiles = c.keyFiles;
    e.leeway = c.leeway;
    e.maxLifetime = c.maxLifetime;
    return e;
}

/// "name:6433" -> "name", "[::1]:6433" -> "::1": the Host header without the admin API's port.
std::string hostOfHeader(std::string h)
{
    if (!h.empty() && h.front() == '[') {
        const auto close = h.find(']');
        return close == std::string::npos ? std::string() : h.substr(1, close - 1);
    }
    if (const auto colon = h.find(':'); colon != std::string::npos)
        h.erase(colon);
    return h;
}

std::string summaryOf(const tasks::TaskRequest &r, long long ttlSeconds)
{
    std::string s = "start " + r.agent + "/" + r.task + " for " + std::to_string(ttlSeconds) + "s";
    if (!r.context.empty()) {
        s += " with";
        for (const auto &[k, v] : r.context)
            s += " " + k + "=" + v;
    }
    if (!r.environment.empty())
        s += " in " + r.environment;
    if (!r.workflow.empty())
        s += " (workflow " + r.workflow + ")";
    return s;
}

} // namespace

struct TaskApi::Impl
{
    GatewayContext &ctx;
    int gatewayPort;
    identity::Verifier workloads;
    std::unique_ptr<identity::TaskCredentialIssuer> issuer;

    Impl(GatewayContext &c, int port) : ctx(c), gatewayPort(port) {}

    /// Who is asking: the agent a workload token maps to, or (admin token) the agent the body names.
    std::variant<std::string, Refusal> caller(const httplib::Request &req, const std::string &client, const json &body, bool admin,
                                              const policy::Policy &policy, std::string &workflowClaim) const;
    std::variant<tasks::TaskRequest, Refusal> taskRequest(const json &body, const std::string &agent) const;
    void start(const httplib::Request &req, httplib::Response &res, bool admin);
    /// For a task type with `approval: required`: asks for the approval (answering 202), consumes the one
    /// the request names (its id into `consumed`), or takes an admin's `approved_by`. False when `res`
    /// already holds the answer.
    bool settleStartApproval(const json &body, bool admin, tasks::TaskRequest &request, const std::string &client,
                             policy::Duration ttl, std::string &consumed, httplib::Response &res);
    /// What the agent needs to connect: the credential, the gateway's address as the agent reaches it, a URI.
    json connectionAnswer(const httplib::Request &req, const tasks::TaskRequest &request, const tasks::StartedTask &started,
                          const std::string &credential) const;
    void audit(const tasks::TaskRequest &r, const std::string &client, const std::string &taskId, const std::string &verdict,
               const std::string &approval, const std::string &message);
};

std::variant<std::string, Refusal> TaskApi::Impl::caller(const httplib::Request &req, const std::string &client, const json &body,
                                                         bool admin, const policy::Policy &policy, std::string &workflowClaim) const
{
    const auto named = body.find("agent");
    const std::string asked = named != body.end() && named->is_string() ? named->get<std::string>() : std::string();
    if (admin) {
        if (asked.empty())
            return Refusal{400, "with the admin token, the body must name the agent", "add \"agent\": \"<agent id>\""};
        return asked;
    }
    const std::string token = bearerOf(req);
    if (token.empty())
        return Refusal{401, "no identity token", "send Authorization: Bearer <the agent's OIDC ID token or JWT-SVID>"};
    const auto verified = workloads.verify(token);
    if (!verified)
        return Refusal{401, "the identity token was refused: " + verified.error().toString(),
                       "the gateway trusts the issuers in tasks_api.trust; check the token's issuer, audience and expiry"};
    const auto match = identity::mapToAgent(policy, verified.value());
    if (!match)
        return Refusal{403, match.error().toString(), "list the identity on the agent in the policy and deploy it"};
    if (!asked.empty() && asked != match->agentId)
        return Refusal{403, "the identity token speaks for agent '" + match->agentId + "', not '" + asked + "'",
                       "an agent starts only its own tasks"};
    if (const auto problem = networkProblem(policy, match->agentId, client))
        return Refusal{403, *problem, "call from a network the agent's identity lists"};
    workflowClaim = verified->claims.get("workflow");
    return match->agentId;
}

std::variant<tasks::TaskRequest, Refusal> TaskApi::Impl::taskRequest(const json &body, const std::string &agent) const
{
    tasks::TaskRequest r;
    r.agent = agent;
    const auto str = [&](const char *key) {
        const auto it = body.find(key);
        return it != body.end() && it->is_string() ? it->get<std::string>() : std::string();
    };
    for (const char *key : {"task_type", "ttl", "workflow", "approval", "approved_by"})
        if (body.contains(key) && !body[key].is_string())
            return Refusal{400, std::string(key) + " must be a string"};
    r.task = str("task_type");
    if (r.task.empty())
        return Refusal{400, "the body must name the task type", "add \"task_type\": \"<one of the agent's task types>\""};
    if (const auto c = body.find("context"); c != body.end()) {
        if (!c->is_object())
            return Refusal{400, "context must be an object of key: value", "e.g. \"context\": {\"customer_id\": 42}"};
        for (const auto &[key, value] : c->items()) {
            const auto text = contextValue(value);
            if (!text)
                return Refusal{400, "context value of " + key + " must be a string, a number or a boolean"};
            r.context.emplace(key, *text);
        }
    }
    if (const std::string ttl = str("ttl"); !ttl.empty()) {
        r.ttl = policy::parseDuration(ttl);
        if (!r.ttl)
            return Refusal{400, "ttl '" + ttl + "' is not a duration", "write it like 90s, 5m or 1h"};
    }
    if (const auto limit = body.find("connection_limit"); limit != body.end()) {
        if (!limit->is_number_integer() || limit->get<int>() < 1 || limit->get<int>() > 100)
            return Refusal{400, "connection_limit must be a whole number from 1 to 100"};
        r.connectionLimit = limit->get<int>();
    }
    r.workflow = str("workflow");
    r.environment = ctx.config().environment;
    return r;
}

void TaskApi::Impl::audit(const tasks::TaskRequest &r, const std::string &client, const std::string &taskId,
                          const std::string &verdict, const std::string &approval, const std::string &message)
{
    audit::AuditEvent e;
    e.kind = audit::EventKind::TaskStart;
    e.agent = r.agent;
    e.task = taskId;
    e.taskType = r.task;
    e.workflow = r.workflow;
    e.client = client;
    e.verdict = verdict;
    e.approval = approval;
    e.message = message;
    if (!ctx.audit().append(e))
        ctx.metrics().auditFailures++;
}

void TaskApi::Impl::start(const httplib::Request &req, httplib::Response &res, bool admin)
{
    json body = req.body.empty() ? json::object() : json::parse(req.body, nullptr, false);
    if (!body.is_object())
        return send(res, Refusal{400, "the request body must be a JSON object"});
    const auto engine = ctx.engine();
    const policy::Policy &policy = engine->policy();
    const std::string client = req.remote_addr + ":" + std::to_string(req.remote_port);
    std::string workflowClaim;
    auto who = caller(req, client, body, admin, policy, workflowClaim);
    if (auto *refusal = std::get_if<Refusal>(&who))
        return send(res, *refusal);
    auto parsed = taskRequest(body, std::get<std::string>(who));
    if (auto *refusal = std::get_if<Refusal>(&parsed))
        return send(res, *refusal);
    tasks::TaskRequest request = std::move(std::get<tasks::TaskRequest>(parsed));
    if (request.workflow.empty())
        request.workflow = workflowClaim;
    request.passwordSecret = ctx.passwordSecret();

    // Validate everything but the approval first, so that a request that could never start is
    // refused at once instead of waiting for a person.
    std::string consumed; // a start approval used by this request, released if the start fails
    const policy::TaskType *type = policy.findTask(request.agent, request.task);
    const bool needsApproval = type && type->approval == policy::Approval::Required;
    {
        tasks::TaskRequest probe = request;
        probe.approvedBy = "-";
        policy::Duration ttl{};
        const Diagnostics problems = tasks::validateTaskRequest(policy, probe, ttl);
        if (problems.hasErrors()) {
            std::string message;
            for (const auto &p : problems.items())
                message += (message.empty() ? "" : "; ") + p.message;
            audit(request, client, "", "deny", "", message);
            return send(res, Refusal{400, message});
        }
        if (needsApproval && !settleStartApproval(body, admin, request, client, ttl, consumed, res))
            return;
    }

    tasks::StartedTask started;
    try {
        started = tasks::startTask(ctx.config().stateDsn, request);
    } catch (const tasks::TaskError &e) {
        if (!consumed.empty()) {
            try {
                tasks::releaseStartApproval(ctx.config().stateDsn, consumed);
            } catch (const tasks::TaskError &) {
            }
        }
        audit(request, client, "", "deny", consumed, e.what());
        if (e.kind() == tasks::TaskError::Kind::Environment)
            return send(res, Refusal{503, e.what(), "the gateway cannot reach its state database; try again"});
        return send(res, Refusal{400, e.what()});
    }
    const auto credential = issuer->issue({request.agent, started.id, request.task, identity::contextDigest(request.context),
                                           request.environment, request.workflow, started.ttl});
    if (!credential) {
        // A task nobody can use must not stay behind.
        try {
            tasks::endTask(ctx.config().stateDsn, started.id, "revoked: the gateway could not issue its credential");
        } catch (const tasks::TaskError &) {
        }
        return send(res, Refusal{500, "could not issue the task credential: " + credential.error().toString()});
    }
    audit(request, client, started.id, "allow", consumed, request.approvedBy.empty() ? "" : "approved by " + request.approvedBy);

    send(res, 201, connectionAnswer(req, request, started, credential.value()));
}

bool TaskApi::Impl::settleStartApproval(const json &body, bool admin, tasks::TaskRequest &request, const std::string &client,
                                        policy::Duration ttl, std::string &consumed, httplib::Response &res)
{
    const long long ttlSeconds = std::chrono::duration_cast<std::chrono::seconds>(ttl).count();
    const std::string digest = tasks::startRequestDigest(request, ttlSeconds);
    const auto approvalIt = body.find("approval");
    const std::string approvedBy = admin && body.contains("approved_by") ? body["approved_by"].get<std::string>() : "";
    try {
        if (!approvedBy.empty()) {
            request.approvedBy = approvedBy;
        } else if (approvalIt == body.end()) {
            const std::string id = tasks::requestStartApproval(ctx.config().stateDsn, request, digest, summaryOf(request, ttlSeconds),
                                                               ctx.config().tasksApi.approvalWindow);
            audit(request, client, "", "approval_required", id, "the task type needs a person's approval");
            send(res, 202, {{"status", "approval_required"}, {"approval", id},
                            {"hint", "retry the same request with \"approval\": \"" + id + "\" once it is approved (writ approve " + id + ")"}});
            return false;
        } else {
            const std::string id = approvalIt->get<std::string>();
            request.approvedBy = tasks::consumeStartApproval(ctx.config().stateDsn, id, request, digest);
            consumed = id;
        }
    } catch (const tasks::TaskError &e) {
        if (e.kind() == tasks::TaskError::Kind::Environment)
            send(res, Refusal{503, e.what(), "the gateway cannot reach its state database; try again"});
        else
            send(res, Refusal{409, e.what()});
        return false;
    }
    return true;
}

json TaskApi::Impl::connectionAnswer(const httplib::Request &req, const tasks::TaskRequest &request, const tasks::StartedTask &started,
                                     const std::string &credential) const
{
    const auto &config = ctx.config();
    const Endpoint &advertised = config.tasksApi.advertise;
    std::string host = advertised.host;
    if (advertised.port == 0) {
        const std::string &listen = config.listen.host;
        // Listening everywhere: the agent reached this API by some name; the gateway answers there too.
        host = listen == "0.0.0.0" || listen == "::" ? hostOfHeader(req.get_header_value("Host")) : listen;
    }
    const int port = advertised.port != 0 ? advertised.port : gatewayPort;
    const std::string sslmode = config.tls.certFile.empty() ? "disable" : "require";
    json out{{"id", started.id},
             {"agent", request.agent},
             {"task_type", request.task},
             {"expires_at", started.expiresAt},
             {"ttl_seconds", started.ttl.count()},
             {"credential", credential},
             {"connection", {{"host", host}, {"port", port}, {"database", config.upstream.database}, {"user", request.agent},
                             {"sslmode", sslmode}}},
             {"uri", "postgresql://" + request.agent + "@" + (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":"
                         + std::to_string(port) + "/" + config.upstream.database + "?sslmode=" + sslmode}};
    if (!request.workflow.empty())
        out["workflow"] = request.workflow;
    if (!request.approvedBy.empty())
        out["approved_by"] = request.approvedBy;
    if (!started.notices.empty())
        out["notices"] = started.notices;
    return out;
}

TaskApi::TaskApi(GatewayContext &context, int gatewayPort) : d(std::make_unique<Impl>(context, gatewayPort))
{
    const auto &c = context.config();
    for (const TrustConfig &t : c.tasksApi.trust)
        if (auto st = d->workloads.addTrustEntry(trustEntry(t)); !st)
            throw std::runtime_error("tasks_api.trust: " + st.error().message);
    identity::SigningKeyLoad key = identity::loadSigningKeyFile(c.tasksApi.credentialKeyFile);
    if (!key.key)
        throw std::runtime_error("tasks_api.credential_key: " + key.error);
    if (!key.warning.empty())
        throw std::runtime_error("tasks_api.credential_key: " + key.warning);
    auto ring = identity::TaskKeyRing::create(std::move(*key.key));
    if (!ring)
        throw std::runtime_error("tasks_api.credential_key: " + ring.error().toString());
    d->issuer = std::make_unique<identity::TaskCredentialIssuer>(std::move(ring.value()), c.credentials.issuer, c.credentials.audience);
    // A credential this gateway hands out must be one it accepts; say so now rather than at the agent's login.
    const auto probe = d->issuer->issue({"probe", "probe", "probe", identity::contextDigest({}), "", "", std::chrono::seconds(60)});
    if (!probe || !context.verifier()->verify(probe.value()))
        throw std::runtime_error("tasks_api.credential_key: the gateway would not accept the credentials it signs; add its public key "
                                 "(the jwks.json `writ keys generate` wrote beside it) to credentials.key_files");
}

TaskApi::~TaskApi() = default;

void TaskApi::registerRoutes(httplib::Server &http, std::function<bool(const std::string &)> isAdminToken)
{
    http.Post("/v1/tasks", [this, isAdminToken](const httplib::Request &req, httplib::Response &res) {
        d->start(req, res, isAdminToken(bearerOf(req)));
    });
}

} // namespace writ::gateway
