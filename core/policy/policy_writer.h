// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "policy/policy.h"

#include <string>

namespace writ::policy {

/// Writes a policy in Writ's canonical YAML form: fixed key order, every scope on one line where it
/// fits (block form otherwise), strings quoted only when they must be. Equal policies give identical
/// bytes, so a one-field change is a one-line diff whoever saved the file.
std::string writePolicy(const Policy &policy);

/// Lines longer than this switch a scope or identity from flow to block form.
inline constexpr std::size_t kCanonicalLineWidth = 120;

/// A YAML scalar for `value`: plain when unambiguous, double-quoted otherwise.
std::string yamlScalar(const std::string &value);

} // namespace writ::policy
