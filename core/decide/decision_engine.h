// SPDX-License-Identifier: Apache-2.0
#pragma once

// Request-time decisions (ARCHITECTURE §6): StatementFacts + Policy + TaskContext -> Decision.
// One engine per published policy version; the gateway shares it across sessions and threads.
// decide() caches by (task type, statement text) within the engine's version, so a repeated
// statement costs a hash lookup and no parse.

#include "catalog/catalog.h"
#include "decide/decision.h"
#include "policy/policy.h"
#include "sql/literal_shape.h"
#include "sql/statement_facts.h"

#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace writ::decide {

struct EngineOptions
{
    std::size_t cacheCapacity = 65536; ///< decisions kept; the cache is cleared when it fills
};

class DecisionEngine
{
public:
    DecisionEngine(std::shared_ptr<const policy::Policy> policy, std::shared_ptr<const catalog::Catalog> catalog,
                   std::string policyVersion, EngineOptions options = {});
    ~DecisionEngine();
    DecisionEngine(const DecisionEngine &) = delete;
    DecisionEngine &operator=(const DecisionEngine &) = delete;

    /// What decide() found of the text's literal shape, for a caller that needs it too (the gateway
    /// names statements in the audit log by it) and need not compute it again.
    struct ShapeSeen
    {
        bool computed = false;                  ///< false: decided without it (the exact text was cached)
        std::optional<sql::LiteralShape> shape; ///< when computed: none for a text with no constants or one the analyzer refuses
    };

    /// Analyzes (or finds in the cache) and decides one text. `simpleQuery` = it came in a simple Query
    /// message (several statements are legal there); false for an extended-protocol Parse. Thread-safe.
    std::shared_ptr<const Decision> decide(std::string_view sql, const TaskContext &context, bool simpleQuery = true,
                                           ShapeSeen *seen = nullptr) const;

    /// The pure rules over already analyzed text; no cache. `simpleQuery` = the text came in one
    /// simple Query message (multi-statement texts are legal there and nowhere else).
    Decision decideAnalysis(const sql::Analysis &analysis, const TaskContext &context, bool simpleQuery = true) const;

    /// For a statement not denied that reads masked columns under the base relation's qualified name
    /// (Decision::readsMaskedColumns): the same text with those names pointing at the task's masked
    /// view, so it returns the masked values as the unqualified spelling does. The rewritten text is
    /// decided again and returned only when it gets the same verdict and reads no base masked column;
    /// nullopt otherwise (the text then runs as sent, and PostgreSQL refuses the base column).
    /// Thread-safe; not cached (a rare path: the unqualified spelling is the usual one).
    std::optional<std::string> readThroughMaskedViews(std::string_view sql, const TaskContext &context, bool simpleQuery = true) const;

    /// search_path used to resolve unqualified names for a task type (its masked-view schema first).
    std::vector<std::string> searchPathFor(std::string_view agent, std::string_view taskType) const;

    const std::string &policyVersion() const;
    const policy::Policy &policy() const;
    const catalog::Catalog &catalog() const;

    std::size_t cacheSize() const;

private:
    struct Impl;
    std::unique_ptr<Impl> d;
};

} // namespace writ::decide
