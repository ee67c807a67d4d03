// SPDX-License-Identifier: Apache-2.0
// writ approve|deny ID, writ approvals — decide step-up approvals recorded by the gateway, either in
// the state database (--db) or through a gateway's admin API (--gateway, --token-file).
#include "commands.h"

#include "admin_client.h"
#include "policy/policy.h"
#include "tasks/approval_json.h"
#include "tasks/approvals.h"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <iostream>

namespace writ::cli {

namespace {

int reportError(const tasks::TaskError &e, const char *command)
{
    std::cerr << "writ " << command << ": " << e.what() << "\n";
    return e.kind() == tasks::TaskError::Kind::Refused ? ExitDiagnostics : ExitEnvironment;
}

struct DecideOptions
{
    StateTarget target;
    std::string id, by, reason, validFor = "10m";
};

void printDecided(const nlohmann::json &a, bool approve)
{
    std::cout << "approval " << a.value("id", "") << " " << a.value("state", "") << " by " << a.value("decided_by", "");
    if (approve)
        std::cout << "; task " << a.value("task", "") << " may run the statement once until " << a.value("expires_at", "");
    std::cout << "\n";
}

void registerDecision(CLI::App &app, int &exitCode, bool approve)
{
    auto o = std::make_shared<DecideOptions>();
    const char *name = approve ? "approve" : "deny";
    CLI::App *cmd = app.add_subcommand(name, approve ? "Approve a pending step-up approval: the agent's retry of the same statement runs once"
                                                     : "Deny a pending step-up approval, with a reason the agent is told");
    cmd->add_option("id", o->id, "Approval id (from the agent's error message or `writ approvals`)")->required();
    o->target.addOptions(cmd);
    cmd->add_option("--by", o->by, "Who decides, recorded with the approval (default: the database login)");
    auto *reason = cmd->add_option("--reason", o->reason, approve ? "Why, recorded with the approval" : "Why, recorded and told to the agent");
    if (!approve)
        reason->required();
    if (approve)
        cmd->add_option("--valid-for", o->validFor, "How long the approval stays usable, e.g. 10m (capped at the task's expiry)")
            ->capture_default_str();
    cmd->callback([o, approve, name, &exitCode] {
        if (!o->target.valid(name)) {
            exitCode = ExitUsage;
            return;
        }
        const auto validFor = policy::parseDuration(o->validFor);
        if (!validFor) {
            std::cerr << "writ " << name << ": --valid-for '" << o->validFor << "' is not a duration such as 90s, 10m or 1h\n";
            exitCode = ExitUsage;
            return;
        }
        if (!o->target.gateway.empty()) {
            nlohmann::json body{{"by", o->by}, {"reason", o->reason}};
            if (approve)
                body["valid_for"] = o->validFor;
            const AdminAnswer a = callAdmin(o->target.gateway, o->target.tokenFile, "POST",
                                            "/v1/approvals/" + o->id + "/" + (approve ? "approve" : "deny"), body);
            if (!a.ok()) {
                exitCode = reportAdminError(a, name);
                return;
            }
            printDecided(a.body, approve);
            exitCode = ExitOk;
            return;
        }
        try {
            tasks::ApprovalDecision d;
            d.id = o->id;
            d.approve = approve;
            d.decidedBy = o->by;
            d.reason = o->reason;
            d.validFor = std::chrono::duration_cast<std::chrono::seconds>(*validFor);
            printDecided(tasks::approvalToJson(tasks::decideApproval(o->target.db, d)), approve);
            exitCode = ExitOk;
        } catch (const tasks::TaskError &e) {
            exitCode = reportError(e, name);
        }
    });
}

} // namespace

void registerApprovals(CLI::App &app, int &exitCode)
{
    registerDecision(app, exitCode, true);
    registerDecision(app, exitCode, false);

    struct ListOptions
    {
        StateTarget target;
        std::string format = "text";
        bool all = false;
    };
    auto o = std::make_shared<ListOptions>();
    CLI::App *list = app.add_subcommand("approvals", "List pending step-up approvals (--all: decided and expired ones too)");
    o->target.addOptions(list);
    list->add_flag("--all", o->all, "Include decided, used and expired approvals");
    list->add_option("--format", o->format, "Output format")->check(CLI::IsMember({"text", "json"}))->capture_default_str();
    list->callback([o, &exitCode] {
        if (!o->target.valid("approvals")) {
            exitCode = ExitUsage;
            return;
        }
        nlohmann::json approvals = nlohmann::json::array();
        if (!o->target.gateway.empty()) {
            const AdminAnswer a = callAdmin(o->target.gateway, o->target.tokenFile, "GET", std::string("/v1/approvals") + (o->all ? "?all=1" : ""));
            if (!a.ok() || !a.body.is_array()) {
                exitCode = reportAdminError(a, "approvals");
                return;
            }
            approvals = a.body;
        } else {
            try {
                for (const auto &a : tasks::listApprovals(o->target.db, o->all))
                    approvals.push_back(tasks::approvalToJson(a));
            } catch (const tasks::TaskError &e) {
                exitCode = reportError(e, "approvals");
                return;
            }
        }
        if (o->format == "json") {
            std::cout << approvals.dump(2) << "\n";
        } else if (approvals.empty()) {
            std::cout << (o->all ? "no approvals\n" : "no pending approvals\n");
        } else {
            for (const auto &a : approvals)
                std::cout << a.value("id", "") << "  " << a.value("state", "") << "  " << a.value("class", "") << "  "
                          << a.value("agent", "") << "/" << a.value("task_type", "") << "  task " << a.value("task", "")
                          << "  requested " << a.value("requested_at", "") << "\n    " << a.value("statement", "") << "\n";
        }
        exitCode = ExitOk;
    });
}

} // namespace writ::cli
