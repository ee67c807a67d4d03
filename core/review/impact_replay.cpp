// SPDX-License-Identifier: Apache-2.0
#include "review/impact_replay.h"

#include "audit/audit_tail.h"
#include "decide/decision_engine.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

namespace writ::review {

namespace {

std::string stringField(const nlohmann::json &j, const char *key)
{
    const auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

/// The deciding reason's message of the side that objects: what a reviewer needs to read.
std::string objection(const decide::Decision &oldDecision, const decide::Decision &newDecision)
{
    const decide::Decision &d = newDecision.allowed() ? oldDecision : newDecision;
    return d.reasons.empty() ? std::string() : d.deciding().message;
}

} // namespace

AuditSample readAuditStatements(const std::string &path, std::size_t limit)
{
    AuditSample sample;
    sample.file = path;
    audit::TailQuery query;
    query.limit = limit;
    query.equals = {{"event", "decision"}};
    // A statement record is a few hundred bytes: scan far enough back to find `limit` of them.
    query.maxScanBytes = std::max<std::size_t>(query.maxScanBytes, limit * 2048);
    const audit::TailResult tail = audit::tailAuditFile(path, query);
    if (tail.error) {
        sample.error = *tail.error;
        return sample;
    }
    for (const std::string &line : tail.records) {
        const auto j = nlohmann::json::parse(line, nullptr, false);
        if (!j.is_object())
            continue;
        AuditStatement s;
        s.seq = j.value("seq", std::uint64_t {0});
        s.agent = stringField(j, "agent");
        s.taskType = stringField(j, "task_type");
        s.query = stringField(j, "query");
        s.verdict = stringField(j, "verdict");
        s.rule = stringField(j, "rule");
        if (s.query.empty() || s.agent.empty() || s.taskType.empty()) {
            ++sample.withoutQuery;
            continue;
        }
        sample.statements.push_back(std::move(s));
    }
    return sample;
}

std::size_t ImpactReplay::changedCount() const
{
    std::size_t n = 0;
    for (const auto &c : changes)
        n += c.count;
    return n;
}

ImpactReplay replayImpact(const AuditSample &sample, std::shared_ptr<const policy::Policy> oldPolicy,
    std::shared_ptr<const policy::Policy> newPolicy, std::shared_ptr<const catalog::Catalog> catalog)
{
    ImpactReplay out;
    out.file = sample.file;
    out.withoutQuery = sample.withoutQuery;
    out.catalogUsed = catalog != nullptr;
    if (!catalog) {
        auto empty = std::make_shared<catalog::Catalog>();
        empty->reindex();
        catalog = std::move(empty);
    }
    const decide::DecisionEngine oldEngine(std::move(oldPolicy), catalog, "old");
    const decide::DecisionEngine newEngine(std::move(newPolicy), catalog, "new");

    using Key = std::tuple<std::string, std::string, std::string, std::string, std::string, std::string>;
    std::map<Key, VerdictChange> groups;
    std::map<Key, std::set<std::string>> texts;
    for (const AuditStatement &s : sample.statements) {
        decide::TaskContext context;
        context.agent = s.agent;
        context.taskType = s.taskType;
        // The record keeps no context values, environment or statement count: the replay judges what
        // the policy says about the statement itself, which is what a policy change moves.
        const auto before = oldEngine.decide(s.query, context);
        const auto after = newEngine.decide(s.query, context);
        ++out.replayed;
        if (before->verdict == after->verdict) {
            ++out.unchanged;
            continue;
        }
        const std::string oldRule = before->reasons.empty() ? std::string() : before->deciding().rule;
        const std::string newRule = after->reasons.empty() ? std::string() : after->deciding().rule;
        const Key key {s.agent, s.taskType, decide::toString(before->verdict), decide::toString(after->verdict), oldRule, newRule};
        VerdictChange &c = groups[key];
        if (c.count == 0) {
            c.agent = s.agent;
            c.taskType = s.taskType;
            c.oldVerdict = decide::toString(before->verdict);
            c.newVerdict = decide::toString(after->verdict);
            c.oldRule = oldRule;
            c.newRule = newRule;
            c.example = s.query;
            c.message = objection(*before, *after);
        }
        ++c.count;
        if (texts[key].insert(s.query).second)
            ++c.distinct;
    }
    for (auto &[key, change] : groups)
        out.changes.push_back(std::move(change));
    return out;
}

std::string impactSummary(const ImpactReplay &impact)
{
    const std::size_t changed = impact.changedCount();
    const std::string of = std::to_string(impact.replayed) + (impact.replayed == 1 ? " statement" : " statements");
    if (changed == 0)
        return "no verdict changes in " + of;
    std::size_t breaks = 0, opens = 0;
    for (const auto &c : impact.changes) {
        if (c.breaks())
            breaks += c.count;
        else if (c.newVerdict == "allow")
            opens += c.count;
    }
    std::string out = std::to_string(changed) + " of " + of + " change verdict";
    std::string parts;
    auto part = [&](std::size_t n, const std::string &words) {
        if (n > 0)
            parts += (parts.empty() ? "" : ", ") + std::to_string(n) + " " + words;
    };
    part(breaks, "no longer allowed");
    part(opens, "newly allowed");
    part(changed - breaks - opens, "other");
    return out + ": " + parts;
}

} // namespace writ::review
