// SPDX-License-Identifier: Apache-2.0
// What analyzing one statement costs the gateway: analyze() of the pgbench select-only statement
// against a catalog holding pgbench_accounts, and of a three-table join with a CTE against the
// supportdesk snapshot; next to them what libpg_query alone costs for the same texts (the floor the
// analyzer cannot go below), the parse plus protobuf-c's unpack into the analyzer's arena (so the
// rest of the difference is the analyzer's own work), and fingerprint() (allowlist mode).
// Run: bench_analyze --benchmark_min_time=1
#include "catalog/catalog_json.h"
#include "sql/analyzer.h"
#include "sql/pb_tree.h"

#include <pg_query.h>

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

/// libpg_query's protobuf parse alone: the part of analyze() the analyzer does not control.
void parseProtobufOnly(benchmark::State &state, const char *sql)
{
    for (auto _ : state) {
        PgQueryProtobufParseResult r = pg_query_parse_protobuf(sql);
        benchmark::DoNotOptimize(r.parse_tree.len);
        pg_query_free_protobuf_parse_result(r);
    }
}

/// The parse and the unpack of its protobuf tree into an arena, as analyze() does before its walk.
void parseAndUnpack(benchmark::State &state, const char *sql)
{
    sql::detail::Arena arena;
    for (auto _ : state) {
        PgQueryProtobufParseResult r = pg_query_parse_protobuf(sql);
        const auto *tree = pg_query__parse_result__unpack(arena.allocator(), r.parse_tree.len,
                                                          reinterpret_cast<const std::uint8_t *>(r.parse_tree.data));
        benchmark::DoNotOptimize(tree);
        arena.reset();
        pg_query_free_protobuf_parse_result(r);
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
BENCHMARK_CAPTURE(parseProtobufOnly, pgbenchSelect, kPgbenchSelect);
BENCHMARK_CAPTURE(parseProtobufOnly, joinWithCte, kJoinWithCte);
BENCHMARK_CAPTURE(parseAndUnpack, pgbenchSelect, kPgbenchSelect);
BENCHMARK_CAPTURE(parseAndUnpack, joinWithCte, kJoinWithCte);
BENCHMARK(fingerprintPgbenchSelect);

BENCHMARK_MAIN();
