// SPDX-License-Identifier: Apache-2.0
// Catalog introspection and policy validation at scale.
//
//   WRIT_BENCH_DSN     libpq URI of a database holding the big generated schema
//   WRIT_BENCH_POLICY  path of the generated policy (valid against that schema)
//
// scripts/bench-catalog prepares both and runs this program. Benchmarks:
//   catalog/introspect     introspect() of the whole database (wall time: most of it is the server)
//   policy/load            loadPolicy() of the policy file's text (read once)
//   policy/check           checkPolicyAgainstCatalog() with the policy loaded and the catalog read once
// Each reports peak RSS (getrusage ru_maxrss) so far in the process as peak_rss_MiB.

#include "catalog/catalog_error.h"
#include "catalog/introspector.h"
#include "check/policy_checker.h"
#include "compile/compiler.h"
#include "compile/planner.h"
#include "common/file_io.h"
#include "policy/policy_loader.h"

#include <benchmark/benchmark.h>

#include <sys/resource.h>

#include <cstdlib>
#include <iostream>
#include <optional>
#include <string>

namespace {

using namespace writ;

struct Inputs
{
    std::string dsn;
    std::string policyPath;
};

Inputs g_inputs;
bool g_failed = false; // set by any benchmark that could not run or found a problem

double peakRssMiB()
{
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return static_cast<double>(usage.ru_maxrss) / 1024.0; // Linux reports KiB
}

void fail(benchmark::State &state, const std::string &message)
{
    std::cerr << "bench_catalog: " << message << "\n";
    g_failed = true;
    state.SkipWithError(message.c_str());
}

std::size_t scopeCount(const policy::Policy &p)
{
    std::size_t n = 0;
    for (const auto &a : p.agents)
        for (const auto &t : a.tasks)
            n += t.access.size();
    return n;
}

std::size_t columnCount(const catalog::Catalog &c)
{
    std::size_t n = 0;
    for (const auto &r : c.relations)
        n += r.columns.size();
    return n;
}

/// The policy text, read once.
const std::string *policyText(benchmark::State &state)
{
    static std::optional<std::string> text;
    static std::string error;
    if (!text && error.empty()) {
        text = readTextFile(g_inputs.policyPath, error, policy::kMaxPolicyBytes);
        if (!text && error.empty())
            error = "unreadable";
    }
    if (!text) {
        fail(state, "cannot read " + g_inputs.policyPath + ": " + error);
        return nullptr;
    }
    return &*text;
}

/// The policy, loaded once; null (and the benchmark skipped) when it has errors.
const policy::LoadResult *loadedPolicy(benchmark::State &state)
{
    static std::optional<policy::LoadResult> loaded;
    if (!loaded) {
        const std::string *text = policyText(state);
        if (!text)
            return nullptr;
        loaded = policy::loadPolicy(*text, g_inputs.policyPath);
    }
    if (!loaded->ok()) {
        for (const auto &d : loaded->diagnostics.items())
            if (d.severity == Severity::Error)
                std::cerr << formatDiagnostic(d) << "\n";
        fail(state, g_inputs.policyPath + " does not load (" + std::to_string(loaded->diagnostics.errorCount()) + " errors)");
        return nullptr;
    }
    return &*loaded;
}

/// The catalog, introspected once for the check benchmark.
const catalog::Catalog *sharedCatalog(benchmark::State &state)
{
    static std::optional<catalog::Catalog> cat;
    static std::string error;
    if (!cat && error.empty()) {
        try {
            cat = catalog::introspect(g_inputs.dsn);
        } catch (const catalog::CatalogError &e) {
            error = e.what();
        }
    }
    if (!cat) {
        fail(state, "introspection failed: " + error);
        return nullptr;
    }
    return &*cat;
}

void introspectBenchmark(benchmark::State &state)
{
    catalog::IntrospectStats stats;
    std::size_t relations = 0, columns = 0;
    double connectMs = 0, queryMs = 0;
    for (auto _ : state) {
        try {
            catalog::Catalog cat = catalog::introspect(g_inputs.dsn, {}, &stats);
            relations = cat.relations.size();
            columns = columnCount(cat);
            connectMs += static_cast<double>(stats.connectTime.count());
            queryMs += static_cast<double>(stats.queryTime.count());
            benchmark::DoNotOptimize(cat);
        } catch (const catalog::CatalogError &e) {
            fail(state, std::string("introspection failed: ") + e.what());
            return;
        }
    }
    const auto iterations = static_cast<double>(state.iterations());
    state.counters["relations"] = static_cast<double>(relations);
    state.counters["columns"] = static_cast<double>(columns);
    state.counters["queries"] = stats.queries;
    state.counters["connect_ms"] = connectMs / iterations;
    state.counters["query_ms"] = queryMs / iterations;
    state.counters["peak_rss_MiB"] = peakRssMiB();
}

void loadPolicyBenchmark(benchmark::State &state)
{
    const std::string *text = policyText(state);
    if (!text)
        return;
    std::size_t errors = 0, agents = 0, scopes = 0;
    for (auto _ : state) {
        policy::LoadResult r = policy::loadPolicy(*text, g_inputs.policyPath);
        errors = r.diagnostics.errorCount();
        agents = r.policy.agents.size();
        scopes = scopeCount(r.policy);
        benchmark::DoNotOptimize(r);
    }
    if (errors > 0) {
        fail(state, g_inputs.policyPath + " does not load (" + std::to_string(errors) + " errors)");
        return;
    }
    state.counters["agents"] = static_cast<double>(agents);
    state.counters["scopes"] = static_cast<double>(scopes);
    state.counters["bytes"] = static_cast<double>(text->size());
    state.counters["peak_rss_MiB"] = peakRssMiB();
}

void checkPolicyBenchmark(benchmark::State &state)
{
    const policy::LoadResult *loaded = loadedPolicy(state);
    if (!loaded)
        return;
    const catalog::Catalog *cat = sharedCatalog(state);
    if (!cat)
        return;
    Diagnostics diagnostics;
    for (auto _ : state) {
        diagnostics = check::checkPolicyAgainstCatalog(loaded->policy, loaded->sources, *cat);
        benchmark::DoNotOptimize(diagnostics);
    }
    state.counters["relations"] = static_cast<double>(cat->relations.size());
    state.counters["scopes"] = static_cast<double>(scopeCount(loaded->policy));
    state.counters["errors"] = static_cast<double>(diagnostics.errorCount());
    state.counters["warnings"] = static_cast<double>(diagnostics.warningCount());
    state.counters["peak_rss_MiB"] = peakRssMiB();
    if (diagnostics.hasErrors()) {
        std::size_t shown = 0;
        for (const auto &d : diagnostics.items())
            if (d.severity == Severity::Error && shown++ < 10)
                std::cerr << formatDiagnostic(d) << "\n";
        fail(state, "the policy does not pass the check against the catalog (" + std::to_string(diagnostics.errorCount())
                        + " errors); the generated policy and schema disagree");
    }
}

/// Compile + plan: the policy's desired state, and the steps from the live catalog to it (no deployment yet).
void compilePlanBenchmark(benchmark::State &state)
{
    const policy::LoadResult *loaded = loadedPolicy(state);
    if (!loaded)
        return;
    const catalog::Catalog *cat = sharedCatalog(state);
    if (!cat)
        return;
    std::size_t steps = 0, facts = 0, errors = 0;
    for (auto _ : state) {
        const compile::CompileResult compiled = compile::compilePolicy(loaded->policy, loaded->sources, *cat);
        const compile::Plan plan = compile::planChanges(compiled.state, *cat, std::nullopt);
        steps = plan.steps.size();
        facts = compiled.state.grants.size() + compiled.state.policies.size() + compiled.state.roles.size();
        errors = compiled.diagnostics.errorCount();
        benchmark::DoNotOptimize(plan);
    }
    state.counters["plan_steps"] = static_cast<double>(steps);
    state.counters["facts"] = static_cast<double>(facts);
    state.counters["peak_rss_MiB"] = peakRssMiB();
    if (errors > 0)
        fail(state, "the policy does not compile against the catalog (" + std::to_string(errors) + " errors)");
}

std::optional<std::string> env(const char *name)
{
    const char *v = std::getenv(name);
    if (!v || !*v)
        return std::nullopt;
    return std::string(v);
}

} // namespace

