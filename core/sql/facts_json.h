// SPDX-License-Identifier: Apache-2.0
#pragma once

// StatementFacts as JSON, for golden tests and `writ simulate --format json`. Every field is
// written, in a fixed key order; sets come out sorted. The JSON library stays out of this header.

#include "sql/statement_facts.h"

#include <string>

namespace writ::sql {

/// Pretty JSON (2-space indent, arrays of scalars on one line, trailing newline):
/// {"statements": [...], "error": null | {"message", "offset"}}.
std::string toJson(const Analysis &analysis);

const char *toString(SettingUse::Kind k); ///< "set", "reset", "reset_all", "set_config", "show"

} // namespace writ::sql
