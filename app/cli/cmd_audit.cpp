// SPDX-License-Identifier: Apache-2.0
// writ audit verify FILE [--key-file F] — checks the hash chain of a gateway audit file.
#include "commands.h"

#include "audit/audit_verify.h"
#include "common/file_io.h"
#include "identity/secret_file.h"

#include <CLI/CLI.hpp>

#include <iostream>
#include <memory>

namespace writ::cli {

namespace {

int verify(const std::string &file, const std::string &keyFile, const std::string &expectHead, bool quiet)
{
    const char *me = "writ audit verify: ";
    std::string key;
    if (!keyFile.empty()) {
        identity::SecretRead r = identity::readSecretFile(keyFile, 1, false, 4096);
        if (!r.warning.empty())
            std::cerr << me << "warning: " << r.warning << "\n";
        if (!r.secret) {
            std::cerr << me << r.error << "\n";
            return ExitEnvironment;
        }
        key = std::move(*r.secret);
    }
    const audit::VerifyResult r = audit::verifyAuditFile(file, key);
    if (!r.ok && r.badLine == 0) {
        std::cerr << me << r.problem << "\n";
        return ExitEnvironment;
    }
    if (!r.ok) {
        std::cout << file << ":" << r.badLine << ": " << r.problem << "\n"
                  << "  " << r.records << " records before it verify; nothing from line " << r.badLine << " on can be trusted\n";
        return ExitDiagnostics;
    }
    if (!expectHead.empty() && expectHead != r.lastHash) {
        std::cout << file << ": the chain verifies but ends at " << r.lastHash << ", not at the expected " << expectHead
                  << ": records were removed from the end, or the file is another one\n";
        return ExitDiagnostics;
    }
    if (!quiet)
        std::cout << file << ": ok, " << r.records << " records, head " << r.lastHash << "\n";
    return ExitOk;
}

} // namespace

void registerAudit(CLI::App &app, int &exitCode)
{
    auto *audit = app.add_subcommand("audit", "Work with gateway audit files");
    audit->require_subcommand(1);
    auto *v = audit->add_subcommand("verify", "Check an audit file's hash chain: any edit, deletion or reordering is reported");
    struct Options
    {
        std::string file, keyFile, expectHead;
        bool quiet = false;
    };
    auto opts = std::make_shared<Options>();
    v->add_option("FILE", opts->file, "Audit file (JSON lines)")->required();
    v->add_option("--key-file", opts->keyFile, "The gateway's audit key (HMAC chains)");
    v->add_option("--expect-head", opts->expectHead, "The head hash recorded elsewhere: also detects records cut from the end");
    v->add_flag("-q,--quiet", opts->quiet, "Print nothing when the file verifies");
    v->callback([opts, &exitCode] { exitCode = verify(opts->file, opts->keyFile, opts->expectHead, opts->quiet); });
}

} // namespace writ::cli
