// SPDX-License-Identifier: Apache-2.0
#pragma once

// A review as text (a tree for the terminal), Markdown (for a pull-request comment) or JSON
// (stable keys, documented in docs/review.md). All three show the same facts.

#include "review/review.h"

#include <string>

namespace writ::review {

std::string formatText(const Review &review);
std::string formatMarkdown(const Review &review);
std::string formatJson(const Review &review);

/// The version of the JSON document (its "writ_review" key).
inline constexpr int kReviewJsonVersion = 1;

} // namespace writ::review
