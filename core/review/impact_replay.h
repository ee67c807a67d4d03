// SPDX-License-Identifier: Apache-2.0
#pragma once

// The impact replay of a policy change: the statements agents recently sent (the decision records
// of a gateway audit file) decided again by both versions with the gateway's own engine, and those
// whose verdict would change, grouped by agent, task type and rule. A reviewer sees what would
// break (allowed before, denied after) and what would newly get through, on real traffic.

#include "catalog/catalog.h"
#include "policy/policy.h"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace writ::review {

/// One decision record of the audit: who asked, and the statement as the gateway logged it
/// (normalized: every literal replaced by $n, as in an extended-protocol Parse).
struct AuditStatement
{
    std::uint64_t seq = 0;
    std::string agent;
    std::string taskType;
    std::string query;
    std::string verdict; ///< what the gateway decided then
    std::string rule;

    bool operator==(const AuditStatement &) const = default;
};

struct AuditSample
{
    std::string file;
    std::vector<AuditStatement> statements; ///< oldest first
    std::size_t withoutQuery = 0; ///< decision records with no statement text (text that did not parse is logged by hash only)
    std::string error; ///< the file could not be read; empty on success
};

/// Default of `--audit-limit`: decision records read from the end of the file.
inline constexpr std::size_t kDefaultAuditLimit = 10000;

/// The last `limit` decision records of `path` (JSON lines written by core/audit). Lines that are not
/// records or not decisions are skipped; an unreadable file sets `error`.
AuditSample readAuditStatements(const std::string &path, std::size_t limit = kDefaultAuditLimit);

/// Statements of one agent's task type whose verdict moves the same way for the same rules.
struct VerdictChange
{
    std::string agent;
    std::string taskType;
    std::string oldVerdict; ///< "allow", "deny", "approval_required"
    std::string newVerdict;
    std::string oldRule; ///< the deciding rule under the old version
    std::string newRule;
    std::size_t count = 0; ///< records (a statement sent three times counts three)
    std::size_t distinct = 0; ///< distinct statement texts
    std::string example; ///< the first such statement, normalized
    std::string message; ///< the deciding reason of the side that denies (or the new one), for the example

    /// Allowed before and not after: an agent's work would break.
    bool breaks() const { return oldVerdict == "allow" && newVerdict != "allow"; }
    bool operator==(const VerdictChange &) const = default;
};

struct ImpactReplay
{
    std::string file; ///< the audit file as given
    std::size_t replayed = 0; ///< decision records decided again
    std::size_t withoutQuery = 0; ///< records that could not be replayed (no statement text)
    std::size_t unchanged = 0; ///< records whose verdict and deciding rule stay the same
    bool catalogUsed = false; ///< false: decided without the database's catalog (columns of `*` unknown)
    std::vector<VerdictChange> changes; ///< by agent, task type, then old → new verdict and rules

    std::size_t changedCount() const;
};

/// Decides every statement of `sample` with both versions (the DecisionEngine the gateway runs, for
/// the record's agent and task type, without a row estimate) and groups those whose verdict or
/// deciding rule differ. `catalog` may be null: an empty catalog is used and `catalogUsed` is false.
ImpactReplay replayImpact(const AuditSample &sample, std::shared_ptr<const policy::Policy> oldPolicy,
    std::shared_ptr<const policy::Policy> newPolicy, std::shared_ptr<const catalog::Catalog> catalog);

/// "3 statements of 120 change verdict: 2 would be denied, 1 newly allowed"; "none of 120 ..." when none.
std::string impactSummary(const ImpactReplay &impact);

} // namespace writ::review
