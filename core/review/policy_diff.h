// SPDX-License-Identifier: Apache-2.0
#pragma once

// The semantic diff of two policy versions: what each agent, task type and scope may do now that it
// could not before, and the other way round. It compares the model, never the text, so comments,
// key order, quoting and list order make no change; every change carries a risk direction so a
// reviewer sees at a glance which ones widen access.

#include "common/diagnostic.h"
#include "policy/policy.h"
#include "policy/source_map.h"

#include <cstddef>
#include <string>
#include <vector>

namespace writ::review {

enum class ChangeKind { Added, Removed, Changed };

/// Widens: something can be reached, run or done that could not before (or with less friction).
/// Narrows: the opposite. Neutral: a change in wording or bookkeeping that moves no boundary.
enum class Risk { Widens, Narrows, Neutral };

/// Which part of the policy a change belongs to, from the names it carries.
enum class Level { Policy, Agent, Task, Scope };

struct Change
{
    ChangeKind kind = ChangeKind::Changed;
    Risk risk = Risk::Neutral;
    std::string agent; ///< empty for policy-level changes
    std::string task; ///< empty above task level
    std::string relation; ///< "schema.name" for scope changes, else empty
    std::string field; ///< the YAML key: "ops", "columns", "rows", "ttl", "identity", "agent", "task", "scope", ...
    std::string target; ///< the sub-object when the field is a map: masked column, classified column, context key, identity
    std::vector<std::string> items; ///< list members added or removed ("update", "email", "10.0.0.0/8")
    std::string before; ///< the old value in policy notation; empty when there was none
    std::string after; ///< the new value; empty when there is none
    std::string why; ///< the rule that decided the risk, in one sentence
    std::string reason; ///< scope changes: the scope's `reason:` (the new one; the old one for removals)
    std::string path; ///< SourceMap path (source_map.h); in the old file for removals, else in the new one
    SourceLocation location; ///< filled by locateChanges()

    Level level() const;
    bool operator==(const Change &) const = default;
};

struct PolicyDiff
{
    std::vector<Change> changes; ///< policy level first, then per agent, task and scope in file order

    bool empty() const { return changes.empty(); }
    std::size_t count(Risk risk) const;
};

/// Compares two loaded policies. Lists are compared as sets (their order means nothing), defaults
/// are taken into account when judging a task's effective values, and a row filter change is
/// judged on the parsed expression: a pure strengthening (new = old AND more) narrows, anything
/// else that is not the same expression widens.
PolicyDiff diffPolicies(const policy::Policy &oldPolicy, const policy::Policy &newPolicy);

/// Sets each change's location from the source map of the side it lives on.
void locateChanges(PolicyDiff &diff, const policy::SourceMap &oldSources, const policy::SourceMap &newSources);

const char *toString(ChangeKind kind); ///< "added", "removed", "changed"
const char *toString(Risk risk); ///< "widens", "narrows", "neutral"
const char *toString(Level level); ///< "policy", "agent", "task", "scope"

/// "spiffe://example.com/a" or "oidc https://issuer subject": how diffs name an identity.
std::string identityText(const policy::Identity &identity);

} // namespace writ::review
