// SPDX-License-Identifier: Apache-2.0
#include "review/review.h"

#include <algorithm>

namespace writ::review {

Review buildReview(
    const policy::Policy &oldPolicy, const policy::Policy &newPolicy, PolicyDiff diff, const catalog::Catalog *catalog)
{
    Review r;
    r.policyName = newPolicy.name;
    r.catalogUsed = catalog != nullptr;
    for (const Change &c : diff.changes) {
        auto group = std::find_if(
            r.groups.begin(), r.groups.end(), [&](const ReviewGroup &g) { return g.agent == c.agent && g.task == c.task; });
        if (group == r.groups.end()) {
            ReviewGroup g;
            g.agent = c.agent;
            g.task = c.task;
            if (!c.task.empty()) {
                // A task of a removed agent, or a removed task, only has a "before"; a new one only an "after".
                if (const auto *a = oldPolicy.findAgent(c.agent))
                    if (const auto *t = oldPolicy.findTask(c.agent, c.task))
                        g.before = blastRadius(oldPolicy, *t, *a, catalog);
                if (const auto *a = newPolicy.findAgent(c.agent))
                    if (const auto *t = newPolicy.findTask(c.agent, c.task))
                        g.after = blastRadius(newPolicy, *t, *a, catalog);
            }
            r.groups.push_back(std::move(g));
            group = r.groups.end() - 1;
        }
        group->changes.push_back(c);
    }
    // A change of the policy's defaults moves the effective ttl and step-up of tasks that inherit
    // them, but their blast radius (what they reach) stays the same; it is shown per changed task only.
    r.diff = std::move(diff);
    return r;
}

Review reviewVersions(const policy::Policy &oldPolicy, const policy::SourceMap &oldSources, const std::string &oldLabel,
    const policy::Policy &newPolicy, const policy::SourceMap &newSources, const std::string &newLabel, const catalog::Catalog *catalog)
{
    PolicyDiff diff = diffPolicies(oldPolicy, newPolicy);
    locateChanges(diff, oldSources, newSources);
    Review r = buildReview(oldPolicy, newPolicy, std::move(diff), catalog);
    r.oldLabel = oldLabel;
    r.newLabel = newLabel;
    return r;
}

std::string summaryLine(const PolicyDiff &diff)
{
    if (diff.empty())
        return "no changes";
    const std::size_t n = diff.changes.size();
    std::string out = std::to_string(n) + (n == 1 ? " change: " : " changes: ");
    std::string parts;
    auto part = [&](std::size_t count, const char *one, const char *many) {
        if (count == 0)
            return;
        parts += (parts.empty() ? "" : ", ") + std::to_string(count) + " " + (count == 1 ? one : many);
    };
    part(diff.count(Risk::Widens), "widens", "widen");
    part(diff.count(Risk::Narrows), "narrows", "narrow");
    part(diff.count(Risk::Neutral), "neutral", "neutral");
    return out + parts;
}

} // namespace writ::review
