// SPDX-License-Identifier: Apache-2.0
// writ check POLICY [--db URL | --catalog FILE] — validate a policy, alone or against a database.
#include "commands.h"
#include "output.h"

#include "catalog/catalog_error.h"
#include "catalog/catalog_json.h"
#include "catalog/introspector.h"
#include "check/policy_checker.h"
#include "policy/policy_loader.h"

#include <CLI/CLI.hpp>

#include <iostream>

namespace writ::cli {

void registerCheck(CLI::App &app, int &exitCode)
{
    struct Options
    {
        std::string policy, db, catalog, format = "text";
        bool strict = false;
    };
    auto opts = std::make_shared<Options>();
    CLI::App *cmd = app.add_subcommand("check", "Validate a policy file, alone or against a database catalog");
    cmd->add_option("policy", opts->policy, "Policy file (YAML)")->required();
    auto *db = cmd->add_option("--db", opts->db, "libpq URI or conninfo of the database to check against");
    cmd->add_option("--catalog", opts->catalog, "Catalog snapshot (from `writ catalog`) to check against")->excludes(db);
    cmd->add_option("--format", opts->format, "Output format")->check(CLI::IsMember({"text", "json"}));
    cmd->add_flag("--strict", opts->strict, "Exit 1 on warnings too");
    cmd->callback([opts, &exitCode] {
        policy::LoadResult loaded = policy::loadPolicyFile(opts->policy);
        Diagnostics all = loaded.diagnostics;
        if (loaded.ok() && (!opts->db.empty() || !opts->catalog.empty())) {
            try {
                const catalog::Catalog cat = opts->db.empty() ? catalog::loadCatalogFile(opts->catalog)
                                                              : catalog::introspect(opts->db);
                all.append(check::checkPolicyAgainstCatalog(loaded.policy, loaded.sources, cat));
            } catch (const catalog::CatalogError &e) {
                std::cerr << "writ check: " << e.what() << "\n";
                exitCode = ExitEnvironment;
                return;
            }
        }
        all.sortByLocation();
        printDiagnostics(opts->format == "json" ? std::cout : std::cerr, all, opts->format);
        const bool failed = all.hasErrors() || (opts->strict && all.warningCount() > 0);
        if (opts->format == "text")
            std::cerr << opts->policy << ": " << (failed ? "FAILED" : "ok") << " (" << summary(all) << ")\n";
        exitCode = failed ? ExitDiagnostics : ExitOk;
    });
}

} // namespace writ::cli
