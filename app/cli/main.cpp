// SPDX-License-Identifier: Apache-2.0
#include "commands.h"

#include <writ/version.h>

#include <CLI/CLI.hpp>

#include <iostream>

int main(int argc, char **argv)
{
    CLI::App app{"writ — task-scoped identity for AI agents on PostgreSQL"};
    app.set_version_flag("--version", std::string("writ ") + writ::kVersion);
    app.require_subcommand(1);
    int exitCode = writ::cli::ExitOk;
    writ::cli::registerCheck(app, exitCode);
    writ::cli::registerFmt(app, exitCode);
    writ::cli::registerCatalog(app, exitCode);
    writ::cli::registerFloor(app, exitCode);
    writ::cli::registerTask(app, exitCode);
    writ::cli::registerFindings(app, exitCode);
    writ::cli::registerKeys(app, exitCode);
    writ::cli::registerToken(app, exitCode);
    writ::cli::registerSimulate(app, exitCode);
    writ::cli::registerPolicyTest(app, exitCode);
    writ::cli::registerDiff(app, exitCode);
    writ::cli::registerAudit(app, exitCode);
    writ::cli::registerApprovals(app, exitCode);
    writ::cli::registerPublish(app, exitCode);
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError &e) {
        const int code = app.exit(e);
        return code == 0 ? 0 : writ::cli::ExitUsage;
    }
    return exitCode;
}
