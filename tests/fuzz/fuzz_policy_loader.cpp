// SPDX-License-Identifier: Apache-2.0
// loadPolicy() on arbitrary bytes must never crash, hang or leak, and whatever loads must survive
// the canonical writer: write -> load gives an equal Policy, and writing that again gives the
// same bytes (the round-trip invariant `writ fmt` and the studio rely on). A broken invariant
// traps, so libFuzzer keeps the input.
//
// WRIT_FUZZ_PRINT=1 prints the diagnostics of every input run (handy to see whether a seed loads):
//   WRIT_FUZZ_PRINT=1 build-fuzz/tests/fuzz/fuzz_policy_loader tests/fuzz/corpus/policy_loader/*

#include "policy/policy_loader.h"
#include "policy/policy_writer.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

namespace {

using namespace writ;

bool printing()
{
    static const bool on = [] {
        const char *v = std::getenv("WRIT_FUZZ_PRINT");
        return v && *v && std::string_view(v) != "0";
    }();
    return on;
}

void printDiagnostics(const char *title, const Diagnostics &d)
{
    std::fprintf(stderr, "%s: %zu errors, %zu warnings\n", title, d.errorCount(), d.warningCount());
    for (const auto &item : d.items())
        std::fprintf(stderr, "  %s\n", formatDiagnostic(item).c_str());
}

[[noreturn]] void broken(const char *what, const std::string &canonical, const std::string *again = nullptr)
{
    std::fprintf(stderr, "\nround-trip invariant broken: %s\n--- canonical form written from the input ---\n%s",
                 what, canonical.c_str());
    if (again)
        std::fprintf(stderr, "--- written again after loading it ---\n%s", again->c_str());
    std::fprintf(stderr, "---\n");
    __builtin_trap();
}

/// Names the first agent (or top-level part) where two policies differ, to make a report readable.
std::string firstDifference(const policy::Policy &a, const policy::Policy &b)
{
    if (a.name != b.name || a.database != b.database || a.description != b.description || a.formatVersion != b.formatVersion)
        return "name, database, description or format version";
    if (a.classify != b.classify)
        return "classify";
    if (a.context != b.context)
        return "context";
    if (!(a.defaults == b.defaults))
        return "defaults";
    if (a.agents.size() != b.agents.size())
        return "number of agents";
    for (std::size_t i = 0; i < a.agents.size(); ++i)
        if (!(a.agents[i] == b.agents[i]))
            return "agent '" + a.agents[i].id + "'";
    return "nothing visible";
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    const std::string_view text(reinterpret_cast<const char *>(data), size);
    const policy::LoadResult first = policy::loadPolicy(text, "input.writ.yaml");
    if (printing())
        printDiagnostics("input", first.diagnostics);
    if (!first.ok())
        return 0;

    const std::string canonical = policy::writePolicy(first.policy);
    const policy::LoadResult second = policy::loadPolicy(canonical, "canonical.writ.yaml");
    if (!second.ok()) {
        printDiagnostics("loading the canonical form", second.diagnostics);
        broken("the canonical form of a valid policy does not load", canonical);
    }
    if (!(second.policy == first.policy)) {
        const std::string again = policy::writePolicy(second.policy);
        broken(("loading the canonical form gives a different policy (" + firstDifference(first.policy, second.policy) + ")").c_str(),
               canonical, &again);
    }
    const std::string again = policy::writePolicy(second.policy);
    if (again != canonical)
        broken("writing the reloaded policy gives different bytes", canonical, &again);
    return 0;
}
