// SPDX-License-Identifier: Apache-2.0
// writ publish | rollback | bundles — one step from a policy file to what every gateway enforces:
// check, plan, apply the floor in one transaction, sign the bundle, push it (through a gateway's admin
// API, or straight into the state database), and verify the gateway serves it. If the push or the check
// fails after the floor changed, the floor goes back to the policy deployed before: nothing half-published.
// The pipeline is core/publish/publisher.h (the studio publishes through it too); this file prints it.
#include "commands.h"

#include "admin_client.h"
#include "floor_common.h"
#include "output.h"

#include "publish/bundle_store.h"
#include "publish/publisher.h"

#include <CLI/CLI.hpp>

#include <iostream>

namespace writ::cli {

namespace {

struct PublishOptions
{
    FloorOptions floor;
    std::string publisherKey;
    StateTarget target; ///< where to push: a gateway (preferred) or the state database itself (--db)
};

/// Prints what validation found the way `writ compile` does; the exit code when it stopped there.
int reportValidation(const PublishOptions &o, const publish::ValidatedPolicy &v)
{
    using publish::ValidateFailure;
    if (v.failure == ValidateFailure::Load) {
        printDiagnostics(std::cerr, v.loaded.diagnostics, "text");
        std::cerr << o.floor.policy << ": FAILED (" << summary(v.loaded.diagnostics) << ")\n";
        return ExitDiagnostics;
    }
    if (v.failure == ValidateFailure::Catalog) {
        std::cerr << "writ publish: " << v.error << "\n";
        return ExitEnvironment;
    }
    printDiagnostics(std::cerr, v.compileDiagnostics, "text");
    if (v.failure == ValidateFailure::Compile) {
        std::cerr << o.floor.policy << ": not compiled (" << summary(v.compileDiagnostics) << ")\n";
        return ExitDiagnostics;
    }
    if (!v.keyWarning.empty())
        std::cerr << "warning: " << v.keyWarning << "\n";
    if (v.failure == ValidateFailure::Key) {
        std::cerr << "writ publish: " << v.error << "\n";
        return v.keyUnreadable ? ExitEnvironment : ExitDiagnostics;
    }
    if (v.failure == ValidateFailure::State) {
        std::cerr << "writ publish: " << v.error << "\n";
        return ExitEnvironment;
    }
    return ExitOk;
}

int runPublish(const PublishOptions &o)
{
    publish::PublishRequest request;
    request.policyPath = o.floor.policy;
    request.db = o.floor.db;
    request.publisherKeyPath = o.publisherKey;
    if (o.target.viaGateway()) {
        request.gateway = o.target.gateway;
        request.tokenFile = o.target.tokenFile;
    }
    publish::Publisher publisher;
    const auto ask = confirmPlan(o.floor.yes, o.floor.showSql, "publish");
    publisher.confirm = [&ask](const publish::PublishPlan &plan) { return ask(plan.floor); };
    publisher.onStep = [](const publish::StepEvent &e) {
        if (e.step == publish::PublishStep::Apply && e.state == publish::StepState::Done)
            std::cout << "1/3 floor: " << e.message << "\n";
    };

    const publish::ValidatedPolicy validated = publisher.validate(request);
    if (const int exitCode = reportValidation(o, validated); !validated.ok())
        return exitCode;

    const publish::PublishResult result = publisher.publish(request, validated);
    if (result.declined) {
        std::cout << "Not published; nothing changed.\n";
        return ExitDiagnostics;
    }
    if (!result.published) {
        std::cerr << "writ publish: " << result.error << "\n";
        if (!result.floorMessage.empty())
            std::cerr << "writ publish: " << result.floorMessage << "\n";
        return ExitEnvironment;
    }
    const std::string served = o.target.viaGateway() ? "; " + o.target.gateway + " enforces it" : "; gateways switch to it at once";
    std::cout << "2/3 bundle: signed with key " << result.kid << ", sha256 " << result.sha256.substr(0, 12) << "\n"
              << "3/3 published: bundle v" << result.version << served << "\n";
    return ExitOk;
}

} // namespace

void registerPublish(CLI::App &app, int &exitCode)
{
    auto o = std::make_shared<PublishOptions>();
    CLI::App *cmd = app.add_subcommand(
        "publish", "Apply a policy's floor, sign its bundle and push it to the gateways, verified; nothing half-published");
    cmd->add_option("policy", o->floor.policy, "Policy file (YAML)")->required();
    cmd->add_option("--db", o->floor.db, "Database (libpq URI) the policy governs; its writ schema is the gateways' state")->required();
    cmd->add_option("--publisher-key", o->publisherKey, "Private key (writ keys generate) the gateways' bundles.publisher_keys trust")
        ->required();
    cmd->add_option("--gateway", o->target.gateway, "Push through this gateway's admin API and check it serves the bundle");
    cmd->add_option("--token-file", o->target.tokenFile, "File holding the gateway's admin token (with --gateway)");
    cmd->add_flag("-y,--yes", o->floor.yes, "Do not ask for confirmation");
    cmd->add_flag("--sql", o->floor.showSql, "Show the SQL of each step");
    cmd->callback([o, &exitCode] {
        if (o->target.gateway.empty() != o->target.tokenFile.empty()) {
            std::cerr << "writ publish: --gateway and --token-file go together\n";
            exitCode = ExitUsage;
            return;
        }
        exitCode = runPublish(*o);
    });

    struct RollbackOptions
    {
        StateTarget target;
        long long version = 0;
    };
    auto r = std::make_shared<RollbackOptions>();
    CLI::App *rollback = app.add_subcommand(
        "rollback", "Make an earlier published bundle the one gateways enforce (the database floor stays; publish a policy to change it)");
    rollback->add_option("version", r->version, "Bundle version (writ bundles lists them)")->required();
    r->target.addOptions(rollback);
    rollback->callback([r, &exitCode] {
        if (!r->target.valid("rollback")) {
            exitCode = ExitUsage;
            return;
        }
        if (r->target.viaGateway()) {
            const AdminAnswer a = callAdmin(r->target.gateway, r->target.tokenFile, "POST", "/v1/policy/rollback", {{"version", r->version}});
            if (!a.ok()) {
                exitCode = reportAdminError(a, "rollback");
                return;
            }
            std::cout << "bundle v" << r->version << " is in force on " << r->target.gateway << "\n";
            exitCode = ExitOk;
            return;
        }
        try {
            if (!publish::activateBundle(r->target.db, r->version)) {
                std::cerr << "writ rollback: no published bundle v" << r->version << " (writ bundles lists them)\n";
                exitCode = ExitDiagnostics;
                return;
            }
            std::cout << "bundle v" << r->version << " is active; gateways verify and switch to it at once\n";
            exitCode = ExitOk;
        } catch (const publish::BundleStoreError &e) {
            std::cerr << "writ rollback: " << e.what() << "\n";
            exitCode = ExitEnvironment;
        }
    });

    auto listTarget = std::make_shared<StateTarget>();
    CLI::App *list = app.add_subcommand("bundles", "List the published policy bundles, newest first");
    listTarget->addOptions(list);
    list->callback([listTarget, &exitCode] {
        if (!listTarget->valid("bundles")) {
            exitCode = ExitUsage;
            return;
        }
        nlohmann::json items = nlohmann::json::array();
        if (listTarget->viaGateway()) {
            const AdminAnswer a = callAdmin(listTarget->gateway, listTarget->tokenFile, "GET", "/v1/policy/versions");
            if (!a.ok()) {
                exitCode = reportAdminError(a, "bundles");
                return;
            }
            items = a.body;
        } else {
            try {
                for (const auto &b : publish::listBundles(listTarget->db))
                    items.push_back({{"version", b.version}, {"name", b.policyName}, {"sha256", b.sha256}, {"publisher", b.publisher},
                                     {"deployment", b.deployment}, {"published_by", b.publishedBy}, {"published_at", b.publishedAt},
                                     {"active", b.active}});
            } catch (const publish::BundleStoreError &e) {
                std::cerr << "writ bundles: " << e.what() << "\n";
                exitCode = ExitEnvironment;
                return;
            }
        }
        for (const auto &b : items)
            std::cout << (b.value("active", false) ? "* " : "  ") << "v" << b.value("version", 0LL) << "  " << b.value("name", "")
                      << "  sha256 " << b.value("sha256", "").substr(0, 12) << "  key " << b.value("publisher", "") << "  by "
                      << b.value("published_by", "") << " at " << b.value("published_at", "") << "\n";
        std::cout << items.size() << " bundle(s)\n";
        exitCode = ExitOk;
    });
}

} // namespace writ::cli
