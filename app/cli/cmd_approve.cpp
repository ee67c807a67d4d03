// SPDX-License-Identifier: Apache-2.0
// writ approve|deny ID, writ approvals — decide step-up approvals recorded by the gateway.
#include "commands.h"

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
    std::string db, id, by, reason, validFor = "10m";
};

void registerDecision(CLI::App &app, int &exitCode, bool approve)
{
    auto o = std::make_shared<DecideOptions>();
    const char *name = approve ? "approve" : "deny";
    CLI::App *cmd = app.add_subcommand(name, approve ? "Approve a pending step-up approval: the agent's retry of the same statement runs once"
                                                     : "Deny a pending step-up approval, with a reason the agent is told");
    cmd->add_option("id", o->id, "Approval id (from the agent's error message or `writ approvals`)")->required();
    cmd->add_option("--db", o->db, "Database (libpq URI) holding the writ schema")->required();
    cmd->add_option("--by", o->by, "Who decides, recorded with the approval (default: the database login)");
    auto *reason = cmd->add_option("--reason", o->reason, approve ? "Why, recorded with the approval" : "Why, recorded and told to the agent");
    if (!approve)
        reason->required();
    if (approve)
        cmd->add_option("--valid-for", o->validFor, "How long the approval stays usable, e.g. 10m (capped at the task's expiry)")
            ->capture_default_str();
    cmd->callback([o, approve, name, &exitCode] {
        const auto validFor = policy::parseDuration(o->validFor);
        if (!validFor) {
            std::cerr << "writ " << name << ": --valid-for '" << o->validFor << "' is not a duration such as 90s, 10m or 1h\n";
            exitCode = ExitUsage;
            return;
        }
        try {
            tasks::ApprovalDecision d;
            d.id = o->id;
            d.approve = approve;
            d.decidedBy = o->by;
            d.reason = o->reason;
            d.validFor = std::chrono::duration_cast<std::chrono::seconds>(*validFor);
            const tasks::ApprovalInfo a = tasks::decideApproval(o->db, d);
            std::cout << "approval " << a.id << " " << tasks::toString(a.state) << " by " << a.decidedBy;
            if (approve)
                std::cout << "; task " << a.taskId << " may run the statement once until " << a.expiresAt;
            std::cout << "\n";
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
        std::string db, format = "text";
        bool all = false;
    };
    auto o = std::make_shared<ListOptions>();
    CLI::App *list = app.add_subcommand("approvals", "List pending step-up approvals (--all: decided and expired ones too)");
    list->add_option("--db", o->db, "Database (libpq URI) holding the writ schema")->required();
    list->add_flag("--all", o->all, "Include decided, used and expired approvals");
    list->add_option("--format", o->format, "Output format")->check(CLI::IsMember({"text", "json"}))->capture_default_str();
    list->callback([o, &exitCode] {
        try {
            const auto approvals = tasks::listApprovals(o->db, o->all);
            if (o->format == "json") {
                nlohmann::json out = nlohmann::json::array();
                for (const auto &a : approvals)
                    out.push_back(tasks::approvalToJson(a));
                std::cout << out.dump(2) << "\n";
            } else if (approvals.empty()) {
                std::cout << (o->all ? "no approvals\n" : "no pending approvals\n");
            } else {
                for (const auto &a : approvals) {
                    std::cout << a.id << "  " << tasks::toString(a.state) << "  " << a.stepUpClass << "  " << a.agent << "/"
                              << a.taskType << "  task " << a.taskId << "  requested " << a.requestedAt << "\n    "
                              << a.statement << "\n";
                }
            }
            exitCode = ExitOk;
        } catch (const tasks::TaskError &e) {
            exitCode = reportError(e, "approvals");
        }
    });
}

} // namespace writ::cli
