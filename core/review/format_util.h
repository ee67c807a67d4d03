// SPDX-License-Identifier: Apache-2.0
#pragma once

// Internal to the review formats: the wording they share, so text and Markdown say the same thing.

#include "review/review.h"

#include <string>
#include <vector>

namespace writ::review::detail {

/// "+", "-" or "~".
const char *marker(ChangeKind kind);

/// "columns", "mask email", "network oidc https://... sub": what a change is about within its group.
std::string changeLabel(const Change &c);

/// The value part of a change: its items, "before → after", or the one side that exists.
/// `quote` wraps each value (identity for text, a code span for Markdown).
std::string changeValue(const Change &c, std::string (*quote)(const std::string &));

/// 285174 -> "285,174".
std::string groupDigits(long long n);

std::string rowsText(const BlastRadius &b, bool catalogUsed); ///< "≤ 285,174", "unknown (no catalog)"
std::string columnsText(const BlastRadius &b); ///< "15" or "15+" when `all` was not expanded
std::string writesText(const BlastRadius &b); ///< "update public.payments; insert public.refunds" or "none"
std::string classifiedText(const ClassifiedColumn &c); ///< "public.customers.email pii, masked"

/// Classified columns in `after` but not `before` (or the other way round), as classifiedText lines.
std::vector<std::string> classifiedDifference(const std::optional<BlastRadius> &from, const std::optional<BlastRadius> &to);

/// One witness in a sentence, without the relation: "39,950 rows newly reachable, e.g. id = 2".
std::string witnessSentence(const Witness &w, std::string (*quote)(const std::string &));

/// "allow → deny [column-scope]", "deny [relation-scope] → allow": a verdict change with the rules that objected.
std::string verdictChangeText(const VerdictChange &c);
/// "2 statements (1 distinct)".
std::string statementCountText(const VerdictChange &c);

/// The witnesses of one task group.
std::vector<const Witness *> witnessesOf(const Review &review, const ReviewGroup &group);

} // namespace writ::review::detail
