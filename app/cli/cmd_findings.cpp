// SPDX-License-Identifier: Apache-2.0
// writ findings --db URL [--policy FILE] [--format text|json|sarif] [--min-severity S] [--fail-on S]
// — risks in a database's current grants, as they matter for agent access, each with its fix.
#include "commands.h"
#include "output.h"

#include "catalog/catalog_error.h"
#include "catalog/introspector.h"
#include "findings/findings.h"
#include "findings/findings_format.h"
#include "findings/session_activity.h"
#include "policy/policy_loader.h"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <iostream>

namespace writ::cli {

void registerFindings(CLI::App &app, int &exitCode)
{
    struct Options
    {
        std::string db, policy, format = "text", minSeverity = "info", failOn;
    };
    auto opts = std::make_shared<Options>();
    const auto severities = CLI::IsMember({"high", "medium", "low", "info"});
    CLI::App *cmd = app.add_subcommand("findings",
        "Report risky grants for agent access: PUBLIC grants, standing and shared logins, superusers, "
        "exposed classified columns, SECURITY DEFINER functions, broad default privileges");
    cmd->add_option("--db", opts->db, "libpq URI or conninfo of the database to review")->required();
    cmd->add_option("--policy", opts->policy,
        "Policy file whose `classify:` says which columns are sensitive (default: guess from column names)");
    cmd->add_option("--format", opts->format, "Output format")->check(CLI::IsMember({"text", "json", "sarif"}));
    cmd->add_option("--min-severity", opts->minSeverity, "Leave out findings below this severity (default: info)")
        ->check(severities);
    cmd->add_option("--fail-on", opts->failOn, "Exit 1 when a finding at or above this severity is reported")->check(severities);
    cmd->callback([opts, &exitCode] {
        policy::LoadResult loaded;
        if (!opts->policy.empty()) {
            loaded = policy::loadPolicyFile(opts->policy);
            if (!loaded.ok()) {
                printDiagnostics(std::cerr, loaded.diagnostics, "text");
                std::cerr << "writ findings: " << opts->policy << " has errors (" << summary(loaded.diagnostics)
                          << "); fix them or run without --policy\n";
                exitCode = ExitDiagnostics;
                return;
            }
        }

        catalog::Catalog cat;
        findings::SessionActivity activity;
        try {
            cat = catalog::introspect(opts->db);
            activity = findings::readSessionActivity(opts->db);
        } catch (const catalog::CatalogError &e) {
            std::cerr << "writ findings: " << e.what() << "\n";
            exitCode = ExitEnvironment;
            return;
        }

        std::vector<findings::Finding> found
            = findings::findFindings(cat, activity, opts->policy.empty() ? nullptr : &loaded.policy);
        const findings::Severity floor = *findings::parseSeverity(opts->minSeverity);
        std::erase_if(found, [&](const findings::Finding &f) { return f.severity > floor; });

        const findings::FindingsSource source {cat.database, cat.serverVersion};
        if (opts->format == "json")
            std::cout << findings::formatJson(found, source);
        else if (opts->format == "sarif")
            std::cout << findings::formatSarif(found, source);
        else
            std::cout << findings::formatText(found, source);

        exitCode = ExitOk;
        if (!opts->failOn.empty()) {
            const findings::Severity failAt = *findings::parseSeverity(opts->failOn);
            if (std::any_of(found.begin(), found.end(), [&](const findings::Finding &f) { return f.severity <= failAt; }))
                exitCode = ExitDiagnostics;
        }
    });
}

} // namespace writ::cli
