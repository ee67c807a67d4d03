// SPDX-License-Identifier: Apache-2.0
#pragma once

// A review of one policy change as people read it: the semantic diff grouped by agent and task
// type, each changed task's blast radius before and after, and — when a database was given — the
// witnesses that show what the widenings mean on real data. Printed by review_format.h.

#include "catalog/catalog.h"
#include "policy/policy.h"
#include "review/blast_radius.h"
#include "review/impact_replay.h"
#include "review/policy_diff.h"
#include "review/witness.h"

#include <optional>
#include <string>
#include <vector>

namespace writ::review {

/// The changes of one part of the policy: the policy itself (agent and task empty), one agent's own
/// fields (task empty), or one task type with its scopes.
struct ReviewGroup
{
    std::string agent;
    std::string task;
    std::vector<Change> changes;
    std::optional<BlastRadius> before; ///< task groups only; nullopt when the task is new
    std::optional<BlastRadius> after; ///< nullopt when the task was removed

    Level level() const { return agent.empty() ? Level::Policy : task.empty() ? Level::Agent : Level::Task; }
};

struct Review
{
    std::string oldLabel; ///< how the old version is named: a file name or git:REV:path
    std::string newLabel;
    std::string policyName;
    PolicyDiff diff;
    std::vector<ReviewGroup> groups; ///< in the order of the diff
    bool catalogUsed = false; ///< blast radius expanded against a catalog
    bool witnessed = false; ///< a database was given: `witnesses` is what it showed
    std::string database; ///< the witness database's name
    std::vector<Witness> witnesses;
    std::optional<ImpactReplay> impact; ///< an audit file was given: its statements decided again by both versions
};

/// Groups `diff` and computes the blast radius of every changed task on both sides. `catalog`
/// may be null (see blastRadius). Witnesses are added by the caller (planWitnesses/runWitnesses).
Review buildReview(
    const policy::Policy &oldPolicy, const policy::Policy &newPolicy, PolicyDiff diff, const catalog::Catalog *catalog);

/// What `writ diff` and the studio's Review document show for two loaded versions: the diff, located
/// in both files' source maps, grouped with each changed task's blast radius, and the labels set.
Review reviewVersions(const policy::Policy &oldPolicy, const policy::SourceMap &oldSources, const std::string &oldLabel,
    const policy::Policy &newPolicy, const policy::SourceMap &newSources, const std::string &newLabel, const catalog::Catalog *catalog);

/// "3 changes: 2 widen, 1 narrows" (zero counts left out); "no changes" when empty.
std::string summaryLine(const PolicyDiff &diff);

} // namespace writ::review
