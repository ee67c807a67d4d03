// SPDX-License-Identifier: Apache-2.0
#pragma once

// Findings on a database's current grants: what lets an agent (or anything else that logs in)
// reach further than any task needs, before Writ compiles a floor. A pure function over values,
// so the same catalog snapshot always gives the same findings, in the same order.

#include "catalog/catalog.h"
#include "findings/finding.h"
#include "findings/session_activity.h"
#include "policy/policy.h"

#include <span>
#include <vector>

namespace writ::findings {

/// One kind of finding, for documentation and for the rules of a SARIF log.
struct FindingRule
{
    const char *code;
    Severity severity; ///< the most severe level findings of this kind are reported at
    const char *summary; ///< one line
    const char *help; ///< why it matters and the usual fix
};

/// Every kind of finding findFindings() reports, in a fixed order.
std::span<const FindingRule> findingRules();
const FindingRule *findRule(std::string_view code);

/// The findings on `catalog`. `activity` adds shared principals (skipped when not collected);
/// `classification` says which columns are sensitive — when null, column names decide
/// (email, phone, card, ...). Sorted by severity, code, object.
std::vector<Finding> findFindings(
    const catalog::Catalog &catalog, const SessionActivity &activity, const policy::Policy *classification);

} // namespace writ::findings
