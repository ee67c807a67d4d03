// SPDX-License-Identifier: Apache-2.0
// Policy, agent and task level of the diff; scope_diff.cpp does the scopes.
#include "review/policy_diff.h"

#include "review/diff_rules.h"
#include "review/scope_diff.h"

#include <algorithm>

namespace writ::review {

using namespace detail;
using policy::Agent;
using policy::Policy;
using policy::TaskType;

namespace {

std::set<std::string> stepUpNames(const std::set<policy::StepUpClass> &classes)
{
    std::set<std::string> out;
    for (const auto c : classes)
        out.insert(policy::toString(c));
    return out;
}

/// A task's value as written, or "default (10m)" when it inherits.
std::string durationText(const std::optional<policy::Duration> &own, policy::Duration effective)
{
    return own ? policy::formatDuration(*own) : "default (" + policy::formatDuration(effective) + ")";
}

void diffDuration(std::vector<Change> &out, const Where &where, const std::string &field, const std::string &before,
    const std::string &after, policy::Duration oldValue, policy::Duration newValue, const std::string &what,
    const std::string &path)
{
    if (before == after)
        return;
    Change c = makeChange(where, ChangeKind::Changed, Risk::Neutral, field, "the effective " + what + " stays the same");
    if (newValue > oldValue) {
        c.risk = Risk::Widens;
        c.why = "a longer " + what + ": credentials stay valid for longer";
    } else if (newValue < oldValue) {
        c.risk = Risk::Narrows;
        c.why = "a shorter " + what;
    }
    c.before = before;
    c.after = after;
    c.path = path;
    out.push_back(std::move(c));
}

/// Step-up classes: a class that no longer needs approval widens, a new one narrows (the reverse
/// of a grant list, so diffGrantSet does not fit).
void diffStepUp(std::vector<Change> &out, const Where &where, const std::string &field, const std::set<std::string> &before,
    const std::set<std::string> &after, const std::string &path)
{
    std::vector<std::string> added, removed;
    std::set_difference(after.begin(), after.end(), before.begin(), before.end(), std::back_inserter(added));
    std::set_difference(before.begin(), before.end(), after.begin(), after.end(), std::back_inserter(removed));
    auto emit = [&](ChangeKind kind, Risk risk, std::vector<std::string> items, const char *why) {
        if (items.empty())
            return;
        Change c = makeChange(where, kind, risk, field, why);
        c.items = std::move(items);
        c.before = listText(before);
        c.after = listText(after);
        c.path = path;
        out.push_back(std::move(c));
    };
    emit(ChangeKind::Added, Risk::Narrows, std::move(added), "these statement classes now need a human's approval (step-up)");
    emit(ChangeKind::Removed, Risk::Widens, std::move(removed),
        "these statement classes no longer need a human's approval (step-up)");
}

bool anyTaskAllows(const Policy &p, const std::string &label)
{
    for (const auto &a : p.agents)
        for (const auto &t : a.tasks)
            if (std::find(t.allowLabels.begin(), t.allowLabels.end(), label) != t.allowLabels.end())
                return true;
    return false;
}

void diffClassify(std::vector<Change> &out, const Policy &o, const Policy &n)
{
    const Where top;
    auto change = [&](const policy::ColumnRef &col, ChangeKind kind, Risk risk, std::string why) {
        Change c = makeChange(top, kind, risk, "classify", std::move(why));
        c.target = col.toString();
        c.path = "classify/" + col.toString();
        if (const auto it = o.classify.find(col); it != o.classify.end())
            c.before = it->second;
        if (const auto it = n.classify.find(col); it != n.classify.end())
            c.after = it->second;
        out.push_back(std::move(c));
    };
    for (const auto &[col, label] : n.classify) {
        const auto old = o.classify.find(col);
        if (old == o.classify.end()) {
            change(col, ChangeKind::Added, Risk::Narrows,
                "a newly classified column: reading it needs a task's allow_labels or a sensitive_read step-up");
        } else if (old->second != label) {
            if (anyTaskAllows(n, label) && !anyTaskAllows(n, old->second))
                change(col, ChangeKind::Changed, Risk::Widens,
                    "a task's allow_labels admits the new label '" + label + "' but not the old one");
            else if (anyTaskAllows(o, old->second) && !anyTaskAllows(o, label))
                change(col, ChangeKind::Changed, Risk::Narrows, "no task's allow_labels admits the new label '" + label + "'");
            else
                change(col, ChangeKind::Changed, Risk::Neutral, "no task's allow_labels treats the two labels differently");
        }
    }
    for (const auto &[col, label] : o.classify)
        if (!n.classify.count(col))
            change(col, ChangeKind::Removed, Risk::Widens, "the column is no longer treated as sensitive");
}

void diffContextTypes(std::vector<Change> &out, const Policy &o, const Policy &n)
{
    const Where top;
    auto change = [&](const std::string &key, ChangeKind kind, const std::string &before, const std::string &after) {
        Change c = makeChange(top, kind, Risk::Neutral, "context",
            "declares what a task's context holds; filters that use the key are compared on their own");
        c.target = key;
        c.before = before;
        c.after = after;
        c.path = "context/" + key;
        out.push_back(std::move(c));
    };
    for (const auto &key : n.context) {
        const policy::ContextKey *old = o.findContextKey(key.name);
        if (!old)
            change(key.name, ChangeKind::Added, {}, policy::toString(key.type));
        else if (old->type != key.type)
            change(key.name, ChangeKind::Changed, policy::toString(old->type), policy::toString(key.type));
    }
    for (const auto &key : o.context)
        if (!n.findContextKey(key.name))
            change(key.name, ChangeKind::Removed, policy::toString(key.type), {});
}

void diffDefaults(std::vector<Change> &out, const Policy &o, const Policy &n)
{
    const Where top {{}, {}, {}, "defaults"};
    const auto &a = o.defaults;
    const auto &b = n.defaults;
    diffDuration(out, top, "defaults.ttl", policy::formatDuration(a.ttl), policy::formatDuration(b.ttl), a.ttl, b.ttl,
        "default ttl", "defaults");
    diffDuration(out, top, "defaults.max_ttl", policy::formatDuration(a.maxTtl), policy::formatDuration(b.maxTtl), a.maxTtl,
        b.maxTtl, "default max_ttl", "defaults");
    diffStepUp(out, top, "defaults.step_up", stepUpNames(a.stepUp), stepUpNames(b.stepUp), "defaults");
    if (a.bulkReadRows != b.bulkReadRows) {
        Change c = makeChange(top, ChangeKind::Changed, b.bulkReadRows > a.bulkReadRows ? Risk::Widens : Risk::Narrows,
            "defaults.bulk_read_rows",
            b.bulkReadRows > a.bulkReadRows ? "larger reads run without a bulk_read approval"
                                            : "smaller reads already need a bulk_read approval");
        c.before = std::to_string(a.bulkReadRows);
        c.after = std::to_string(b.bulkReadRows);
        out.push_back(std::move(c));
    }
}

std::string identityKey(const policy::Identity &id)
{
    return id.kind == policy::Identity::Kind::Spiffe ? "spiffe\n" + id.spiffeId : "oidc\n" + id.issuer + "\n" + id.subject;
}

void diffIdentities(std::vector<Change> &out, const Where &where, const Agent &o, const Agent &n)
{
    const std::string path = where.path + "/identity";
    std::set<std::string> before, after;
    for (const auto &id : o.identities)
        before.insert(identityText(id));
    for (const auto &id : n.identities)
        after.insert(identityText(id));
    diffGrantSet(out, where, "identity", before, after,
        {"a new workload identity can act as this agent", "this identity can no longer act as the agent", {}, {}, {}}, path);
    const ListWords network {"the identity may connect from more addresses", "the identity may connect from fewer addresses",
        "anywhere", "the identity may now connect from anywhere", "the identity may now connect only from these ranges"};
    for (const auto &newId : n.identities) {
        const auto old = std::find_if(o.identities.begin(), o.identities.end(),
            [&](const policy::Identity &x) { return identityKey(x) == identityKey(newId); });
        if (old == o.identities.end())
            continue;
        auto optionalSet = [](const std::vector<std::string> &cidrs) {
            return cidrs.empty() ? std::nullopt : std::optional<std::set<std::string>>(toSet(cidrs));
        };
        const std::size_t first = out.size();
        diffRestrictingList(out, where, "network", optionalSet(old->network), optionalSet(newId.network), network, path);
        for (std::size_t i = first; i < out.size(); ++i)
            out[i].target = identityText(newId);
    }
}

std::string tasksText(const Agent &a)
{
    std::set<std::string> ids;
    for (const auto &t : a.tasks)
        ids.insert(t.id);
    return "tasks " + listText(ids);
}

std::string accessText(const TaskType &t)
{
    std::set<std::string> rels;
    for (const auto &s : t.access)
        rels.insert(s.relation.toString());
    return "access " + listText(rels);
}

void diffTask(
    std::vector<Change> &out, const Policy &op, const Policy &np, const Agent &agent, const TaskType &o, const TaskType &n)
{
    const std::string base = policy::taskPath(agent.id, n.id);
    const Where where {agent.id, n.id, {}, base};
    auto at = [&](const char *key) { return base + "/" + key; };
    diffText(out, where, "description", o.description, n.description, at("description"));
    diffDuration(out, where, "ttl", durationText(o.ttl, policy::effectiveTtl(op, o)),
        durationText(n.ttl, policy::effectiveTtl(np, n)), policy::effectiveTtl(op, o), policy::effectiveTtl(np, n), "ttl",
        at("ttl"));
    diffDuration(out, where, "max_ttl", durationText(o.maxTtl, policy::effectiveMaxTtl(op, o)),
        durationText(n.maxTtl, policy::effectiveMaxTtl(np, n)), policy::effectiveMaxTtl(op, o), policy::effectiveMaxTtl(np, n),
        "max_ttl", at("max_ttl"));
    {
        std::vector<Change> keys;
        diffGrantSet(keys, where, "context", toSet(o.contextKeys), toSet(n.contextKeys), {{}, {}, {}, {}, {}}, at("context"));
        for (auto &c : keys) {
            c.risk = Risk::Neutral;
            c.why = "the values a task is started with; filters that use them are compared on their own";
            out.push_back(std::move(c));
        }
    }
    if (o.approval != n.approval) {
        const bool widens = n.approval == policy::Approval::None;
        Change c = makeChange(where, ChangeKind::Changed, widens ? Risk::Widens : Risk::Narrows, "approval",
            widens ? "tasks start without a human's approval" : "a human must now approve each task before it starts");
        c.before = o.approval == policy::Approval::Required ? "required" : "none";
        c.after = n.approval == policy::Approval::Required ? "required" : "none";
        c.path = at("approval");
        out.push_back(std::move(c));
    }
    auto optionalSet = [](const std::vector<std::string> &v) {
        return v.empty() ? std::nullopt : std::optional<std::set<std::string>>(toSet(v));
    };
    diffRestrictingList(out, where, "environments", optionalSet(o.environments), optionalSet(n.environments),
        {"the task may run in more environments", "the task may run in fewer environments", "any environment",
            "the task may now run in any environment", "the task may now run only in these environments"},
        at("environments"));
    diffGrantSet(out, where, "allow_labels", toSet(o.allowLabels), toSet(n.allowLabels),
        {"columns with these labels become readable without a sensitive_read step-up",
            "columns with these labels need a sensitive_read step-up again", {}, {}, {}},
        at("allow_labels"));
    if (o.stepUp != n.stepUp) {
        const std::size_t first = out.size();
        diffStepUp(out, where, "step_up", stepUpNames(policy::effectiveStepUp(op, o)),
            stepUpNames(policy::effectiveStepUp(np, n)), at("step_up"));
        if (out.size() == first) { // written differently (inherited vs spelled out), same effect
            Change c
                = makeChange(where, ChangeKind::Changed, Risk::Neutral, "step_up", "the effective step-up classes stay the same");
            c.before = o.stepUp ? listText(stepUpNames(*o.stepUp)) : "default";
            c.after = n.stepUp ? listText(stepUpNames(*n.stepUp)) : "default";
            c.path = at("step_up");
            out.push_back(std::move(c));
        }
    }
    diffRestrictingList(out, where, "statements", optionalSet(o.statements), optionalSet(n.statements),
        {"more SQL templates may run", "fewer SQL templates may run", "any statement in scope",
            "the allowlist is gone: any statement in scope may run",
            "only the listed SQL templates may run now (allowlist mode)"},
        at("statements"));
    auto limit = [](const std::optional<std::int64_t> &v) { return v ? std::optional<long long>(*v) : std::nullopt; };
    diffLimit(out, where, "limits.rows_per_statement", limit(o.limits.rowsPerStatement), limit(n.limits.rowsPerStatement),
        "rows per statement", at("limits"));
    diffLimit(out, where, "limits.statements", limit(o.limits.statements), limit(n.limits.statements), "statements per task",
        at("limits"));
    diffScopes(out, agent.id, o, n);
}

void diffAgent(std::vector<Change> &out, const Policy &op, const Policy &np, const Agent &o, const Agent &n)
{
    const Where where {n.id, {}, {}, policy::agentPath(n.id)};
    diffText(out, where, "description", o.description, n.description, where.path + "/description");
    diffText(out, where, "owner", o.owner, n.owner, where.path + "/owner");
    diffIdentities(out, where, o, n);
    for (const auto &task : n.tasks) {
        if (const TaskType *old = op.findTask(o.id, task.id)) {
            diffTask(out, op, np, n, *old, task);
        } else {
            Change c = makeChange({n.id, task.id, {}, policy::taskPath(n.id, task.id)}, ChangeKind::Added, Risk::Widens, "task",
                "a new task type: its access becomes reachable");
            c.after = accessText(task);
            out.push_back(std::move(c));
        }
    }
    for (const auto &task : o.tasks) {
        if (!np.findTask(n.id, task.id)) {
            Change c = makeChange({n.id, task.id, {}, policy::taskPath(o.id, task.id)}, ChangeKind::Removed, Risk::Narrows,
                "task", "the task type and its access are gone");
            c.before = accessText(task);
            out.push_back(std::move(c));
        }
    }
}

} // namespace

Level Change::level() const
{
    if (agent.empty())
        return Level::Policy;
    if (task.empty())
        return Level::Agent;
    return relation.empty() ? Level::Task : Level::Scope;
}

std::size_t PolicyDiff::count(Risk risk) const
{
    return static_cast<std::size_t>(
        std::count_if(changes.begin(), changes.end(), [&](const Change &c) { return c.risk == risk; }));
}

PolicyDiff diffPolicies(const Policy &o, const Policy &n)
{
    PolicyDiff diff;
    auto &out = diff.changes;
    const Where top;
    if (o.formatVersion != n.formatVersion) {
        Change c = makeChange(top, ChangeKind::Changed, Risk::Neutral, "writ", "the file format version");
        c.before = std::to_string(o.formatVersion);
        c.after = std::to_string(n.formatVersion);
        out.push_back(std::move(c));
    }
    diffText(out, top, "name", o.name, n.name, {});
    if (o.database != n.database) {
        Change c = makeChange(top, ChangeKind::Changed, Risk::Neutral, "database",
            "the policy now describes another database; compare the access of each task below");
        c.before = o.database;
        c.after = n.database;
        out.push_back(std::move(c));
    }
    diffText(out, top, "description", o.description, n.description, {});
    diffClassify(out, o, n);
    diffContextTypes(out, o, n);
    diffDefaults(out, o, n);
    for (const auto &agent : n.agents) {
        if (const Agent *old = o.findAgent(agent.id)) {
            diffAgent(out, o, n, *old, agent);
        } else {
            Change c = makeChange({agent.id, {}, {}, policy::agentPath(agent.id)}, ChangeKind::Added, Risk::Widens, "agent",
                "a new agent: its identities can start its tasks");
            c.after = tasksText(agent);
            out.push_back(std::move(c));
        }
    }
    for (const auto &agent : o.agents) {
        if (!n.findAgent(agent.id)) {
            Change c = makeChange({agent.id, {}, {}, policy::agentPath(agent.id)}, ChangeKind::Removed, Risk::Narrows, "agent",
                "the agent and all its tasks are gone");
            c.before = tasksText(agent);
            out.push_back(std::move(c));
        }
    }
    return diff;
}

void locateChanges(PolicyDiff &diff, const policy::SourceMap &oldSources, const policy::SourceMap &newSources)
{
    for (auto &c : diff.changes)
        c.location = (c.kind == ChangeKind::Removed ? oldSources : newSources).find(c.path);
}

const char *toString(ChangeKind kind)
{
    switch (kind) {
    case ChangeKind::Added:
        return "added";
    case ChangeKind::Removed:
        return "removed";
    case ChangeKind::Changed:
        return "changed";
    }
    return "?";
}

const char *toString(Risk risk)
{
    switch (risk) {
    case Risk::Widens:
        return "widens";
    case Risk::Narrows:
        return "narrows";
    case Risk::Neutral:
        return "neutral";
    }
    return "?";
}

const char *toString(Level level)
{
    switch (level) {
    case Level::Policy:
        return "policy";
    case Level::Agent:
        return "agent";
    case Level::Task:
        return "task";
    case Level::Scope:
        return "scope";
    }
    return "?";
}

std::string identityText(const policy::Identity &id)
{
    if (id.kind == policy::Identity::Kind::Spiffe)
        return id.spiffeId;
    return "oidc " + id.issuer + " " + id.subject;
}

} // namespace writ::review
