// SPDX-License-Identifier: Apache-2.0
// writ publish | rollback | bundles — one step from a policy file to what every gateway enforces:
// check, plan, apply the floor in one transaction, sign the bundle, push it (through a gateway's admin
// API, or straight into the state database), and verify the gateway serves it. If the push or the check
// fails after the floor changed, the floor goes back to the policy deployed before: nothing half-published.
#include "commands.h"

#include "admin_client.h"
#include "floor_common.h"
#include "signing_key.h"

#include "catalog/catalog_error.h"
#include "catalog/introspector.h"
#include "compile/deployment.h"
#include "compile/naming.h"
#include "policy/policy_writer.h"
#include "publish/bundle.h"
#include "publish/bundle_store.h"

#include <CLI/CLI.hpp>

#include <iostream>
#include <thread>

namespace writ::cli {

namespace {

struct PublishOptions
{
    FloorOptions floor;
    std::string publisherKey;
    StateTarget target; ///< where to push: a gateway (preferred) or the state database itself (--db)
};

/// Puts the floor back to `policyText` (the policy deployed before this publish). Returns what happened, in words.
std::string restoreFloor(const std::string &db, const std::string &policyText)
{
    if (policyText.empty())
        return "the database keeps the new floor: the deployment before it did not record its policy; publish the previous policy file";
    try {
        const policy::LoadResult previous = policy::loadPolicy(policyText, "the previous deployment");
        const catalog::Catalog cat = catalog::introspect(db);
        const compile::CompileResult compiled = compile::compilePolicy(previous.policy, previous.sources, cat);
        if (!previous.ok() || !compiled.ok())
            return "the previous deployment's policy no longer compiles; the database keeps the new floor";
        compile::ApplyOptions options;
        options.policyName = previous.policy.name;
        options.policyText = policyText;
        options.policySha256 = compile::sha256Hex(policyText);
        options.confirm = [](const compile::Plan &) { return true; };
        const auto result = compile::applyDesiredState(db, compiled.state, options);
        return "the database floor was rolled back to the previous policy (deployment v" + std::to_string(result.version) + ")";
    } catch (const std::exception &e) {
        return std::string("rolling the floor back failed too: ") + e.what() + "; run `writ apply` with the previous policy";
    }
}

/// Pushes the bundle and returns its version at the target, or 0 with `error`.
long long push(const PublishOptions &o, const publish::SignedBundle &bundle, std::string &error)
{
    if (o.target.viaGateway()) {
        const AdminAnswer a = callAdmin(o.target.gateway, o.target.tokenFile, "PUT", "/v1/policy", bundle.compact);
        if (!a.ok()) {
            error = "the gateway refused the bundle: " + a.error;
            return 0;
        }
        return a.body.value("published", 0LL);
    }
    try {
        return publish::storeBundle(o.floor.db, bundle);
    } catch (const publish::BundleStoreError &e) {
        error = e.what();
        return 0;
    }
}

/// With a gateway: waits (up to 10 s) until it reports `version` with `sha256` in force.
bool verifyServed(const PublishOptions &o, long long version, const std::string &sha256, std::string &error)
{
    if (!o.target.viaGateway())
        return true;
    for (int attempt = 0; attempt < 20; ++attempt) {
        const AdminAnswer a = callAdmin(o.target.gateway, o.target.tokenFile, "GET", "/v1/policy");
        if (a.ok() && a.body.value("version", 0LL) == version && a.body.value("sha256", "") == sha256)
            return true;
        error = a.ok() ? "the gateway enforces version " + std::to_string(a.body.value("version", 0LL)) + ", not " + std::to_string(version)
                       : a.error;
        std::this_thread::sleep_for(std::chrono::milliseconds(500));
    }
    return false;
}

int runPublish(const PublishOptions &o)
{
    policy::LoadResult loaded;
    catalog::Catalog cat;
    int exitCode = ExitOk;
    const auto compiled = compileOrReport(o.floor, loaded, cat, exitCode, "publish");
    if (!compiled)
        return exitCode;
    std::string keyError;
    int keyExit = ExitOk;
    const auto key = loadSigningKey(o.publisherKey, "", keyError, keyExit);
    if (!key) {
        std::cerr << "writ publish: " << keyError << "\n";
        return keyExit;
    }
    std::optional<compile::Deployment> before;
    try {
        before = compile::loadLastDeployment(o.floor.db);
    } catch (const std::exception &e) {
        std::cerr << "writ publish: " << e.what() << "\n";
        return ExitEnvironment;
    }

    // 1. The floor, in one transaction.
    compile::ApplyOptions options;
    options.policyName = loaded.policy.name;
    options.policyText = policy::writePolicy(loaded.policy);
    options.policySha256 = compile::sha256Hex(options.policyText);
    options.confirm = confirmPlan(o.floor.yes, o.floor.showSql, "publish");
    compile::ApplyResult applied;
    try {
        applied = compile::applyDesiredState(o.floor.db, compiled->state, options);
    } catch (const std::exception &e) {
        std::cerr << "writ publish: the database was not changed: " << e.what() << "\n";
        return ExitEnvironment;
    }
    if (applied.aborted) {
        std::cout << "Not published; nothing changed.\n";
        return ExitDiagnostics;
    }
    if (applied.plan.empty())
        std::cout << "1/3 floor: no database changes\n";
    else
        std::cout << "1/3 floor: applied deployment v" << applied.version << " (" << applied.plan.steps.size() << " step(s))\n";

    // 2. The signed bundle, pushed.
    publish::BundleContent content;
    content.policyName = loaded.policy.name;
    content.policyText = options.policyText;
    content.deployment = applied.version ? applied.version : (before ? before->version : 0);
    std::string error;
    const auto bundle = publish::signBundle(content, *key, error);
    long long version = bundle ? push(o, *bundle, error) : 0;
    std::string served;
    if (version > 0 && verifyServed(o, version, bundle->content.sha256, error))
        served = o.target.viaGateway() ? "; " + o.target.gateway + " enforces it" : "; gateways switch to it at once";
    else
        version = 0;
    if (version == 0) {
        std::cerr << "writ publish: " << error << "\n";
        if (applied.version > 0)
            std::cerr << "writ publish: " << restoreFloor(o.floor.db, before ? before->policyText : std::string()) << "\n";
        return ExitEnvironment;
    }
    std::cout << "2/3 bundle: signed with key " << bundle->kid << ", sha256 " << bundle->content.sha256.substr(0, 12) << "\n"
              << "3/3 published: bundle v" << version << served << "\n";
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
