// SPDX-License-Identifier: Apache-2.0
#pragma once

// Internal to the diff: the shapes of comparison that recur across policy, agent, task and scope
// fields, each with its risk rule, so that every field with the same meaning is judged the same way.

#include "review/policy_diff.h"

#include <optional>
#include <set>
#include <string>
#include <vector>

namespace writ::review::detail {

/// Where the changes being built belong; `path` is the SourceMap path of the enclosing object.
struct Where
{
    std::string agent;
    std::string task;
    std::string relation;
    std::string path;
};

Change makeChange(const Where &where, ChangeKind kind, Risk risk, std::string field, std::string why);

/// "[a, b]" in policy notation.
std::string listText(const std::set<std::string> &items);

/// Words for the risk explanations of one list field.
struct ListWords
{
    std::string added; ///< why adding members has the risk it has
    std::string removed;
    std::string unrestricted; ///< what an absent/empty list means: "every column", "any environment"
    std::string nowUnrestricted; ///< why dropping the restriction widens
    std::string nowRestricted; ///< why introducing one narrows
};

/// A list whose members grant something (ops, allow_labels, identities): members added widen,
/// members removed narrow. Emits at most one Added and one Removed change.
void diffGrantSet(std::vector<Change> &out, const Where &where, const std::string &field, const std::set<std::string> &before,
    const std::set<std::string> &after, const ListWords &words, const std::string &path);

/// A list that restricts, where absent (nullopt) means no restriction at all (columns: all, environments:
/// any, network: anywhere, statements: no allowlist). Between two lists it behaves like diffGrantSet;
/// a list becoming unrestricted widens, an unrestricted one becoming a list narrows.
void diffRestrictingList(std::vector<Change> &out, const Where &where, const std::string &field,
    const std::optional<std::set<std::string>> &before, const std::optional<std::set<std::string>> &after, const ListWords &words,
    const std::string &path);

/// A free-text field that moves no boundary (description, owner, reason).
void diffText(std::vector<Change> &out, const Where &where, const std::string &field, const std::string &before,
    const std::string &after, const std::string &path);

/// A numeric limit where absent means unlimited: raised or removed widens, lowered or added narrows.
void diffLimit(std::vector<Change> &out, const Where &where, const std::string &field, const std::optional<long long> &before,
    const std::optional<long long> &after, const std::string &what, const std::string &path);

/// A row filter (rows) or write check (check): removed widens, added narrows, changed is judged by
/// compareFilters.
void diffFilter(std::vector<Change> &out, const Where &where, const std::string &field, const std::optional<std::string> &before,
    const std::optional<std::string> &after, const std::string &path);

template<typename Container>
std::set<std::string> toSet(const Container &items)
{
    return std::set<std::string>(items.begin(), items.end());
}

} // namespace writ::review::detail
