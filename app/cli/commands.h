// SPDX-License-Identifier: Apache-2.0
#pragma once

// Each `writ` subcommand registers its options on the CLI11 app and returns its exit code.
// The commands only wire arguments to writ_core functions and print; no policy logic lives here.

namespace CLI {
class App;
}

namespace writ::cli {

/// Exit codes shared by every command (documented in docs/cli.md).
enum ExitCode : int {
    ExitOk = 0,
    ExitDiagnostics = 1, ///< the input has errors (or `fmt --check` found a non-canonical file)
    ExitChanges = 2,     ///< plan/diff: there are differences
    ExitEnvironment = 3, ///< could not reach the database, read a file, ...
    ExitUsage = 64,
};

void registerCheck(CLI::App &app, int &exitCode);
void registerFmt(CLI::App &app, int &exitCode);
void registerCatalog(CLI::App &app, int &exitCode);
void registerFloor(CLI::App &app, int &exitCode);
void registerTask(CLI::App &app, int &exitCode);
void registerFindings(CLI::App &app, int &exitCode);
void registerKeys(CLI::App &app, int &exitCode);
void registerToken(CLI::App &app, int &exitCode);
void registerSimulate(CLI::App &app, int &exitCode);
void registerPolicyTest(CLI::App &app, int &exitCode);
void registerDiff(CLI::App &app, int &exitCode);
void registerAudit(CLI::App &app, int &exitCode);
void registerApprovals(CLI::App &app, int &exitCode);
void registerPublish(CLI::App &app, int &exitCode);

} // namespace writ::cli
