// SPDX-License-Identifier: Apache-2.0
#pragma once

// Writing policy test cases (policy_tests.h): one case as YAML, and appending it to a case file so a
// statement tried in the studio's simulator becomes a `writ test` case in one step. The file is
// appended to, never rewritten, so its comments and layout stay as people wrote them.

#include "simulate/policy_tests.h"

#include <string>

namespace writ::simulate {

/// One case as an item of the `cases:` block sequence, every line starting with `indent`: name,
/// agent, task, ctx, env, sql, expect, rule, rows, native, reason (the keys that are set). Strings are
/// double-quoted, so no statement or name can change the YAML's structure.
std::string testCaseYaml(const TestCase &testCase, const std::string &indent = "  ");

/// Appends `testCase` to the case file at `path`, creating the file (`writ_tests: 1`, `cases:`) when it
/// does not exist. A name already in the file gets " (2)", " (3)", …. The new text is loaded before it
/// is written: when the file has errors, or its `cases:` is not the last key in block style so the
/// case would not land in it, nothing is written and `error` says why. The file is replaced atomically.
/// Returns the name the case was saved under, or an empty string on failure.
std::string appendTestCase(const std::string &path, const TestCase &testCase, std::string &error);

} // namespace writ::simulate
