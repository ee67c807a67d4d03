// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace writ {

/// Byte offset of the first invalid UTF-8 sequence, or nullopt when the text is valid.
std::optional<std::size_t> findInvalidUtf8(std::string_view text);

/// 1-based line and column (in characters, not bytes) of a byte offset.
struct LineColumn
{
    int line = 1;
    int column = 1;
};
LineColumn lineColumnAt(std::string_view text, std::size_t offset);

/// Edit distance, for "did you mean" hints.
std::size_t editDistance(std::string_view a, std::string_view b);

/// The candidate closest to `word`, if it is close enough to be a plausible typo.
std::optional<std::string> closestMatch(std::string_view word, std::span<const std::string> candidates);

/// "a, b, c" — for messages that list what is allowed.
std::string joinList(std::span<const std::string> items, std::string_view separator = ", ");

/// `text` cut to at most `max` bytes with "..." appended when cut (for quoting statements in messages).
std::string clipText(const std::string &text, std::size_t max);

} // namespace writ
