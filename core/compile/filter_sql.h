// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "policy/policy.h"

#include <optional>
#include <string>

namespace writ::compile {

/// Why a row filter cannot be embedded in generated SQL as it is, or nullopt when it can: its
/// parentheses must balance outside literals, quoted names and comments, and it may hold no ';'.
/// (The checker has already parsed it as one expression; this guards the text splice itself.)
std::optional<std::string> filterSpliceProblem(const std::string &filter);

/// The filter with each `$key` replaced by `(SELECT writ.ctx('key'))::<type>`: the sub-select
/// becomes an InitPlan evaluated once per query, so indexes on the filtered column stay usable.
std::string compileFilter(const std::string &filter, const policy::Policy &policy);

} // namespace writ::compile
