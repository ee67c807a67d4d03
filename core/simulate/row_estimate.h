// SPDX-License-Identifier: Apache-2.0
#pragma once

// The planner's row estimate for a read: what the bulk-read rule (ARCHITECTURE §6, step 4) compares
// with bulk_read_rows. The gateway asks as the task role; `writ simulate` without a sandbox asks as the
// connecting administrator, whose estimate ignores the policy's row filters (an upper bound).

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace writ::simulate {

/// "Plan Rows" of the top plan node in EXPLAIN (FORMAT JSON) output, or nullopt when the text is not such output.
std::optional<double> planRowsFromExplainJson(std::string_view explainJson);

struct RowEstimate
{
    std::optional<double> rows;
    std::string error; ///< why there is no estimate (PostgreSQL's message)
};

/// EXPLAIN (FORMAT JSON) of `sql` on `connectionUri`, in a read-only transaction that is rolled back,
/// under `timeout`. Never throws: connection and SQL errors come back in RowEstimate::error.
RowEstimate plannerEstimate(const std::string &connectionUri, std::string_view sql, std::chrono::milliseconds timeout);

} // namespace writ::simulate
