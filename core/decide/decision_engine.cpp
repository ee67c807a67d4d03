// SPDX-License-Identifier: Apache-2.0
#include "decide/decision_engine.h"

#include "common/text.h"
#include "decide/masked_view_rewrite.h"
#include "decide/read_only.h"
#include "decide/rules.h"
#include "sql/analyzer.h"
#include "sql/literal_shape.h"

#include <algorithm>
#include <atomic>
#include <map>
#include <mutex>
#include <shared_mutex>
#include <unordered_map>

namespace writ::decide {

namespace {

struct TextHash
{
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
};

/// Decisions of one task type, by statement text. The key is the full text, never only its hash:
/// a hash collision must not hand one statement another's verdict.
///
/// An allow whose statement's constants were all inert (no fact was read from them) is kept by the
/// text's literal shape instead, and holds for every text of that shape: the texts of one shape
/// differ only in such constants, so they have the same facts, and an allow carries nothing of the
/// text itself (a denial does: offsets and excerpts, so denials stay by text).
struct TaskCache
{
    using Map = std::unordered_map<std::string, std::shared_ptr<const Decision>, TextHash, std::equal_to<>>;
    mutable std::shared_mutex mutex;
    Map simple;         ///< texts from simple Query messages
    Map extended;       ///< texts from Parse messages (one statement at most)
    Map simpleShapes;   ///< shape keys (sql::LiteralShape::key) of simple Query texts
    Map extendedShapes; ///< shape keys of Parse texts

    std::size_t size() const { return simple.size() + extended.size() + simpleShapes.size() + extendedShapes.size(); }
    void clear()
    {
        simple.clear();
        extended.clear();
        simpleShapes.clear();
        extendedShapes.clear();
    }
};

/// Every cut-out constant of the shape is one the analysis found inert.
bool shapeIsInert(const sql::LiteralShape &shape, const sql::Analysis &analysis)
{
    return std::includes(analysis.inertConstants.begin(), analysis.inertConstants.end(), shape.offsets.begin(), shape.offsets.end());
}

bool dependsOnSession(const sql::Analysis &a)
{
    for (const auto &s : a.statements)
        if (!s.executeName.empty())
            return true;
    return false;
}

} // namespace

struct DecisionEngine::Impl
{
    std::shared_ptr<const policy::Policy> policy;
    std::shared_ptr<const catalog::Catalog> catalog;
    std::string version;
    EngineOptions options;
    std::vector<TaskIndex> tasks;
    std::map<std::string, std::map<std::string, std::size_t, std::less<>>, std::less<>> taskByName;
    std::vector<std::unique_ptr<TaskCache>> caches;
    mutable std::atomic<std::size_t> cached{0};

    const TaskIndex *find(std::string_view agent, std::string_view task, std::size_t *index = nullptr) const
    {
        const auto a = taskByName.find(agent);
        if (a == taskByName.end())
            return nullptr;
        const auto t = a->second.find(task);
        if (t == a->second.end())
            return nullptr;
        if (index)
            *index = t->second;
        return &tasks[t->second];
    }

    std::vector<std::string> searchPath(const TaskIndex &t) const
    {
        if (t.hasMasks)
            return {t.viewSchema, "public"};
        return {"public"};
    }

    Decision unknownTask(const TaskContext &context) const
    {
        DecisionBuilder out(policy->defaults.stepUp);
        out.deny(rule::UnknownTask, "agent " + context.agent + " has no task type " + context.taskType + " in policy " + policy->name,
                 "check the agent and task names against the policy");
        return out.finish(0);
    }

