// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "catalog/catalog.h"
#include "common/diagnostic.h"
#include "policy/policy.h"
#include "policy/source_map.h"

namespace writ::check {

/// Validates a loaded policy against a database catalog: every relation and column named exists,
/// row filters and checks parse (libpg_query) and name only existing columns and relations. Every
/// problem is a diagnostic placed in the policy file (the exact character for filter errors).
Diagnostics checkPolicyAgainstCatalog(const policy::Policy &policy, const policy::SourceMap &sources,
                                      const catalog::Catalog &catalog);

/// Checks one row filter (or check expression) of a scope on `relation`. `at` is where the filter
/// text starts in the policy file; errors are placed at the offending character.
Diagnostics checkRowFilter(const std::string &filter, const policy::QualifiedName &relation,
                           const catalog::Catalog &catalog, const SourceLocation &at);

} // namespace writ::check