int main(int argc, char **argv)
{
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv))
        return 2;

    const auto dsn = env("WRIT_BENCH_DSN");
    const auto policyPath = env("WRIT_BENCH_POLICY");
    if (!dsn || !policyPath) {
        std::cerr << "bench_catalog: " << (!dsn ? "WRIT_BENCH_DSN" : "WRIT_BENCH_POLICY") << " is not set.\n"
                  << "  WRIT_BENCH_DSN     libpq URI of a database holding the generated big schema\n"
                  << "  WRIT_BENCH_POLICY  path of the policy generated for that schema\n"
                  << "scripts/bench-catalog creates both and runs this program; run that instead.\n";
        return 2;
    }
    g_inputs = {*dsn, *policyPath};

    // Registered in this order so that peak RSS grows step by step: policy, then catalog.
    benchmark::RegisterBenchmark("policy/load", loadPolicyBenchmark)->Unit(benchmark::kMillisecond);
    benchmark::RegisterBenchmark("catalog/introspect", introspectBenchmark)->Unit(benchmark::kMillisecond)->UseRealTime();
    benchmark::RegisterBenchmark("policy/check", checkPolicyBenchmark)->Unit(benchmark::kMillisecond);
    benchmark::RegisterBenchmark("policy/compile+plan", compilePlanBenchmark)->Unit(benchmark::kMillisecond);

    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    if (g_failed) {
        std::cerr << "bench_catalog: FAILED (see the messages above)\n";
        return 1;
    }
    return 0;
}
