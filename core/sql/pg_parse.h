// SPDX-License-Identifier: Apache-2.0
#pragma once

// The one place that calls libpg_query's parser entry points. Results are plain values;
// the C structs never leave this module.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace writ::sql {

struct ParseError
{
    std::string message;
    std::size_t offset = 0; ///< byte offset into the parsed text (0 when the parser gave no position)
};

/// A parse tree as libpg_query's JSON. For tooling paths (checks, studio); the gateway's hot path
/// walks the raw parse tree instead (analyzer.h).
struct JsonParse
{
    std::string json;
    std::optional<ParseError> error;
};

/// Inputs larger than this are refused without parsing.
inline constexpr std::size_t kMaxParseBytes = 1024 * 1024;

JsonParse parseToJson(std::string_view sql);

} // namespace writ::sql
