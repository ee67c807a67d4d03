// SPDX-License-Identifier: Apache-2.0
#pragma once

// The scope canvas's edits as pure functions on a Policy value: each returns the edited policy, or
// nullopt when the edit would change nothing or leave the scope invalid (the last operation, the
// last column). The canvas hands the result to PolicyDocument::replacePolicy(), one undo step each.
// They keep a scope consistent the way the loader demands: a mask needs select, update_columns
// needs update, a check needs insert or update, and every such column stays among `columns`.

#include "policy/policy.h"

#include <optional>
#include <string>
#include <vector>

namespace writ::ui::edits {

struct ScopeAddress
{
    std::string agent;
    std::string task;
    policy::QualifiedName relation;
};

enum class FilterKind { Rows, Check };

/// The task's scope on `address.relation`, or null.
const policy::Scope *findScope(const policy::Policy &policy, const ScopeAddress &address);

std::optional<policy::Policy> toggleOperation(const policy::Policy &policy, const ScopeAddress &address, policy::Operation op);

/// Includes or excludes one column. `catalogColumns` (in table order) expands `all` and orders an
/// included column among the others.
std::optional<policy::Policy> toggleColumn(const policy::Policy &policy, const ScopeAddress &address, const std::string &column,
    const std::vector<std::string> &catalogColumns);

/// Sets (or with nullopt removes) the mask of a column; masking an excluded column includes it.
std::optional<policy::Policy> setMask(const policy::Policy &policy, const ScopeAddress &address, const std::string &column,
    const std::optional<policy::Mask> &mask, const std::vector<std::string> &catalogColumns);

/// Empty text removes the filter.
std::optional<policy::Policy> setFilter(
    const policy::Policy &policy, const ScopeAddress &address, FilterKind kind, const std::string &text);

/// A read-only scope over `catalogColumns` (every column when empty), appended to the task's access list.
std::optional<policy::Policy> addScope(
    const policy::Policy &policy, const ScopeAddress &address, const std::vector<std::string> &catalogColumns);

std::optional<policy::Policy> removeScopes(const policy::Policy &policy, const std::string &agent, const std::string &task,
    const std::vector<policy::QualifiedName> &relations);

} // namespace writ::ui::edits
