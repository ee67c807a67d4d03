// SPDX-License-Identifier: Apache-2.0
#include "admin_client.h"

#include "commands.h"

#include <CLI/CLI.hpp>

#include <iostream>

namespace writ::cli {

int reportAdminError(const AdminAnswer &a, const char *command)
{
    std::cerr << "writ " << command << ": " << a.error << "\n";
    return a.status == 400 || a.status == 404 || a.status == 409 ? ExitDiagnostics : ExitEnvironment;
}

void StateTarget::addOptions(CLI::App *cmd)
{
    auto *dbOption = cmd->add_option("--db", db, "Database (libpq URI) holding the writ schema");
    auto *gatewayOption = cmd->add_option("--gateway", gateway, "A gateway's admin API, e.g. http://127.0.0.1:6433 (instead of --db)");
    auto *tokenOption = cmd->add_option("--token-file", tokenFile, "File holding the gateway's admin token (with --gateway)");
    dbOption->excludes(gatewayOption);
    gatewayOption->needs(tokenOption);
    tokenOption->needs(gatewayOption);
}

bool StateTarget::valid(const char *command) const
{
    if (db.empty() && gateway.empty()) {
        std::cerr << "writ " << command << ": say where Writ's state is: --db URL or --gateway URL --token-file FILE\n";
        return false;
    }
    return true;
}

} // namespace writ::cli
