// SPDX-License-Identifier: Apache-2.0
#include "ui/commands/scope_edits.h"

#include <algorithm>

namespace writ::ui::edits {

namespace {

policy::TaskType *findTask(policy::Policy &policy, const std::string &agent, const std::string &task)
{
    for (auto &a : policy.agents) {
        if (a.id != agent)
            continue;
        for (auto &t : a.tasks) {
            if (t.id == task)
                return &t;
        }
    }
    return nullptr;
}

policy::Scope *findScope(policy::Policy &policy, const ScopeAddress &address)
{
    policy::TaskType *task = findTask(policy, address.agent, address.task);
    if (!task)
        return nullptr;
    auto it = std::find_if(
        task->access.begin(), task->access.end(), [&](const policy::Scope &s) { return s.relation == address.relation; });
    return it == task->access.end() ? nullptr : &*it;
}

bool contains(const std::vector<std::string> &list, const std::string &item)
{
    return std::find(list.begin(), list.end(), item) != list.end();
}

/// Inserts `column` keeping the catalog's order for the columns it knows; unknown ones stay where they are.
void includeColumn(std::vector<std::string> &columns, const std::string &column, const std::vector<std::string> &catalogColumns)
{
    if (contains(columns, column))
        return;
    auto rank = [&](const std::string &c) {
        auto it = std::find(catalogColumns.begin(), catalogColumns.end(), c);
        return it == catalogColumns.end() ? catalogColumns.size() : std::size_t(it - catalogColumns.begin());
    };
    const std::size_t mine = rank(column);
    auto at = std::find_if(columns.begin(), columns.end(), [&](const std::string &c) { return rank(c) > mine; });
    columns.insert(at, column);
}

bool writes(const policy::Scope &scope)
{
    return scope.ops.count(policy::Operation::Insert) || scope.ops.count(policy::Operation::Update);
}

} // namespace

const policy::Scope *findScope(const policy::Policy &policy, const ScopeAddress &address)
{
    const policy::TaskType *task = policy.findTask(address.agent, address.task);
    if (!task)
        return nullptr;
    auto it = std::find_if(
        task->access.begin(), task->access.end(), [&](const policy::Scope &s) { return s.relation == address.relation; });
    return it == task->access.end() ? nullptr : &*it;
}

std::optional<policy::Policy> toggleOperation(const policy::Policy &policy, const ScopeAddress &address, policy::Operation op)
{
    policy::Policy edited = policy;
    policy::Scope *scope = findScope(edited, address);
    if (!scope)
        return std::nullopt;
    if (scope->ops.count(op)) {
        if (scope->ops.size() == 1)
            return std::nullopt; // a scope needs an operation; Delete removes the relation instead
        scope->ops.erase(op);
    } else {
        scope->ops.insert(op);
    }
    // What the loader would reject once the operation is gone goes with it.
    if (!scope->ops.count(policy::Operation::Select))
        scope->masks.clear();
    if (!scope->ops.count(policy::Operation::Update))
        scope->updateColumns.clear();
    if (!writes(*scope))
        scope->check.reset();
    return edited;
}

std::optional<policy::Policy> toggleColumn(const policy::Policy &policy, const ScopeAddress &address, const std::string &column,
    const std::vector<std::string> &catalogColumns)
{
    policy::Policy edited = policy;
    policy::Scope *scope = findScope(edited, address);
    if (!scope)
        return std::nullopt;
    if (!scope->columns) {
        if (catalogColumns.empty())
            return std::nullopt; // `all` cannot be narrowed without knowing the columns
        scope->columns = catalogColumns;
    }
    std::vector<std::string> &columns = *scope->columns;
    if (contains(columns, column)) {
        if (columns.size() == 1)
            return std::nullopt;
        columns.erase(std::find(columns.begin(), columns.end(), column));
        scope->masks.erase(column);
        std::erase(scope->updateColumns, column);
    } else {
        includeColumn(columns, column, catalogColumns);
    }
    return edited;
}

std::optional<policy::Policy> setMask(const policy::Policy &policy, const ScopeAddress &address, const std::string &column,
    const std::optional<policy::Mask> &mask, const std::vector<std::string> &catalogColumns)
{
    policy::Policy edited = policy;
    policy::Scope *scope = findScope(edited, address);
    if (!scope)
        return std::nullopt;
    if (!mask) {
        if (!scope->masks.erase(column))
            return std::nullopt;
        return edited;
    }
    if (!scope->ops.count(policy::Operation::Select))
        return std::nullopt; // a mask applies to reads only
    if (scope->columns)
        includeColumn(*scope->columns, column, catalogColumns);
    auto it = scope->masks.find(column);
    if (it != scope->masks.end() && it->second == *mask)
        return std::nullopt;
    scope->masks[column] = *mask;
    return edited;
}

std::optional<policy::Policy> setFilter(
    const policy::Policy &policy, const ScopeAddress &address, FilterKind kind, const std::string &text)
{
    policy::Policy edited = policy;
    policy::Scope *scope = findScope(edited, address);
    if (!scope)
        return std::nullopt;
    std::optional<std::string> &target = kind == FilterKind::Rows ? scope->rows : scope->check;
    std::optional<std::string> value;
    if (!text.empty())
        value = text;
    if (target == value)
        return std::nullopt;
    target = value;
    return edited;
}

std::optional<policy::Policy> addScope(
    const policy::Policy &policy, const ScopeAddress &address, const std::vector<std::string> &catalogColumns)
{
    policy::Policy edited = policy;
    policy::TaskType *task = findTask(edited, address.agent, address.task);
    if (!task || findScope(edited, address))
        return std::nullopt;
    policy::Scope scope;
    scope.relation = address.relation;
    scope.ops = {policy::Operation::Select};
    if (!catalogColumns.empty())
        scope.columns = catalogColumns; // listed, so excluding one is a click
    task->access.push_back(std::move(scope));
    return edited;
}

std::optional<policy::Policy> removeScopes(const policy::Policy &policy, const std::string &agent, const std::string &task,
    const std::vector<policy::QualifiedName> &relations)
{
    policy::Policy edited = policy;
    policy::TaskType *t = findTask(edited, agent, task);
    if (!t)
        return std::nullopt;
    const std::size_t before = t->access.size();
    std::erase_if(t->access,
        [&](const policy::Scope &s) { return std::find(relations.begin(), relations.end(), s.relation) != relations.end(); });
    if (t->access.size() == before)
        return std::nullopt;
    return edited;
}

} // namespace writ::ui::edits
