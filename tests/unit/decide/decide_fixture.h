// SPDX-License-Identifier: Apache-2.0
#pragma once

// The policy and catalog the decision tests share: tests/data/decide/rules.writ.yaml over the
// supportdesk snapshot, with the planner row counts of the demo data, one partition and the
// summarizer's masked view added (the snapshot predates both).

#include "catalog/catalog_json.h"
#include "compile/naming.h"
#include "decide/decision_engine.h"
#include "policy/policy_loader.h"

#include <QtTest>

#include <memory>

namespace writ::test {

inline std::shared_ptr<const policy::Policy> loadRulesPolicy()
{
    auto loaded = policy::loadPolicyFile(WRIT_TEST_DATA_DIR "/decide/rules.writ.yaml");
    if (loaded.diagnostics.hasErrors())
        qFatal("rules.writ.yaml does not load");
    return std::make_shared<const policy::Policy>(std::move(loaded.policy));
}

inline std::shared_ptr<const catalog::Catalog> loadRulesCatalog()
{
    auto c = catalog::loadCatalogFile(WRIT_TEST_DATA_DIR "/catalog/supportdesk.json");
    const std::map<std::string, double> rows = {{"accounts", 5000},    {"customers", 5000}, {"internal_notes", 10000},
                                                {"messages", 240174},  {"payments", 20000}, {"refunds", 2000},
                                                {"tickets", 40000}};
    for (auto &r : c.relations)
        if (const auto it = rows.find(r.name); it != rows.end())
            r.reltuples = it->second;
    catalog::Relation partition = *c.findRelation("public", "tickets");
    partition.name = "tickets_2024";
    partition.partitionOf = "public.tickets";
    c.relations.push_back(partition);
    catalog::Relation view;
    view.schema = compile::viewSchemaName("summarizer", "summarize");
    view.name = "customers";
    view.kind = catalog::RelationKind::View;
    for (const char *column : {"id", "name", "email"})
        view.columns.push_back({column, "text", static_cast<int>(view.columns.size()) + 1, false, {}});
    c.relations.push_back(view);
    c.reindex();
    return std::make_shared<const catalog::Catalog>(std::move(c));
}

/// The summarizer's task as the tests ask for it: customer 42.
inline decide::TaskContext summarizerContext()
{
    decide::TaskContext c;
    c.agent = "summarizer";
    c.taskType = "summarize";
    c.values = {{"customer_id", "42"}};
    return c;
}

} // namespace writ::test
