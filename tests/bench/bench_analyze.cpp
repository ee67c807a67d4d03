// SPDX-License-Identifier: Apache-2.0
// What analyzing one statement costs the gateway: analyze() of the pgbench select-only statement
// against a catalog holding pgbench_accounts, and of a three-table join with a CTE against the
// supportdesk snapshot; next to them what libpg_query's raw parse alone costs for the same texts (the
// floor the analyzer cannot go below: the rest of analyze() is the analyzer's own walk, catalog
// lookups and facts), and fingerprint() (allowlist mode).
// Run: bench_analyze --benchmark_min_time=1
#include "catalog/catalog_json.h"
#include "sql/analyzer.h"
#include "sql/raw_tree_info.h"

#include <benchmark/benchmark.h>

#include <cstdlib>
#include <iostream>

namespace {

using namespace writ;

const char *const kPgbenchSelect = "SELECT abalance FROM pgbench_accounts WHERE aid = 4711";

const char *const kJoinWithCte = R"(WITH recent AS (
  SELECT customer_id, max(created_at) AS last_ticket FROM tickets WHERE status = 'open' GROUP BY customer_id
)
SELECT c.name, c.email, a.plan, r.last_ticket
FROM customers c
JOIN accounts a ON a.customer_id = c.id
JOIN recent r ON r.customer_id = c.id
WHERE a.status = 'active'
ORDER BY r.last_ticket DESC
LIMIT 50)";

catalog::Catalog pgbenchCatalog()
{
    catalog::Catalog c;
    catalog::Relation r;
    r.schema = "public";
    r.name = "pgbench_accounts";
    int attnum = 0;
    for (const char *name : {"aid", "bid", "abalance", "filler"})
        r.columns.push_back(catalog::Column{name, "integer", ++attnum, true, {}});
    r.primaryKey = {"aid"};
    c.relations.push_back(r);
    c.reindex();
    return c;
}

const catalog::Catalog &supportdesk()
{
    static const catalog::Catalog c = catalog::loadCatalogFile(WRIT_BENCH_CATALOG);
    return c;
}

void check(const sql::Analysis &a)
{
    if (!a.ok() || a.statements.empty() || a.statements.front().relations.empty()) {
        std::cerr << "analysis failed: " << (a.error ? a.error->message : "no relations") << "\n";
        std::abort();
    }
}

void analyzePgbenchSelect(benchmark::State &state)
{
    const catalog::Catalog catalog = pgbenchCatalog();
    check(sql::analyze(kPgbenchSelect, catalog));
    for (auto _ : state) {
        auto a = sql::analyze(kPgbenchSelect, catalog);
        benchmark::DoNotOptimize(a);
    }
}

void analyzeJoinWithCte(benchmark::State &state)
{
    const catalog::Catalog &catalog = supportdesk();
    check(sql::analyze(kJoinWithCte, catalog));
    for (auto _ : state) {
        auto a = sql::analyze(kJoinWithCte, catalog);
        benchmark::DoNotOptimize(a);
    }
}

/// libpg_query's raw parse alone, in its own memory context as analyze() runs it: the part of
/// analyze() the analyzer does not control.
void rawParseOnly(benchmark::State &state, const char *sql)
{
    if (!sql::detail::parseOnly(sql))
        std::abort();
    for (auto _ : state) {
        const bool ok = sql::detail::parseOnly(sql);
        benchmark::DoNotOptimize(ok);
    }
}

void fingerprintPgbenchSelect(benchmark::State &state)
{
    for (auto _ : state) {
        auto f = sql::fingerprint(kPgbenchSelect);
        benchmark::DoNotOptimize(f);
    }
}

} // namespace

BENCHMARK(analyzePgbenchSelect);
BENCHMARK(analyzeJoinWithCte);
BENCHMARK_CAPTURE(rawParseOnly, pgbenchSelect, kPgbenchSelect);
BENCHMARK_CAPTURE(rawParseOnly, joinWithCte, kJoinWithCte);
BENCHMARK(fingerprintPgbenchSelect);

BENCHMARK_MAIN();
