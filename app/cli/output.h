// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "common/diagnostic.h"

#include <iosfwd>
#include <string>

namespace writ::cli {

/// Prints diagnostics as `file:line:col: severity: message [code]` plus a hint line (text) or as a JSON array.
void printDiagnostics(std::ostream &out, const Diagnostics &diagnostics, const std::string &format);

/// "2 errors, 1 warning" — the summary line after a check.
std::string summary(const Diagnostics &diagnostics);

/// When `diagnostics` has errors: prints them (errors only) and "FILE: cannot ACTION (summary)" to standard
/// error and returns true — the caller stops with ExitDiagnostics.
bool reportErrors(const Diagnostics &diagnostics, const std::string &file, const std::string &action);

} // namespace writ::cli
