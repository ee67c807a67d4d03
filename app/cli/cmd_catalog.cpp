// SPDX-License-Identifier: Apache-2.0
// writ catalog --db URL [-o FILE] — snapshot a database's catalog as JSON for offline checks and review.
#include "commands.h"

#include "catalog/catalog_error.h"
#include "catalog/catalog_json.h"
#include "catalog/introspector.h"

#include <CLI/CLI.hpp>

#include <iostream>

namespace writ::cli {

void registerCatalog(CLI::App &app, int &exitCode)
{
    struct Options
    {
        std::string db, output;
        bool quiet = false;
    };
    auto opts = std::make_shared<Options>();
    CLI::App *cmd = app.add_subcommand("catalog", "Write a JSON snapshot of a database's catalog (schemas, grants, RLS, roles)");
    cmd->add_option("--db", opts->db, "libpq URI or conninfo")->required();
    cmd->add_option("-o,--output", opts->output, "Output file (default: standard output)");
    cmd->add_flag("-q,--quiet", opts->quiet, "No summary on standard error");
    cmd->callback([opts, &exitCode] {
        try {
            catalog::IntrospectStats stats;
            const catalog::Catalog cat = catalog::introspect(opts->db, {}, &stats);
            if (opts->output.empty())
                std::cout << catalog::toJson(cat);
            else
                catalog::saveCatalogFile(opts->output, cat);
            if (!opts->quiet)
                std::cerr << "catalog of " << cat.database << " (PostgreSQL " << cat.serverVersion << "): " << cat.schemas.size()
                          << " schemas, " << cat.relations.size() << " relations, " << cat.roles.size() << " roles, "
                          << cat.functions.size() << " security-definer functions; " << stats.queries << " queries in "
                          << stats.queryTime.count() << " ms\n";
            exitCode = ExitOk;
        } catch (const catalog::CatalogError &e) {
            std::cerr << "writ catalog: " << e.what() << "\n";
            exitCode = ExitEnvironment;
        }
    });
}

} // namespace writ::cli
