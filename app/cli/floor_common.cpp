// SPDX-License-Identifier: Apache-2.0
#include "floor_common.h"

#include "commands.h"
#include "output.h"

#include "catalog/catalog_error.h"
#include "catalog/catalog_json.h"
#include "catalog/introspector.h"

#include <iostream>
#include <unistd.h>

namespace writ::cli {

/// Loads, checks and compiles; prints diagnostics. Returns nullopt (and sets exitCode) on failure.
std::optional<compile::CompileResult> compileOrReport(const FloorOptions &o, policy::LoadResult &loaded, catalog::Catalog &cat,
                                                      int &exitCode, const char *command)
{
    loaded = policy::loadPolicyFile(o.policy);
    if (!loaded.ok()) {
        printDiagnostics(std::cerr, loaded.diagnostics, "text");
        std::cerr << o.policy << ": FAILED (" << summary(loaded.diagnostics) << ")\n";
        exitCode = ExitDiagnostics;
        return std::nullopt;
    }
    try {
        cat = o.db.empty() ? catalog::loadCatalogFile(o.catalog) : catalog::introspect(o.db);
    } catch (const catalog::CatalogError &e) {
        std::cerr << "writ " << command << ": " << e.what() << "\n";
        exitCode = ExitEnvironment;
        return std::nullopt;
    }
    compile::CompileResult compiled = compile::compilePolicy(loaded.policy, loaded.sources, cat);
    printDiagnostics(std::cerr, compiled.diagnostics, "text");
    if (!compiled.ok()) {
        std::cerr << o.policy << ": not compiled (" << summary(compiled.diagnostics) << ")\n";
        exitCode = ExitDiagnostics;
        return std::nullopt;
    }
    return compiled;
}

void printPlan(std::ostream &out, const compile::Plan &plan, bool showSql)
{
    if (plan.runtimeChange)
        out << "  + install or upgrade the writ runtime schema\n";
    for (const auto &s : plan.steps) {
        out << "  [" << compile::toString(s.risk) << "] " << s.why << "\n";
        if (showSql) {
            std::string sql = s.sql;
            for (std::size_t at = 0; (at = sql.find('\n', at)) != std::string::npos; at += 5)
                sql.replace(at, 1, "\n    ");
            out << "    " << sql << "\n";
        }
    }
}

std::function<bool(const compile::Plan &)> confirmPlan(bool yes, bool showSql, const char *command)
{
    return [yes, showSql, command](const compile::Plan &plan) {
        std::cout << "Plan:\n";
        printPlan(std::cout, plan, showSql);
        if (yes)
            return true;
        if (!::isatty(STDIN_FILENO)) {
            std::cerr << "writ " << command << ": not applied: pass --yes to apply without a terminal to confirm on\n";
            return false;
        }
        std::cout << "Apply " << plan.steps.size() << " step(s)? [y/N] " << std::flush;
        std::string answer;
        std::getline(std::cin, answer);
        return answer == "y" || answer == "Y" || answer == "yes";
    };
}

} // namespace writ::cli
