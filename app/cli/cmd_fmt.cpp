// SPDX-License-Identifier: Apache-2.0
// writ fmt FILE... [--check] — rewrite policy files in the canonical form.
#include "commands.h"
#include "output.h"

#include "common/file_io.h"
#include "policy/policy_loader.h"
#include "policy/policy_writer.h"
#include "policy/yaml_comments.h"

#include <CLI/CLI.hpp>

#include <iostream>

namespace writ::cli {

void registerFmt(CLI::App &app, int &exitCode)
{
    struct Options
    {
        std::vector<std::string> files;
        bool check = false, toStdout = false, dropComments = false;
    };
    auto opts = std::make_shared<Options>();
    CLI::App *cmd = app.add_subcommand("fmt", "Rewrite policy files in the canonical form");
    cmd->add_option("files", opts->files, "Policy files")->required();
    cmd->add_flag("--check", opts->check, "Change nothing; exit 1 when a file is not in canonical form");
    cmd->add_flag("--stdout", opts->toStdout, "Print the canonical form instead of rewriting the file");
    cmd->add_flag("--drop-comments", opts->dropComments,
                  "Rewrite even when the file has YAML comments (they are lost; keep notes in description/reason)");
    cmd->callback([opts, &exitCode] {
        exitCode = ExitOk;
        for (const auto &file : opts->files) {
            std::string error;
            const auto text = readTextFile(file, error, policy::kMaxPolicyBytes);
            if (!text) {
                std::cerr << "writ fmt: cannot read " << file << ": " << error << "\n";
                exitCode = ExitEnvironment;
                continue;
            }
            policy::LoadResult loaded = policy::loadPolicy(*text, file);
            if (!loaded.ok()) {
                printDiagnostics(std::cerr, loaded.diagnostics, "text");
                std::cerr << file << ": not formatted: fix the errors first (" << summary(loaded.diagnostics) << ")\n";
                exitCode = ExitDiagnostics;
                continue;
            }
            const std::string canonical = policy::writePolicy(loaded.policy);
            if (opts->toStdout) {
                std::cout << canonical;
                continue;
            }
            if (canonical == *text)
                continue;
            if (opts->check) {
                std::cerr << file << ": not in canonical form (run `writ fmt " << file << "`)\n";
                exitCode = ExitDiagnostics;
                continue;
            }
            if (const int comments = policy::countYamlComments(*text); comments > 0 && !opts->dropComments) {
                std::cerr << file << ": has " << comments << " YAML comment line(s) that the canonical form would drop.\n"
                          << "  hint: move them into `description:` or `reason:` fields, or pass --drop-comments\n";
                exitCode = ExitDiagnostics;
                continue;
            }
            if (!writeFileAtomically(file, canonical, error)) {
                std::cerr << "writ fmt: cannot write " << file << ": " << error << "\n";
                exitCode = ExitEnvironment;
                continue;
            }
            std::cerr << "formatted " << file << "\n";
        }
    });
}

} // namespace writ::cli
