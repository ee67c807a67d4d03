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

} // namespace writ::cli
