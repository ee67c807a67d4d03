// SPDX-License-Identifier: Apache-2.0
// What deciding one statement costs the gateway: analyze + decide without the cache (first sight of
// a text) and through DecisionEngine::decide with the cache warm (every later time). Two statements:
// pgbench's select-only query and a three-table join with a CTE on the demo policy.
// Goals (ARCHITECTURE §9): <= 20 us uncached, <= 1 us cached.
// Run: bench_decide --benchmark_min_time=1   (scripts/bench-decide runs it in a Release build)
#include "catalog/catalog_json.h"
#include "decide/decision_engine.h"
#include "policy/policy_loader.h"
#include "sql/analyzer.h"

#include <writ/version.h>

#include <benchmark/benchmark.h>

#include <cstdlib>
#include <iostream>

namespace {

using namespace writ;

constexpr const char *kPgbenchSelect = "SELECT abalance FROM pgbench_accounts WHERE aid = 48213;";
constexpr const char *kJoinWithCte =
    "WITH recent AS (SELECT id, customer_id, subject FROM tickets WHERE created_at > now() - interval '30 days') "
    "SELECT c.name, r.subject, m.body FROM recent r JOIN customers c ON c.id = r.customer_id "
    "JOIN messages m ON m.ticket_id = r.id WHERE r.customer_id = 42 ORDER BY m.created_at LIMIT 50";

/// pgbench's accounts table and a task that may read it, as `writ` would load them.
struct PgbenchFixture
{
    std::shared_ptr<const policy::Policy> policy;
    std::shared_ptr<const catalog::Catalog> catalog;

    PgbenchFixture()
    {
        catalog::Catalog c;
        c.database = "bench";
        catalog::Relation r;
        r.schema = "public";
        r.name = "pgbench_accounts";
        r.reltuples = 100000;
        int attnum = 0;
        for (const char *name : {"aid", "bid", "abalance", "filler"})
            r.columns.push_back({name, "integer", ++attnum, true, {}});
        c.relations.push_back(r);
        c.reindex();
        catalog = std::make_shared<const catalog::Catalog>(std::move(c));

        policy::Policy p;
        p.name = "bench";
        policy::Agent a;
        a.id = "teller";
        policy::TaskType t;
        t.id = "balance";
        policy::Scope s;
        s.relation = {"public", "pgbench_accounts"};
        s.ops = {policy::Operation::Select};
        s.columns = std::vector<std::string>{"aid", "bid", "abalance"};
        t.access.push_back(s);
        a.tasks.push_back(t);
        p.agents.push_back(a);
        policy = std::make_shared<const policy::Policy>(std::move(p));
    }
};

struct DemoFixture
{
    std::shared_ptr<const policy::Policy> policy;
    std::shared_ptr<const catalog::Catalog> catalog;

    DemoFixture()
    {
        auto loaded = policy::loadPolicyFile(std::string(kSourceDir) + "/resources/demo/supportdesk.writ.yaml");
        if (loaded.diagnostics.hasErrors()) {
            std::cerr << "demo policy does not load\n";
            std::abort();
        }
        policy = std::make_shared<const policy::Policy>(std::move(loaded.policy));
        catalog = std::make_shared<const catalog::Catalog>(
            catalog::loadCatalogFile(std::string(kSourceDir) + "/tests/data/catalog/supportdesk.json"));
    }
};

template <typename Fixture>
void uncached(benchmark::State &state, const char *sql, const char *agent, const char *task)
{
    const Fixture f;
    const decide::DecisionEngine engine(f.policy, f.catalog, "v1");
    decide::TaskContext context;
    context.agent = agent;
    context.taskType = task;
    const sql::AnalyzeOptions options{engine.searchPathFor(agent, task)};
    for (auto _ : state) {
        const auto analysis = sql::analyze(sql, *f.catalog, options);
        auto decision = engine.decideAnalysis(analysis, context);
        benchmark::DoNotOptimize(decision);
    }
    const auto check = engine.decideAnalysis(sql::analyze(sql, *f.catalog, options), context);
    if (check.verdict != decide::Verdict::Allow)
        state.SkipWithError(("expected allow, got " + check.reasons.front().message).c_str());
}

template <typename Fixture>
void cached(benchmark::State &state, const char *sql, const char *agent, const char *task)
{
    const Fixture f;
    const decide::DecisionEngine engine(f.policy, f.catalog, "v1");
    decide::TaskContext context;
    context.agent = agent;
    context.taskType = task;
    const std::string text(sql); // the gateway holds the text it received
    if (engine.decide(text, context)->verdict != decide::Verdict::Allow)
        state.SkipWithError("expected allow");
    for (auto _ : state) {
        auto decision = engine.decide(text, context);
        benchmark::DoNotOptimize(decision);
    }
}

void pgbenchUncached(benchmark::State &s) { uncached<PgbenchFixture>(s, kPgbenchSelect, "teller", "balance"); }
void pgbenchCached(benchmark::State &s) { cached<PgbenchFixture>(s, kPgbenchSelect, "teller", "balance"); }
void joinUncached(benchmark::State &s) { uncached<DemoFixture>(s, kJoinWithCte, "support-summarizer", "summarize-tickets"); }
void joinCached(benchmark::State &s) { cached<DemoFixture>(s, kJoinWithCte, "support-summarizer", "summarize-tickets"); }

} // namespace

BENCHMARK(pgbenchUncached)->Name("decide/pgbench_select/uncached")->Unit(benchmark::kMicrosecond);
BENCHMARK(pgbenchCached)->Name("decide/pgbench_select/cached")->Unit(benchmark::kMicrosecond);
BENCHMARK(joinUncached)->Name("decide/join3_cte/uncached")->Unit(benchmark::kMicrosecond);
BENCHMARK(joinCached)->Name("decide/join3_cte/cached")->Unit(benchmark::kMicrosecond);
BENCHMARK(pgbenchCached)->Name("decide/pgbench_select/cached/threads:2")->Threads(2)->Unit(benchmark::kMicrosecond);

BENCHMARK_MAIN();
