// SPDX-License-Identifier: Apache-2.0
// What auditing one statement costs the gateway: a record as the gateway writes it for pgbench's
// select (session fields, normalized query, fingerprint, rows, duration), serialized and sealed into
// the keyed chain, and the same through AuditWriter (queued, then written 64 at a time, as completed
// statements are). Run: bench_audit --benchmark_min_time=1
#include "audit/audit_chain.h"
#include "audit/audit_writer.h"

#include <benchmark/benchmark.h>

#include <cstdio>
#include <filesystem>
#include <string>
#include <unistd.h>

namespace {

using namespace writ;

audit::AuditEvent pgbenchStatement()
{
    audit::AuditEvent e;
    e.kind = audit::EventKind::Statement;
    e.timeMicros = 1764971000123456;
    e.agent = "bench-agent";
    e.task = "6f1c2a9e-3b7d-4c55-9a0e-2d4b8f7e1c33";
    e.taskType = "read-accounts";
    e.session = "a41f09c2e77b5d10";
    e.client = "127.0.0.1:53614";
    e.databaseRole = "writ_t_6f1c2a9e3b7d4c55";
    e.fingerprint = "a2c4e6f8b1d3f5a7";
    e.query = "SELECT abalance FROM pgbench_accounts WHERE aid = $1;";
    e.rows = 1;
    e.durationMicros = 41;
    return e;
}

const std::string kKey = "k3Yq0fZ8Xn1vR5tB9mW2cL7hJ4dG6sA0pE8uT3yN1xQ5wV9zK2bM7rF4jH6gD0cS";

void sealStatement(benchmark::State &state)
{
    audit::AuditChain chain(kKey);
    const audit::AuditEvent e = pgbenchStatement();
    for (auto _ : state)
        benchmark::DoNotOptimize(chain.seal(e));
}

void writeDeferredStatement(benchmark::State &state)
{
    const auto path = std::filesystem::temp_directory_path() / ("bench_audit_" + std::to_string(::getpid()) + ".jsonl");
    {
        audit::AuditWriter writer(path.string(), kKey);
        const audit::AuditEvent e = pgbenchStatement();
        for (auto _ : state)
            benchmark::DoNotOptimize(writer.appendDeferred(e));
        writer.flush();
    }
    std::filesystem::remove(path);
}

} // namespace

BENCHMARK(sealStatement)->Name("audit/seal/statement")->Unit(benchmark::kNanosecond);
BENCHMARK(writeDeferredStatement)->Name("audit/writer/deferred_statement")->Unit(benchmark::kNanosecond);

BENCHMARK_MAIN();
