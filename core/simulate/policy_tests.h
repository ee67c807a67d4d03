// SPDX-License-Identifier: Apache-2.0
#pragma once

// Policy test cases: statements with the verdict a policy must give them, kept in a YAML file beside
// the policy and run by `writ test` (and the studio). A decision table in the style of PgBouncer's
// hba_test: who asks, what they send, what must happen.
//
//   writ_tests: 1
//   defaults: { agent: support-summarizer, task: summarize-tickets, ctx: { customer_id: 42 } }
//   cases:
//     - name: reads the customer's open tickets
//       sql: SELECT id, subject FROM tickets WHERE status = 'open'
//       expect: allow
//       rows: 3            # with --db: rows the task sees in the sandbox
//     - name: no phone numbers
//       sql: SELECT phone FROM customers
//       expect: deny
//       rule: column-scope
//       native: deny       # with --db: PostgreSQL itself refuses it (SQLSTATE 42501)
//
// docs/simulate.md describes every key.

#include "common/diagnostic.h"
#include "decide/decision.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace writ::simulate {

/// What the floor itself (PostgreSQL, as the task's role, without the gateway) must do with a statement.
/// YAML: `native: succeed`, `native: deny` (SQLSTATE 42501, insufficient privilege) or `native: <SQLSTATE>`.
struct NativeExpectation
{
    bool succeed = true;
    std::string sqlstate; ///< when it must fail: the SQLSTATE PostgreSQL answers

    bool operator==(const NativeExpectation &) const = default;
};

struct TestCase
{
    std::string name;
    std::string agent;
    std::string task;
    std::map<std::string, std::string> context;
    std::string environment;
    std::string sql;
    decide::Verdict expect = decide::Verdict::Deny;
    std::string rule;                   ///< empty: any rule; else one of the decision's reasons must carry it
    std::optional<std::int64_t> rows;   ///< rows the task sees (reads) or touches (writes), checked in the sandbox
    std::optional<NativeExpectation> native; ///< checked in the sandbox
    std::string reason;                 ///< why the case expects what it does; shown with failures and in reviews
    SourceLocation location;            ///< where the case starts in its file

    bool operator==(const TestCase &) const = default;
};

struct TestFile
{
    std::string file;
    std::vector<TestCase> cases;
};

struct TestFileLoad
{
    TestFile tests;
    Diagnostics diagnostics;

    bool ok() const { return !diagnostics.hasErrors(); }
};

/// Case files larger than this are refused before parsing.
inline constexpr std::size_t kMaxTestFileBytes = 8 * 1024 * 1024;
/// The `writ_tests:` format version this loader reads.
inline constexpr int kTestFileVersion = 1;

/// Parses a case file. Never throws for bad input: every mistake is a diagnostic with file:line:col
/// and a hint, and loading goes on to report as many as it can.
TestFileLoad loadPolicyTests(std::string_view text, const std::string &fileName = "<tests>");

/// Reads `path` (I/O errors become diagnostics) and loads it.
TestFileLoad loadPolicyTestsFile(const std::string &path);

/// "succeed", "deny" or the SQLSTATE.
std::string toString(const NativeExpectation &n);
/// "succeed", "deny" (42501) or five characters of digits and capitals (a SQLSTATE); nullopt otherwise.
std::optional<NativeExpectation> parseNativeExpectation(std::string_view s);

} // namespace writ::simulate
