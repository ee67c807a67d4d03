// SPDX-License-Identifier: Apache-2.0
#pragma once

// What `writ compile|plan|apply` and `writ publish` share: loading and compiling a policy against a
// catalog with diagnostics printed, printing a plan, and asking before applying it.

#include "catalog/catalog.h"
#include "compile/compiler.h"
#include "compile/plan.h"
#include "policy/policy_loader.h"

#include <functional>
#include <optional>
#include <ostream>
#include <string>

namespace writ::cli {

struct FloorOptions
{
    std::string policy, db, catalog, output, format = "text";
    bool yes = false, showSql = false;
};

/// Loads, checks and compiles; prints diagnostics. Returns nullopt (and sets exitCode) on failure.
std::optional<compile::CompileResult> compileOrReport(const FloorOptions &o, policy::LoadResult &loaded, catalog::Catalog &cat,
                                                      int &exitCode, const char *command);

void printPlan(std::ostream &out, const compile::Plan &plan, bool showSql);

/// Prints the plan, then says yes with `yes`, else asks on the terminal (no terminal: no).
std::function<bool(const compile::Plan &)> confirmPlan(bool yes, bool showSql, const char *command);

} // namespace writ::cli
