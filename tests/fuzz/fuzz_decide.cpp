// SPDX-License-Identifier: Apache-2.0
// analyze + decide on arbitrary bytes, as the gateway runs them for every statement: the decision
// tables' policy (every rule family) over the supportdesk catalog snapshot, for each of its task types.
// Invariants: never a crash or hang; every decision carries a deciding reason with a message; an allow
// is "allowed" and nothing else; an approval names its step-up class; the cached decision equals a
// fresh one (also when it was kept by the text's literal shape, from an earlier input of that shape);
// text that cannot be analyzed is always denied. A broken invariant traps.

#include "catalog/catalog_json.h"
#include "decide/decision_engine.h"
#include "policy/policy_loader.h"
#include "sql/analyzer.h"

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>

namespace {

using namespace writ;

[[noreturn]] void broken(const char *what, std::string_view input)
{
    std::fprintf(stderr, "\ndecision invariant broken: %s\n--- input (%zu bytes) ---\n%.*s\n---\n", what, input.size(),
                 static_cast<int>(input.size() > 4096 ? 4096 : input.size()), input.data());
    __builtin_trap();
}

const decide::DecisionEngine &engine()
{
    static const decide::DecisionEngine e = [] {
        auto loaded = policy::loadPolicyFile(WRIT_FUZZ_POLICY);
        if (loaded.diagnostics.hasErrors()) {
            std::fprintf(stderr, "the fuzz policy does not load\n");
            std::abort();
        }
        return decide::DecisionEngine(std::make_shared<const policy::Policy>(std::move(loaded.policy)),
                                      std::make_shared<const catalog::Catalog>(catalog::loadCatalogFile(WRIT_FUZZ_CATALOG)),
                                      "fuzz", decide::EngineOptions{4096});
    }();
    return e;
}

bool same(const decide::Decision &a, const decide::Decision &b)
{
    if (a.verdict != b.verdict || a.reasons.size() != b.reasons.size() || a.approvalClass != b.approvalClass
        || a.needsRowEstimate != b.needsRowEstimate || a.bulkReadRows != b.bulkReadRows || a.readsMaskedColumns != b.readsMaskedColumns
        || a.rowsPerStatement != b.rowsPerStatement || a.statementCount != b.statementCount)
        return false;
    for (std::size_t i = 0; i < a.reasons.size(); ++i)
        if (a.reasons[i].rule != b.reasons[i].rule || a.reasons[i].message != b.reasons[i].message)
            return false;
    return true;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    const std::string_view sql(reinterpret_cast<const char *>(data), size);
    const decide::DecisionEngine &e = engine();
    for (const auto &agent : e.policy().agents) {
        for (const auto &task : agent.tasks) {
            decide::TaskContext context;
            context.agent = agent.id;
            context.taskType = task.id;
            context.environment = "prod";
            for (const bool simple : {true, false}) {
                const auto cached = e.decide(sql, context, simple);
                if (!cached || cached->reasons.empty() || cached->deciding().message.empty())
                    broken("a decision without a deciding reason", sql);
                if (cached->verdict == decide::Verdict::Allow && cached->deciding().rule != decide::rule::Allowed)
                    broken("an allow decided by an objection", sql);
                if ((cached->verdict == decide::Verdict::ApprovalRequired) != cached->approvalClass.has_value())
                    broken("approval without a class, or a class without approval", sql);
                const sql::Analysis analysis = sql::analyze(sql, e.catalog(), {e.searchPathFor(agent.id, task.id)});
                if (!analysis.ok() && cached->verdict != decide::Verdict::Deny)
                    broken("text that cannot be analyzed was not denied", sql);
                if (!same(*cached, e.decideAnalysis(analysis, context, simple)))
                    broken("the cached decision differs from a fresh one", sql);
            }
        }
    }
    return 0;
}
