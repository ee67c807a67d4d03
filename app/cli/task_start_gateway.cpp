// SPDX-License-Identifier: Apache-2.0
#include "task_start_gateway.h"

#include "admin_client.h"
#include "commands.h"

#include <iostream>
#include <thread>

namespace writ::cli {

namespace {

void printStarted(const nlohmann::json &t, const std::string &format)
{
    const std::string credential = t.value("credential", "");
    if (format == "credential") {
        std::cout << credential << "\n";
    } else if (format == "json") {
        std::cout << t.dump(2) << "\n";
    } else if (format == "uri") {
        std::cout << t.value("uri", "") << "\n";
    } else {
        std::cout << "task " << t.value("id", "") << " started for " << t.value("agent", "") << "/" << t.value("task_type", "")
                  << ", expires " << t.value("expires_at", "") << "\n"
                  << "connect: " << t.value("uri", "") << "\n"
                  << "credential (the password at the gateway): " << credential << "\n"
                  << "end it:  writ task end " << t.value("id", "") << " --gateway ...\n";
    }
}

} // namespace

int startTaskViaGateway(const GatewayTaskStart &o)
{
    nlohmann::json body{{"task_type", o.task}};
    if (!o.agent.empty())
        body["agent"] = o.agent;
    if (!o.context.empty())
        body["context"] = o.context;
    if (!o.ttl.empty())
        body["ttl"] = o.ttl;
    if (!o.workflow.empty())
        body["workflow"] = o.workflow;
    if (!o.approvedBy.empty())
        body["approved_by"] = o.approvedBy;
    if (!o.approval.empty())
        body["approval"] = o.approval;
    body["connection_limit"] = o.connectionLimit;
    const bool asAgent = !o.identityTokenFile.empty();
    const std::string bearerFile = asAgent ? o.identityTokenFile : o.tokenFile;
    const char *bearerOption = asAgent ? "--identity-token" : "--token-file";

    const auto deadline = std::chrono::steady_clock::now() + o.wait;
    bool told = false;
    for (;;) {
        const AdminAnswer a = callAdmin(o.gateway, bearerFile, "POST", "/v1/tasks", body, bearerOption);
        if (a.status == 201) {
            printStarted(a.body, o.format);
            return ExitOk;
        }
        if (a.status == 202) {
            const std::string id = a.body.value("approval", "");
            if (o.wait.count() == 0) {
                std::cerr << "writ task start: " << o.agent << (o.agent.empty() ? "" : "/") << o.task
                          << " needs a person's approval: approval " << id << "\n"
                          << "  once approved (writ approve " << id << "), run the same command with --approval " << id
                          << ", or use --wait\n";
                std::cout << id << "\n";
                return ExitChanges;
            }
            if (!told)
                std::cerr << "writ task start: waiting for approval " << id << " (writ approve " << id << ")\n";
            told = true;
            body["approval"] = id;
        } else if (a.status == 409 && body.contains("approval") && a.error.find("still pending") != std::string::npos) {
            // Not decided yet: keep waiting.
        } else {
            return reportAdminError(a, "task start");
        }
        if (std::chrono::steady_clock::now() >= deadline) {
            std::cerr << "writ task start: approval " << body.value("approval", "") << " was not decided within --wait\n";
            return ExitEnvironment;
        }
        std::this_thread::sleep_for(std::chrono::seconds(1));
    }
}

} // namespace writ::cli
