// SPDX-License-Identifier: Apache-2.0
#include "simulate/policy_test_runner.h"

#include "decide/decision_engine.h"
#include "simulate/row_estimate.h"

#include <algorithm>

namespace writ::simulate {

using decide::Verdict;
using Clock = std::chrono::steady_clock;

namespace {

std::string ruleList(const decide::Decision &d)
{
    std::string out;
    for (const auto &r : d.reasons)
        if (out.find(r.rule) == std::string::npos)
            out += (out.empty() ? "" : ", ") + r.rule;
    return out.empty() ? std::string("none") : out;
}

std::string nativeOutcomeText(const SandboxResult &s)
{
    switch (s.outcome) {
    case SandboxResult::Outcome::Succeeded: return "it succeeded";
    case SandboxResult::Outcome::Failed: return "PostgreSQL refused it (" + (s.sqlstate.empty() ? std::string("no SQLSTATE") : s.sqlstate) + ": " + s.error + ")";
    case SandboxResult::Outcome::NotRun: return "the sandbox did not run it: " + s.error;
    }
    return {};
}

/// Checks the sandbox expectations of `c` against what happened.
void checkSandbox(const TestCase &c, const SandboxResult &s, CaseResult &out)
{
    if (c.rows) {
        if (!s.succeeded())
            out.failures.push_back("expected " + std::to_string(*c.rows) + " row(s), but " + nativeOutcomeText(s));
        else if (s.visibleRows != *c.rows)
            out.failures.push_back("expected " + std::to_string(*c.rows) + " row(s), the task " + (s.write ? "touches " : "sees ")
                                   + std::to_string(s.visibleRows));
    }
    if (c.native && !nativeMatches(*c.native, s))
        out.failures.push_back(std::string(c.native->succeed ? "expected PostgreSQL to run it as the task's role"
                                                             : "expected PostgreSQL to refuse it with SQLSTATE " + c.native->sqlstate)
                               + ", but " + nativeOutcomeText(s));
}

} // namespace

bool nativeMatches(const NativeExpectation &expected, const SandboxResult &s)
{
    if (expected.succeed)
        return s.succeeded();
    return s.outcome == SandboxResult::Outcome::Failed && s.sqlstate == expected.sqlstate;
}

std::size_t TestRun::passed() const
{
    return static_cast<std::size_t>(std::count_if(results.begin(), results.end(), [](const CaseResult &r) { return r.passed(); }));
}

std::size_t TestRun::failed() const
{
    return results.size() - passed();
}

std::string describeDecision(const decide::Decision &d)
{
    std::string out = decide::toString(d.verdict);
    if (d.reasons.empty())
        return out;
    const decide::Reason &r = d.deciding();
    out += " [" + r.rule + "]";
    if (!r.message.empty())
        out += ": " + r.message;
    return out;
}

TestRun runPolicyTests(const TestFile &tests, std::shared_ptr<const policy::Policy> policy,
                       std::shared_ptr<const catalog::Catalog> catalog, const policy::SourceMap &sources, const TestRunOptions &options)
{
    TestRun run;
    run.file = tests.file;
    const Clock::time_point started = Clock::now();
    const decide::DecisionEngine engine(policy, catalog, "writ test");
    std::unique_ptr<Sandbox> sandbox;
    if (!options.connectionUri.empty())
        sandbox = std::make_unique<Sandbox>(options.connectionUri, policy, catalog, sources);

    for (const TestCase &c : tests.cases) {
        const Clock::time_point caseStart = Clock::now();
        CaseResult out;
        out.testCase = c;
        decide::TaskContext context;
        context.agent = c.agent;
        context.taskType = c.task;
        context.values = c.context;
        context.environment = c.environment;
        out.decision = *engine.decide(c.sql, context);
        const bool needsEstimate = out.decision.needsRowEstimate;

        if (sandbox && (needsEstimate || c.rows || c.native)) {
            SandboxOptions so;
            so.statementTimeout = options.statementTimeout;
            so.maxRows = 0; // counted, not shown
            so.countWithoutPolicy = false;
            so.explain = needsEstimate;
            try {
                out.sandbox = sandbox->run({c.agent, c.task, c.context, c.environment, c.sql}, so);
            } catch (const SandboxError &e) {
                if (e.kind() == SandboxError::Kind::Environment)
                    throw;
                out.error = e.what();
            }
        }
        if (needsEstimate) {
            if (out.sandbox && out.sandbox->estimatedRows) {
                out.estimatedRows = out.sandbox->estimatedRows;
            } else if (!options.connectionUri.empty()) {
                // The task role could not plan it (e.g. the floor refuses it): the administrator's estimate
                // ignores the row filters, so it can only err towards approval.
                const RowEstimate e = plannerEstimate(options.connectionUri, c.sql, options.statementTimeout);
                out.estimatedRows = e.rows;
                if (!e.rows)
                    out.notes.push_back("no row estimate: " + e.error);
            } else {
                out.notes.push_back("the verdict assumes the planner estimates at most " + std::to_string(out.decision.bulkReadRows)
                                    + " rows (bulk_read_rows); run with --db to check");
            }
            if (out.estimatedRows)
                out.decision = decide::applyRowEstimate(out.decision, *out.estimatedRows);
        }

        if (out.decision.verdict != c.expect)
            out.failures.push_back(std::string("expected ") + decide::toString(c.expect) + ", got " + describeDecision(out.decision));
        else if (!c.rule.empty()
                 && std::none_of(out.decision.reasons.begin(), out.decision.reasons.end(),
                                 [&](const decide::Reason &r) { return r.rule == c.rule; }))
            out.failures.push_back("expected rule " + c.rule + ", got " + ruleList(out.decision) + " (" + describeDecision(out.decision)
                                   + ")");
        if (out.sandbox)
            checkSandbox(c, *out.sandbox, out);
        else if ((c.rows || c.native) && out.error.empty())
            out.notes.push_back(std::string(c.rows ? "rows" : "native") + (c.rows && c.native ? " and native" : "")
                                + " not checked: run with --db");
        out.duration = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - caseStart);
        if (options.progress)
            options.progress(out);
        run.results.push_back(std::move(out));
    }
    run.duration = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - started);
    return run;
}

JUnitSuite toJUnit(const TestRun &run)
{
    JUnitSuite suite;
    suite.name = run.file;
    suite.seconds = static_cast<double>(run.duration.count()) / 1e6;
    for (const auto &r : run.results) {
        JUnitCase c;
        c.name = r.testCase.name;
        c.className = r.testCase.agent + "/" + r.testCase.task;
        c.seconds = static_cast<double>(r.duration.count()) / 1e6;
        std::string details;
        if (r.testCase.location.isKnown())
            details += "case at " + r.testCase.location.file + ":" + std::to_string(r.testCase.location.line) + ":"
                     + std::to_string(r.testCase.location.column) + "\n";
        details += "sql: " + r.testCase.sql + "\n";
        details += "decision: " + describeDecision(r.decision) + "\n";
        for (const auto &f : r.failures)
            details += "failed: " + f + "\n";
        for (const auto &n : r.notes)
            details += "note: " + n + "\n";
        if (!r.testCase.reason.empty())
            details += "reason: " + r.testCase.reason + "\n";
        if (!r.error.empty()) {
            c.error = r.error.substr(0, r.error.find('\n'));
            details += "error: " + r.error + "\n";
        } else if (!r.failures.empty()) {
            c.failure = r.failures.front();
        }
        if (c.failure || c.error)
            c.details = details;
        suite.cases.push_back(std::move(c));
    }
    return suite;
}

} // namespace writ::simulate
