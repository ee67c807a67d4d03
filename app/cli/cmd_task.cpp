// SPDX-License-Identifier: Apache-2.0
// writ task start|end|reap|list — just-in-time task roles in direct mode (no gateway).
#include "commands.h"

#include "admin_client.h"

#include "policy/policy.h"
#include "tasks/task_manager.h"
#include "tasks/task_password.h"
#include "identity/task_credential.h"
#include "signing_key.h"
#include "task_start_gateway.h"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <cctype>
#include <iostream>

namespace writ::cli {

namespace {

int reportTaskError(const tasks::TaskError &e, const char *command)
{
    std::cerr << "writ task " << command << ": " << e.what() << "\n";
    return e.kind() == tasks::TaskError::Kind::Refused ? ExitDiagnostics : ExitEnvironment;
}

} // namespace

void registerTask(CLI::App &app, int &exitCode)
{
    CLI::App *task = app.add_subcommand("task", "Start, end, reap and list task instances (just-in-time roles)");
    task->require_subcommand(1);

    struct StartOptions
    {
        std::string db, agent, task, ttl, env, workflow, approvedBy, passwordSecret, format = "text";
        std::string credentialKey, issuer = "writ", audience = "writ-gateway";
        std::string gateway, tokenFile, identityToken, approval, wait;
        std::vector<std::string> ctx;
        int connectionLimit = 4;
    };
    auto so = std::make_shared<StartOptions>();
    CLI::App *start = task->add_subcommand("start", "Start a task: create its login role and print how to connect");
    auto *startDb = start->add_option("--db", so->db, "Database (libpq URI) where the policy is deployed");
    auto *startGateway = start->add_option("--gateway", so->gateway,
                                           "Ask a gateway's tasks API instead, e.g. http://127.0.0.1:6433 (with --identity-token or --token-file)");
    startDb->excludes(startGateway);
    auto *identityToken = start->add_option("--identity-token", so->identityToken,
                                            "With --gateway: file holding the agent's OIDC ID token or JWT-SVID (the agent starts its own task)");
    auto *adminToken = start->add_option("--token-file", so->tokenFile, "With --gateway: file holding the admin token (start a task for --agent)");
    identityToken->excludes(adminToken);
    identityToken->needs(startGateway);
    adminToken->needs(startGateway);
    start->add_option("--approval", so->approval, "With --gateway: the approval id a required approval was granted under");
    start->add_option("--wait", so->wait, "With --gateway: wait this long (e.g. 10m) for a required approval, then start");
    start->add_option("--agent", so->agent, "Agent id (with --identity-token: taken from the token)");
    start->add_option("--task", so->task, "Task type id")->required();
    start->add_option("--ctx", so->ctx, "Context value key=value (repeat for each key)");
    start->add_option("--ttl", so->ttl, "Lifetime, e.g. 5m (default: the task type's ttl; capped at its max_ttl)");
    start->add_option("--env", so->env, "Environment the task runs in");
    start->add_option("--workflow", so->workflow, "Workflow id, recorded for attribution");
    start->add_option("--approved-by", so->approvedBy, "Approver, for task types with `approval: required`");
    start->add_option("--connection-limit", so->connectionLimit, "Concurrent connections the task may open")->check(CLI::Range(1, 100));
    start->add_option("--password-secret", so->passwordSecret,
                      "File with the gateways' shared secret: derive the role's password from it instead of a random one");
    start->add_option("--credential-key", so->credentialKey,
                      "Ed25519 key (writ keys generate --alg EdDSA) to sign the task credential the agent gives the gateway");
    start->add_option("--issuer", so->issuer, "iss of the task credential")->capture_default_str();
    start->add_option("--audience", so->audience, "aud of the task credential: the gateway's credentials.audience")->capture_default_str();
    start->add_option("--format", so->format, "Output format")->check(CLI::IsMember({"text", "json", "uri", "credential"}));
    start->callback([so, &exitCode] {
        if (so->db.empty() == so->gateway.empty()) {
            std::cerr << "writ task start: say where to start it: --db URL, or --gateway URL with --identity-token or --token-file\n";
            exitCode = ExitUsage;
            return;
        }
        if (so->gateway.empty() && so->agent.empty()) {
            std::cerr << "writ task start: --agent is required with --db\n";
            exitCode = ExitUsage;
            return;
        }
        if (!so->gateway.empty() && so->identityToken.empty() && so->tokenFile.empty()) {
            std::cerr << "writ task start: --gateway needs --identity-token (as the agent) or --token-file (as an operator)\n";
            exitCode = ExitUsage;
            return;
        }
        if (!so->gateway.empty() && !so->env.empty()) {
            std::cerr << "writ task start: with --gateway the task runs in the gateway's environment; drop --env\n";
            exitCode = ExitUsage;
            return;
        }
        if (!so->gateway.empty() && (!so->passwordSecret.empty() || !so->credentialKey.empty())) {
            std::cerr << "writ task start: with --gateway the gateway derives the password and signs the credential; "
                         "drop --password-secret and --credential-key\n";
            exitCode = ExitUsage;
            return;
        }
        tasks::TaskRequest request;
        request.agent = so->agent;
        request.task = so->task;
        request.environment = so->env;
        request.workflow = so->workflow;
        request.approvedBy = so->approvedBy;
        request.connectionLimit = so->connectionLimit;
        for (const auto &kv : so->ctx) {
            const auto eq = kv.find('=');
            if (eq == std::string::npos || eq == 0) {
                std::cerr << "writ task start: --ctx " << kv << " is not key=value\n";
                exitCode = ExitUsage;
                return;
            }
            if (!request.context.emplace(kv.substr(0, eq), kv.substr(eq + 1)).second) {
                std::cerr << "writ task start: context key " << kv.substr(0, eq) << " is given twice\n";
                exitCode = ExitUsage;
                return;
            }
        }
        if (!so->ttl.empty()) {
            request.ttl = policy::parseDuration(so->ttl);
            if (!request.ttl) {
                std::cerr << "writ task start: --ttl " << so->ttl << " is not a duration (e.g. 30s, 5m, 1h)\n";
                exitCode = ExitUsage;
                return;
            }
        }
        if (!so->gateway.empty()) {
            GatewayTaskStart g;
            g.gateway = so->gateway;
            g.tokenFile = so->tokenFile;
            g.identityTokenFile = so->identityToken;
            g.agent = so->agent;
            g.task = so->task;
            g.ttl = so->ttl;
            g.workflow = so->workflow;
            g.approval = so->approval;
            g.approvedBy = so->approvedBy;
            g.format = so->format;
            g.context = request.context;
            g.connectionLimit = so->connectionLimit;
            if (!so->wait.empty()) {
                const auto wait = policy::parseDuration(so->wait);
                if (!wait) {
                    std::cerr << "writ task start: --wait " << so->wait << " is not a duration (e.g. 30s, 10m)\n";
                    exitCode = ExitUsage;
                    return;
                }
                g.wait = std::chrono::duration_cast<std::chrono::seconds>(*wait);
            }
            exitCode = startTaskViaGateway(g);
            return;
        }
        if (!so->passwordSecret.empty()) {
            std::string error;
            std::optional<std::string> secret = tasks::loadTaskPasswordSecret(so->passwordSecret, error);
            if (!secret) {
                std::cerr << "writ task start: " << error << "\n";
                exitCode = ExitEnvironment;
                return;
            }
            request.passwordSecret = std::move(*secret);
        }
        std::optional<identity::PrivateKey> signingKey;
        if (!so->credentialKey.empty()) {
            std::string error;
            signingKey = loadSigningKey(so->credentialKey, "", error, exitCode);
            if (!signingKey) {
                std::cerr << "writ task start: " << error << "\n";
                return;
            }
        } else if (so->format == "credential") {
            std::cerr << "writ task start: --format credential needs --credential-key\n";
            exitCode = ExitUsage;
            return;
        }
        try {
            const tasks::StartedTask t = tasks::startTask(so->db, request);
            for (const auto &n : t.notices)
                std::cerr << "note: " << n << "\n";
            std::string credential;
            if (signingKey) {
                // The task is running; a credential that cannot be signed leaves it for `writ task end`.
                auto ring = identity::TaskKeyRing::create(std::move(*signingKey));
                if (!ring) {
                    std::cerr << "writ task start: " << ring.error().toString() << " (task " << t.id << " was started; end it)\n";
                    exitCode = ExitDiagnostics;
                    return;
                }
                const identity::TaskCredentialIssuer issuer(std::move(ring.value()), so->issuer, so->audience);
                const auto token = issuer.issue({request.agent, t.id, request.task, identity::contextDigest(request.context),
                                                 request.environment, request.workflow, t.ttl});
                if (!token) {
                    std::cerr << "writ task start: " << token.error().toString() << " (task " << t.id << " was started; end it)\n";
                    exitCode = ExitDiagnostics;
                    return;
                }
                credential = token.value();
            }
            if (so->format == "credential") {
                std::cout << credential << "\n";
            } else if (so->format == "json") {
                nlohmann::json out{{"id", t.id}, {"role", t.role}, {"password", t.password}, {"uri", t.connectionUri},
                                   {"expires_at", t.expiresAt}, {"ttl_seconds", t.ttl.count()}};
                if (!credential.empty())
                    out["credential"] = credential;
                std::cout << out.dump(2) << "\n";
            } else if (so->format == "uri") {
                std::cout << t.connectionUri << "\n";
            } else {
                std::cout << "task " << t.id << " started for " << so->agent << "/" << so->task << ", expires " << t.expiresAt << " ("
                          << policy::formatDuration(t.ttl) << ")\n"
                          << "role " << t.role << "\n"
                          << "connect: " << t.connectionUri << "\n"
                          << "end it:  writ task end " << t.id << " --db ...\n";
                if (!credential.empty())
                    std::cout << "credential (the password at the gateway): " << credential << "\n";
            }
            exitCode = ExitOk;
        } catch (const tasks::TaskError &e) {
            exitCode = reportTaskError(e, "start");
        }
    });

    struct EndOptions
    {
        StateTarget target;
        std::string id, reason;
    };
    auto eo = std::make_shared<EndOptions>();
    CLI::App *end = task->add_subcommand("end", "End a task: revoke it, terminate its sessions, drop its role");
    end->add_option("id", eo->id, "Task id")->required();
    eo->target.addOptions(end);
    end->add_option("--reason", eo->reason, "Why, recorded with the task (without one: ended, or completed through a gateway)");
    end->callback([eo, &exitCode] {
        if (!eo->target.valid("task end")) {
            exitCode = ExitUsage;
            return;
        }
        if (eo->target.viaGateway()) {
            // Without a reason the task is done (complete); with one it is revoked for that reason.
            std::string path = "/v1/tasks/" + eo->id;
            const bool revoke = !eo->reason.empty();
            if (revoke) {
                std::string encoded;
                for (const unsigned char c : eo->reason) {
                    static const char *hex = "0123456789ABCDEF";
                    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~')
                        encoded += static_cast<char>(c);
                    else
                        encoded += {'%', hex[c >> 4], hex[c & 15]};
                }
                path += "?reason=" + encoded;
            } else {
                path += "/complete";
            }
            const AdminAnswer a = callAdmin(eo->target.gateway, eo->target.tokenFile, revoke ? "DELETE" : "POST", path);
            if (!a.ok()) {
                exitCode = reportAdminError(a, "task end");
                return;
            }
            std::cout << "task " << eo->id << " " << a.body.value("ended", "ended") << "; "
                      << a.body.value("sessions_terminated", 0) << " session(s) terminated\n";
            exitCode = ExitOk;
            return;
        }
        try {
            const int killed = tasks::endTask(eo->target.db, eo->id, eo->reason.empty() ? "ended" : eo->reason);
            std::cout << "task " << eo->id << " ended; " << killed << " session(s) terminated\n";
            exitCode = ExitOk;
        } catch (const tasks::TaskError &e) {
            exitCode = reportTaskError(e, "end");
        }
    });

    auto reapDb = std::make_shared<std::string>();
    CLI::App *reap = task->add_subcommand("reap", "End every task past its expiry");
    reap->add_option("--db", *reapDb, "Database (libpq URI)")->required();
    reap->callback([reapDb, &exitCode] {
        try {
            const auto ids = tasks::reapExpiredTasks(*reapDb);
            std::cout << ids.size() << " expired task(s) ended";
            for (const auto &id : ids)
                std::cout << (id == ids.front() ? ": " : ", ") << id;
            std::cout << "\n";
            exitCode = ExitOk;
        } catch (const tasks::TaskError &e) {
            exitCode = reportTaskError(e, "reap");
        }
    });

    struct ListOptions
    {
        std::string db, format = "text";
        bool all = false;
    };
    auto lo = std::make_shared<ListOptions>();
    CLI::App *list = task->add_subcommand("list", "List running tasks (--all: ended ones too)");
    list->add_option("--db", lo->db, "Database (libpq URI)")->required();
    list->add_flag("--all", lo->all, "Include ended tasks");
    list->add_option("--format", lo->format, "Output format")->check(CLI::IsMember({"text", "json"}));
    list->callback([lo, &exitCode] {
        try {
            const auto items = tasks::listTasks(lo->db, lo->all);
            if (lo->format == "json") {
                nlohmann::json out = nlohmann::json::array();
                for (const auto &t : items)
                    out.push_back({{"id", t.id}, {"agent", t.agent}, {"task", t.taskType}, {"role", t.role}, {"created_at", t.createdAt},
                                   {"expires_at", t.expiresAt}, {"revoked_at", t.revokedAt}, {"revoke_reason", t.revokeReason},
                                   {"sessions", t.sessions}, {"live", t.live}});
                std::cout << out.dump(2) << "\n";
            } else {
                for (const auto &t : items)
                    std::cout << t.id << "  " << t.agent << "/" << t.taskType << "  " << (t.live ? "live" : "ended") << "  expires "
                              << t.expiresAt << "  sessions " << t.sessions
                              << (t.revokedAt.empty() ? std::string() : "  revoked " + t.revokedAt + " (" + t.revokeReason + ")")
                              << "\n";
                std::cout << items.size() << " task(s)\n";
            }
            exitCode = ExitOk;
        } catch (const tasks::TaskError &e) {
            exitCode = reportTaskError(e, "list");
        }
    });
}

} // namespace writ::cli
