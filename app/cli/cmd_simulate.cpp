// SPDX-License-Identifier: Apache-2.0
// writ simulate — how the gateway would decide one statement for an agent's task, and with --run
// what PostgreSQL itself returns to that task, in a sandbox transaction that is rolled back.
#include "commands.h"
#include "output.h"

#include "simulate/sandbox.h"
#include "simulate/simulation.h"
#include "simulate/simulation_input.h"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <iostream>
#include <iterator>

namespace writ::cli {

namespace {

struct SimulateOptions
{
    std::string policy, db, catalog, agent, task, env, sql, timeout = "5s", format = "text";
    std::vector<std::string> ctx;
    bool run = false;
    std::size_t maxRows = 20;
};

/// Exit codes of `writ simulate`: the verdict, so scripts can branch on it.
enum SimulateExit : int { ExitAllow = 0, ExitDeny = 1, ExitApproval = 2 };

int exitFor(decide::Verdict v)
{
    switch (v) {
    case decide::Verdict::Allow: return ExitAllow;
    case decide::Verdict::Deny: return ExitDeny;
    case decide::Verdict::ApprovalRequired: return ExitApproval;
    }
    return ExitDeny;
}

using Estimate = simulate::SimulationEstimate;

std::size_t displayWidth(const std::string &s)
{
    std::size_t n = 0;
    for (const unsigned char c : s)
        n += (c & 0xC0) != 0x80;
    return n;
}

/// A cell for the text table: one line, at most 60 characters, NULL spelled out.
std::string cell(const std::optional<std::string> &v)
{
    if (!v)
        return "NULL";
    std::string s;
    std::size_t chars = 0;
    for (std::size_t i = 0; i < v->size(); ++i) {
        const unsigned char c = static_cast<unsigned char>((*v)[i]);
        if ((c & 0xC0) != 0x80 && ++chars > 60) {
            s += "...";
            break;
        }
        s += (c == '\n' || c == '\r' || c == '\t') ? ' ' : static_cast<char>(c);
    }
    return s;
}

void printTable(std::ostream &out, const simulate::SandboxResult &r)
{
    if (r.columns.empty())
        return;
    std::vector<std::size_t> width;
    for (const auto &c : r.columns)
        width.push_back(displayWidth(c));
    std::vector<std::vector<std::string>> cells;
    for (const auto &row : r.rows) {
        cells.emplace_back();
        for (std::size_t i = 0; i < row.size() && i < width.size(); ++i) {
            cells.back().push_back(cell(row[i]));
            width[i] = std::max(width[i], displayWidth(cells.back().back()));
        }
    }
    auto line = [&](const std::vector<std::string> &values) {
        out << " ";
        for (std::size_t i = 0; i < width.size(); ++i) {
            const std::string v = i < values.size() ? values[i] : std::string();
            out << v << std::string(width[i] - std::min(width[i], displayWidth(v)), ' ') << (i + 1 < width.size() ? " | " : "\n");
        }
    };
    line(r.columns);
    for (std::size_t i = 0; i < width.size(); ++i)
        out << std::string(width[i] + 2, '-') << (i + 1 < width.size() ? "+" : "\n");
    for (const auto &row : cells)
        line(row);
}

std::string milliseconds(std::chrono::microseconds d)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f ms", static_cast<double>(d.count()) / 1000.0);
    return buf;
}

void printText(std::ostream &out, const SimulateOptions &o, const decide::Decision &d, const std::optional<Estimate> &estimate,
               const std::optional<simulate::SandboxResult> &sandbox)
{
    out << "decision: " << decide::toString(d.verdict);
    if (d.approvalClass)
        out << " (step-up class " << policy::toString(*d.approvalClass) << ")";
    out << "\n";
    for (const auto &r : d.reasons) {
        out << "  [" << r.rule << "] " << r.message << "\n";
        if (!r.fix.empty())
            out << "    fix: " << r.fix << "\n";
    }
    if (estimate) {
        if (estimate->rows)
            out << "row estimate: " << static_cast<long long>(*estimate->rows) << " rows (" << estimate->source << "); bulk_read_rows is "
                << d.bulkReadRows << "\n";
        else
            out << "row estimate: none (" << estimate->error << ")\n";
    } else if (d.needsRowEstimate) {
        out << "row estimate: not checked (no --db); a read the planner estimates over " << d.bulkReadRows
            << " rows needs approval (bulk_read)\n";
    }
    if (!sandbox)
        return;
    const simulate::SandboxResult &s = *sandbox;
    out << "\nsandbox: as " << o.agent << "/" << o.task << " (temporary role " << (s.taskRole.empty() ? "-" : s.taskRole)
        << "), in one transaction rolled back\n";
    switch (s.outcome) {
    case simulate::SandboxResult::Outcome::NotRun: out << "not run: " << s.error << "\n"; return;
    case simulate::SandboxResult::Outcome::Failed:
        if (s.sqlstate.empty())
            out << "failed: " << s.error << "\n";
        else
            out << "PostgreSQL refused it: SQLSTATE " << s.sqlstate << ": " << s.error << "\n";
        break;
    case simulate::SandboxResult::Outcome::Succeeded:
        printTable(out, s);
        if (s.truncated())
            out << "(" << s.rows.size() << " of " << s.visibleRows << " rows shown; --max-rows shows more)\n";
        break;
    }
    const std::string without = s.rowsWithoutPolicy ? std::to_string(*s.rowsWithoutPolicy) + " rows"
                              : s.withoutPolicyError.empty() ? std::string("not counted")
                                                             : "could not run (" + s.withoutPolicyError + ")";
    if (s.succeeded() && s.rowsWithoutPolicy)
        out << (s.write ? "affected: " : "visible: ") << s.visibleRows << " of " << *s.rowsWithoutPolicy
            << " rows (" << *s.rowsWithoutPolicy << (s.write ? " affected" : "") << " without the policy)\n";
    else if (s.succeeded())
        out << (s.write ? "affected: " : "visible: ") << s.visibleRows << " rows; without the policy: " << without << "\n";
    else
        out << "without the policy: " << without << "\n";
    out << "time: " << milliseconds(s.duration) << "\n";
}

nlohmann::json toJson(const SimulateOptions &o, const std::map<std::string, std::string> &ctx, const decide::Decision &d,
                      const std::optional<Estimate> &estimate, const std::optional<simulate::SandboxResult> &sandbox)
{
    nlohmann::json reasons = nlohmann::json::array();
    for (const auto &r : d.reasons)
        reasons.push_back({{"rule", r.rule}, {"message", r.message}, {"fix", r.fix}, {"policy_path", r.policyPath}});
    nlohmann::json out = {{"agent", o.agent},
                          {"task", o.task},
                          {"context", ctx},
                          {"environment", o.env},
                          {"sql", o.sql},
                          {"decision",
                           {{"verdict", decide::toString(d.verdict)},
                            {"approval_class", d.approvalClass ? nlohmann::json(policy::toString(*d.approvalClass)) : nlohmann::json()},
                            {"reasons", reasons},
                            {"needs_row_estimate", d.needsRowEstimate},
                            {"bulk_read_rows", d.bulkReadRows}}}};
    out["row_estimate"] = estimate ? nlohmann::json {{"rows", estimate->rows ? nlohmann::json(*estimate->rows) : nlohmann::json()},
                                                     {"source", estimate->source},
                                                     {"error", estimate->error}}
                                   : nlohmann::json();
    if (!sandbox) {
        out["sandbox"] = nullptr;
        return out;
    }
    const simulate::SandboxResult &s = *sandbox;
    nlohmann::json rows = nlohmann::json::array();
    for (const auto &row : s.rows) {
        nlohmann::json values = nlohmann::json::array();
        for (const auto &v : row)
            values.push_back(v ? nlohmann::json(*v) : nlohmann::json());
        rows.push_back(values);
    }
    out["sandbox"] = {{"outcome", simulate::toString(s.outcome)},
                      {"write", s.write},
                      {"columns", s.columns},
                      {"rows", rows},
                      {"visible_rows", s.visibleRows},
                      {"rows_without_policy", s.rowsWithoutPolicy ? nlohmann::json(*s.rowsWithoutPolicy) : nlohmann::json()},
                      {"without_policy_error", s.withoutPolicyError},
                      {"duration_ms", static_cast<double>(s.duration.count()) / 1000.0},
                      {"sqlstate", s.sqlstate},
                      {"error", s.error},
                      {"task_role", s.taskRole}};
    return out;
}

void runSimulate(const SimulateOptions &o, int &exitCode)
{
    if (o.db.empty() && o.catalog.empty()) {
        std::cerr << "writ simulate: give --db URL or --catalog FILE (the decision needs the catalog)\n";
        exitCode = ExitUsage;
        return;
    }
    if (o.run && o.db.empty()) {
        std::cerr << "writ simulate: --run needs --db: the sandbox runs the statement on that database\n";
        exitCode = ExitUsage;
        return;
    }
    std::map<std::string, std::string> ctx;
    for (const auto &kv : o.ctx) {
        const auto eq = kv.find('=');
        if (eq == std::string::npos || eq == 0) {
            std::cerr << "writ simulate: --ctx " << kv << " is not key=value\n";
            exitCode = ExitUsage;
            return;
        }
        if (!ctx.emplace(kv.substr(0, eq), kv.substr(eq + 1)).second) {
            std::cerr << "writ simulate: context key " << kv.substr(0, eq) << " is given twice\n";
            exitCode = ExitUsage;
            return;
        }
    }
    const auto timeout = policy::parseDuration(o.timeout);
    if (!timeout || timeout->count() <= 0) {
        std::cerr << "writ simulate: --timeout " << o.timeout << " is not a duration (e.g. 5s, 1m)\n";
        exitCode = ExitUsage;
        return;
    }
    std::string sql = o.sql;
    if (sql == "-")
        sql.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());

