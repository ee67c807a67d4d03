// SPDX-License-Identifier: Apache-2.0
#pragma once

// Runs policy test cases (policy_tests.h): each statement is decided by the request-time engine for
// its agent, task and context; with a database, reads that need the planner's estimate get it, and
// `rows:` / `native:` expectations are checked by running the statement in the sandbox (sandbox.h),
// all in one sandbox session that is rolled back at the end.

#include "catalog/catalog.h"
#include "decide/decision.h"
#include "policy/policy.h"
#include "policy/source_map.h"
#include "simulate/junit.h"
#include "simulate/policy_tests.h"
#include "simulate/sandbox.h"

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace writ::simulate {

struct CaseResult
{
    TestCase testCase;
    decide::Decision decision;            ///< after the row estimate, when there was one
    std::optional<double> estimatedRows;  ///< the planner's estimate as the task role (sandbox)
    std::optional<SandboxResult> sandbox; ///< when the case was run in the sandbox
    std::vector<std::string> failures;    ///< each expectation that did not hold, in words
    std::vector<std::string> notes;       ///< expectations not checked and why (e.g. no database)
    std::string error;                    ///< the case could not be run (its task cannot start, ...)
    std::chrono::microseconds duration {0};

    bool passed() const { return failures.empty() && error.empty(); }
};

struct TestRun
{
    std::string file;
    std::vector<CaseResult> results;
    std::chrono::microseconds duration {0};

    std::size_t passed() const;
    std::size_t failed() const; ///< failures and errors
};

struct TestRunOptions
{
    std::string connectionUri; ///< empty: decisions only; `rows:`, `native:` and row estimates are not checked
    std::chrono::milliseconds statementTimeout {5000};
    std::function<void(const CaseResult &)> progress; ///< called after each case
};

/// Runs every case. Throws SandboxError (Environment) when the database cannot be used at all; a
/// case whose task cannot start fails on its own with CaseResult::error.
TestRun runPolicyTests(const TestFile &tests, std::shared_ptr<const policy::Policy> policy,
                       std::shared_ptr<const catalog::Catalog> catalog, const policy::SourceMap &sources,
                       const TestRunOptions &options = {});

/// Whether a sandbox run did what `expected` says the floor does.
bool nativeMatches(const NativeExpectation &expected, const SandboxResult &result);

/// "deny [column-scope]: column public.customers.phone is not in scope ..." — the verdict, the deciding
/// rule and its message on one line.
std::string describeDecision(const decide::Decision &d);

/// One JUnit suite named after the case file; class names are agent/task.
JUnitSuite toJUnit(const TestRun &run);

} // namespace writ::simulate
