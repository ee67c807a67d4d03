// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "common/diagnostic.h"
#include "policy/policy.h"
#include "policy/source_map.h"

#include <string>
#include <string_view>

namespace writ::policy {

struct LoadResult
{
    Policy policy;
    SourceMap sources;
    Diagnostics diagnostics;

    bool ok() const { return !diagnostics.hasErrors(); }
};

/// Policy files larger than this are refused before parsing.
inline constexpr std::size_t kMaxPolicyBytes = 8 * 1024 * 1024;

/// Parses and validates policy YAML. Never throws for bad input: every mistake becomes a
/// diagnostic with file:line:col and a hint, and loading goes on to report as many as it can.
LoadResult loadPolicy(std::string_view text, const std::string &fileName = "<policy>");

/// Reads `path` (I/O errors and oversized files become diagnostics) and loads it.
LoadResult loadPolicyFile(const std::string &path);

/// Every `$name` parameter in a row filter, in order of appearance (string literals and quoted identifiers skipped).
struct ContextParameter
{
    std::string name;
    std::size_t offset = 0; ///< byte offset of the '$'
};
std::vector<ContextParameter> contextParameters(std::string_view filter);

} // namespace writ::policy