    const simulate::SimulationInput in = simulate::loadSimulationInput(o.policy, o.db, o.catalog);
    if (!in.environmentError.empty()) {
        std::cerr << "writ simulate: " << in.environmentError << "\n";
        exitCode = ExitEnvironment;
        return;
    }
    if (reportErrors(in.diagnostics, o.policy, "simulate")) {
        exitCode = ExitDiagnostics;
        return;
    }

    simulate::SimulationRequest request;
    request.agent = o.agent;
    request.task = o.task;
    request.context = ctx;
    request.environment = o.env;
    request.sql = sql;
    request.connectionUri = o.db;
    request.run = o.run;
    request.maxRows = o.maxRows;
    request.timeout = std::chrono::duration_cast<std::chrono::milliseconds>(*timeout);
    simulate::Simulation simulation;
    try {
        simulation = simulate::simulateStatement(in.policy, in.catalog, request);
    } catch (const simulate::SandboxError &e) {
        std::cerr << "writ simulate: sandbox: " << e.what() << "\n";
        exitCode = e.kind() == simulate::SandboxError::Kind::Environment ? ExitEnvironment : ExitDiagnostics;
        return;
    }
    const decide::Decision &decision = simulation.decision;
    const std::optional<Estimate> &estimate = simulation.estimate;
    const std::optional<simulate::SandboxResult> &sandbox = simulation.sandbox;

