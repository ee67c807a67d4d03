// SPDX-License-Identifier: Apache-2.0
#pragma once

// SQL text + Catalog + search_path -> StatementFacts, by walking libpg_query's raw parse tree (the
// PostgreSQL node structs, read in place: no JSON or protobuf copy, since this runs for every
// statement the gateway sees).
//
// Hostile input is expected: texts over kMaxAnalyzeBytes, NUL bytes, invalid UTF-8 and nesting
// deeper than kMaxNestingDepth give Analysis::error before or instead of a deep recursion.

#include "sql/statement_facts.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace writ::sql {

inline constexpr std::size_t kMaxAnalyzeBytes = 1024 * 1024;
inline constexpr int kMaxNestingDepth = 1000;

struct AnalyzeOptions
{
    /// Schemas searched for unqualified relation and function names, in order, after pg_catalog
    /// (which PostgreSQL always searches first). "$user" entries are skipped.
    std::vector<std::string> searchPath = {"public"};
};

/// What makes analyze() refuse a text whatever its structure: over kMaxAnalyzeBytes, a NUL byte,
/// invalid UTF-8. A constant can carry any of these, so texts of one literal shape can differ in them.
std::optional<AnalysisError> textProblem(std::string_view sql);

/// Never throws for any input; problems come back in Analysis::error.
Analysis analyze(std::string_view sql, const catalog::Catalog &catalog, const AnalyzeOptions &options = {});

/// libpg_query's fingerprint of one statement (constants and parameters ignored), or nullopt when the
/// text does not parse. Allowlist mode matches statements to templates with it.
std::optional<std::uint64_t> fingerprint(std::string_view sql);

/// The text with every literal replaced by $n (libpg_query's normalization), or "" when it does not parse.
std::string normalize(std::string_view sql);

} // namespace writ::sql
