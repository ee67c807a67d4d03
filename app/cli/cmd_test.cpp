// SPDX-License-Identifier: Apache-2.0
// writ test — a policy's test cases (expected verdicts for statements) run in CI: one line per failing
// case, a summary, exit 0 when every case passes and 1 otherwise; --junit for the CI's test report.
#include "commands.h"
#include "output.h"

#include "common/file_io.h"
#include "simulate/policy_test_runner.h"
#include "simulate/policy_tests.h"
#include "simulate/simulation_input.h"

#include <CLI/CLI.hpp>

#include <iostream>

namespace writ::cli {

namespace {

struct TestOptions
{
    std::string policy, cases, db, catalog, junit, timeout = "5s";
    bool verbose = false;
};

std::string where(const simulate::TestCase &c)
{
    if (!c.location.isKnown())
        return c.location.file;
    return c.location.file + ":" + std::to_string(c.location.line) + ":" + std::to_string(c.location.column);
}

void printResult(std::ostream &out, const simulate::CaseResult &r, bool verbose)
{
    const simulate::TestCase &c = r.testCase;
    if (r.passed()) {
        if (verbose) {
            out << "ok    " << c.name << ": " << decide::toString(r.decision.verdict) << "\n";
            for (const auto &n : r.notes)
                out << "      note: " << n << "\n";
        }
        return;
    }
    // One line per failing case: what was expected and what happened; further failures indented below.
    out << "FAIL  " << c.name << " (" << where(c) << ", " << c.agent << "/" << c.task << "): "
        << (r.error.empty() ? r.failures.front() : "could not run: " + r.error) << "\n";
    for (std::size_t i = r.error.empty() ? 1 : 0; i < r.failures.size(); ++i)
        out << "      " << r.failures[i] << "\n";
    for (const auto &n : r.notes)
        out << "      note: " << n << "\n";
    if (verbose)
        out << "      sql: " << c.sql << "\n";
}

void runTests(const TestOptions &o, int &exitCode)
{
    if (o.db.empty() && o.catalog.empty()) {
        std::cerr << "writ test: give --db URL or --catalog FILE (decisions need the catalog)\n";
        exitCode = ExitUsage;
        return;
    }
    const auto timeout = policy::parseDuration(o.timeout);
    if (!timeout || timeout->count() <= 0) {
        std::cerr << "writ test: --timeout " << o.timeout << " is not a duration (e.g. 5s, 1m)\n";
        exitCode = ExitUsage;
        return;
    }
    const simulate::TestFileLoad cases = simulate::loadPolicyTestsFile(o.cases);
    if (!cases.diagnostics.empty())
        printDiagnostics(std::cerr, cases.diagnostics, "text");
    if (!cases.ok()) {
        std::cerr << o.cases << ": cannot run the cases (" << summary(cases.diagnostics) << ")\n";
        exitCode = ExitDiagnostics;
        return;
    }
    const simulate::SimulationInput in = simulate::loadSimulationInput(o.policy, o.db, o.catalog);
    if (!in.environmentError.empty()) {
        std::cerr << "writ test: " << in.environmentError << "\n";
        exitCode = ExitEnvironment;
        return;
    }
    if (reportErrors(in.diagnostics, o.policy, "test")) {
        exitCode = ExitDiagnostics;
        return;
    }

    simulate::TestRunOptions options;
    options.connectionUri = o.db;
    options.statementTimeout = std::chrono::duration_cast<std::chrono::milliseconds>(*timeout);
    options.progress = [&o](const simulate::CaseResult &r) { printResult(std::cout, r, o.verbose); };
    simulate::TestRun run;
    try {
        run = simulate::runPolicyTests(cases.tests, in.policy, in.catalog, in.sources, options);
    } catch (const simulate::SandboxError &e) {
        std::cerr << "writ test: sandbox: " << e.what() << "\n";
        exitCode = ExitEnvironment;
        return;
    }
    std::cout << run.passed() << " passed, " << run.failed() << " failed\n";
    if (!o.junit.empty()) {
        std::string error;
        if (!writeFileAtomically(o.junit, simulate::writeJUnitXml(simulate::toJUnit(run)), error)) {
            std::cerr << "writ test: cannot write " << o.junit << ": " << error << "\n";
            exitCode = ExitEnvironment;
            return;
        }
    }
    exitCode = run.failed() == 0 ? ExitOk : ExitDiagnostics;
}

} // namespace

void registerPolicyTest(CLI::App &app, int &exitCode)
{
    auto o = std::make_shared<TestOptions>();
    CLI::App *cmd = app.add_subcommand("test", "Run a policy's test cases: statements with the verdict each must get "
                                               "(exit 0: all pass, 1: a case failed)");
    cmd->add_option("policy", o->policy, "Policy file (YAML)")->required();
    cmd->add_option("cases", o->cases, "Case file (YAML, see docs/simulate.md)")->required();
    auto *db = cmd->add_option("--db", o->db, "Database (libpq URI, superuser): catalog, row estimates, `rows:` and `native:` checks");
    auto *cat = cmd->add_option("--catalog", o->catalog, "Catalog snapshot (from `writ catalog`) instead of a database");
    db->excludes(cat);
    cmd->add_option("--junit", o->junit, "Also write a JUnit XML report to this file");
    cmd->add_option("--timeout", o->timeout, "Statement timeout in the sandbox, e.g. 5s");
    cmd->add_flag("-v,--verbose", o->verbose, "Print every case, not only the failing ones");
    cmd->callback([o, &exitCode] { runTests(*o, exitCode); });
}

} // namespace writ::cli