    Decision decideStatements(const sql::Analysis &analysis, const TaskIndex &task, const std::set<std::string> *prepared,
                              bool simpleQuery) const;
};

Decision DecisionEngine::Impl::decideStatements(const sql::Analysis &analysis, const TaskIndex &task,
                                                const std::set<std::string> *prepared, bool simpleQuery) const
{
    DecisionBuilder out(task.stepUp);
    out.draft().rowsPerStatement = task.task->limits.rowsPerStatement;
    if (!analysis.ok()) {
        out.deny(rule::Unparseable, "cannot analyze the statement: " + analysis.error->message,
                 "send one valid PostgreSQL statement", "", analysis.error->offset);
        return out.finish(0);
    }
    const std::size_t count = analysis.statements.size();
    if (count > 1 && !simpleQuery) {
        out.deny(rule::MultiStatement, "a prepared statement holds " + std::to_string(count) + " statements", "send them one by one");
        return out.finish(count);
    }
    for (std::size_t i = 0; i < count; ++i) {
        const sql::StatementFacts &facts = analysis.statements[i];
        out.setStatement(static_cast<int>(i));
        const std::size_t before = out.denialCount();
        const RuleInput in{facts, task, *policy, *catalog, prepared};
        checkStatementSafety(in, out);
        checkStatementClass(in, out);
        checkFunctions(in, out);
        checkAllowlist(in, out);
        checkRelations(in, out);
        checkBulkRead(in, out);
        if (count > 1 && out.denialCount() > before)
            out.deny(rule::MultiStatement,
                     "statement " + std::to_string(i + 1) + " of " + std::to_string(count) + " (" + clipText(facts.text, 60)
                         + ") is not allowed, so none of the text runs",
                     "send the allowed statements on their own", task.path, facts.location);
    }
    Decision d = out.finish(count);
    d.changesNothing = count == 1 && changesNothingWhenRun(analysis.statements.front());
    if (count > 1 && d.verdict == Verdict::ApprovalRequired) {
        // An approval covers one statement text; a batch cannot be approved piecemeal.
        DecisionBuilder batch(task.stepUp);
        batch.deny(rule::MultiStatement,
                   "a statement in this " + std::to_string(count) + "-statement text needs approval (" + d.deciding().message + ")",
                   "send it on its own to ask for approval", task.path);
        return batch.finish(count);
    }
    if (d.verdict == Verdict::Deny && count > 1) {
        // The batch-level reason decides; the statement's own reasons follow it.
        std::stable_partition(d.reasons.begin(), d.reasons.end(), [](const Reason &r) { return r.rule == rule::MultiStatement; });
    }
    return d;
}

DecisionEngine::DecisionEngine(std::shared_ptr<const policy::Policy> policy, std::shared_ptr<const catalog::Catalog> catalog,
                               std::string policyVersion, EngineOptions options)
    : d(std::make_unique<Impl>())
{
    d->policy = std::move(policy);
    d->catalog = std::move(catalog);
    d->version = std::move(policyVersion);
    d->options = options;
    for (const auto &agent : d->policy->agents)
        for (const auto &task : agent.tasks) {
            d->taskByName[agent.id][task.id] = d->tasks.size();
            d->tasks.push_back(buildTaskIndex(*d->policy, *d->catalog, agent, task));
            d->caches.push_back(std::make_unique<TaskCache>());
        }
}

DecisionEngine::~DecisionEngine() = default;

std::optional<std::string> DecisionEngine::readThroughMaskedViews(std::string_view sql, const TaskContext &context, bool simpleQuery) const
{
    const TaskIndex *task = d->find(context.agent, context.taskType);
    if (!task || !task->hasMasks)
        return std::nullopt;
    const sql::AnalyzeOptions options{d->searchPath(*task)};
    const sql::Analysis analysis = sql::analyze(sql, *d->catalog, options);
    const Decision before = decideAnalysis(analysis, context, simpleQuery);
    if (before.verdict == Verdict::Deny || !before.readsMaskedColumns)
        return std::nullopt;
    auto text = pointQualifiedNamesAtMaskedViews(sql, analysis, *task);
    if (!text)
        return std::nullopt;
    // The rewritten text stands on its own: decided again, it must get the same verdict and read
    // every masked column through the view.
    const Decision after = decideAnalysis(sql::analyze(*text, *d->catalog, options), context, simpleQuery);
    if (after.verdict != before.verdict || after.readsMaskedColumns)
        return std::nullopt;
    return text;
}

std::shared_ptr<const Decision> DecisionEngine::decide(std::string_view sql, const TaskContext &context, bool simpleQuery,
                                                       ShapeSeen *seen) const
{
    std::size_t index = 0;
    const TaskIndex *task = d->find(context.agent, context.taskType, &index);
    if (!task)
        return std::make_shared<const Decision>(d->unknownTask(context));
    {
        DecisionBuilder pre(task->stepUp);
        checkTaskContext(*task, context, pre);
        if (pre.denied())
            return std::make_shared<const Decision>(pre.finish(0));
    }
    TaskCache &cache = *d->caches[index];
    TaskCache::Map &map = simpleQuery ? cache.simple : cache.extended;
    TaskCache::Map &shapes = simpleQuery ? cache.simpleShapes : cache.extendedShapes;
    {
        std::shared_lock lock(cache.mutex);
        if (const auto hit = map.find(sql); hit != map.end())
            return hit->second;
    }
    // A text the analyzer refuses outright (too long, invalid UTF-8, both possibly inside a constant)
    // is decided on its own, never by a sibling's allow.
    std::optional<sql::LiteralShape> shape = sql::textProblem(sql) ? std::nullopt : sql::literalShape(sql);
    if (shape && shape->constants == 0)
        shape.reset(); // the text is its own shape
    // The caller gets the shape: moved on the common path (a sibling decided), copied on a miss.
    auto tell = [&](bool keep) {
        if (seen) {
            seen->computed = true;
            seen->shape = keep ? shape : std::move(shape);
        }
    };
    if (shape) {
        std::shared_lock lock(cache.mutex);
        if (const auto hit = shapes.find(shape->key); hit != shapes.end()) {
            tell(false);
            return hit->second;
        }
    }
    tell(true);
    const sql::Analysis analysis = sql::analyze(sql, *d->catalog, {d->searchPath(*task)});
    auto decision = std::make_shared<const Decision>(d->decideStatements(analysis, *task, &context.preparedStatements, simpleQuery));
    if (dependsOnSession(analysis))
        return decision;
    const bool byShape = shape && decision->allowed() && analysis.ok() && shapeIsInert(*shape, analysis);
    std::unique_lock lock(cache.mutex);
    if (d->cached.load(std::memory_order_relaxed) >= d->options.cacheCapacity) {
        // Crude but bounded: a full cache starts over for this task type.
        d->cached.fetch_sub(cache.size(), std::memory_order_relaxed);
        cache.clear();
    }
    const bool added = byShape ? shapes.emplace(std::move(shape->key), decision).second : map.emplace(std::string(sql), decision).second;
    if (added)
        d->cached.fetch_add(1, std::memory_order_relaxed);
    return decision;
}

Decision DecisionEngine::decideAnalysis(const sql::Analysis &analysis, const TaskContext &context, bool simpleQuery) const
{
    const TaskIndex *task = d->find(context.agent, context.taskType);
    if (!task)
        return d->unknownTask(context);
    DecisionBuilder pre(task->stepUp);
    checkTaskContext(*task, context, pre);
    if (pre.denied())
        return pre.finish(0);
    return d->decideStatements(analysis, *task, &context.preparedStatements, simpleQuery);
}

std::vector<std::string> DecisionEngine::searchPathFor(std::string_view agent, std::string_view taskType) const
{
    const TaskIndex *task = d->find(agent, taskType);
    return task ? d->searchPath(*task) : std::vector<std::string>{"public"};
}

const std::string &DecisionEngine::policyVersion() const { return d->version; }
const policy::Policy &DecisionEngine::policy() const { return *d->policy; }
const catalog::Catalog &DecisionEngine::catalog() const { return *d->catalog; }

std::size_t DecisionEngine::cacheSize() const { return d->cached.load(std::memory_order_relaxed); }

} // namespace writ::decide