    if (o.format == "json")
        std::cout << toJson(o, ctx, decision, estimate, sandbox).dump(2) << "\n";
    else
        printText(std::cout, o, decision, estimate, sandbox);
    exitCode = exitFor(decision.verdict);
}

} // namespace

void registerSimulate(CLI::App &app, int &exitCode)
{
    auto o = std::make_shared<SimulateOptions>();
    CLI::App *cmd = app.add_subcommand(
        "simulate", "Decide one statement for an agent's task as the gateway would (exit 0 allow, 1 deny, 2 approval_required); "
                    "with --run also run it as the task in a sandbox transaction that is rolled back");
    cmd->add_option("policy", o->policy, "Policy file (YAML)")->required();
    cmd->add_option("sql", o->sql, "The statement (\"-\" reads it from standard input)")->required();
    cmd->add_option("--agent", o->agent, "Agent id")->required();
    cmd->add_option("--task", o->task, "Task type id")->required();
    // One value per --ctx, so the statement after it is not taken for a second one.
    cmd->add_option("--ctx", o->ctx, "Context value key=value (repeat for each key)")->allow_extra_args(false);
    cmd->add_option("--env", o->env, "Environment the task runs in");
    auto *db = cmd->add_option("--db", o->db, "Database (libpq URI): catalog, row estimates and --run");
    auto *cat = cmd->add_option("--catalog", o->catalog, "Catalog snapshot (from `writ catalog`) instead of a database");
    db->excludes(cat);
    cmd->add_flag("--run", o->run, "Also run the statement as the task in a rolled-back sandbox (needs --db as a superuser)");
    cmd->add_option("--max-rows", o->maxRows, "Rows of the sandbox result to show (all are counted)")->check(CLI::Range(1, 10000));
    cmd->add_option("--timeout", o->timeout, "Statement timeout in the sandbox, e.g. 5s");
    cmd->add_option("--format", o->format, "Output format")->check(CLI::IsMember({"text", "json"}));
    cmd->callback([o, &exitCode] { runSimulate(*o, exitCode); });
}

} // namespace writ::cli
