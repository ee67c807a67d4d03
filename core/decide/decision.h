// SPDX-License-Identifier: Apache-2.0
#pragma once

// The verdict on one request: allow, deny or approval_required, with the rule that decided and
// the narrowest fix in words. Plain values; see decision_engine.h for how they are made.

#include "policy/policy.h"

#include <chrono>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace writ::decide {

enum class Verdict { Allow, Deny, ApprovalRequired };

/// Rule identifiers, stable: audit records, `writ test` expectations and documentation use them.
/// The number is the step of ARCHITECTURE §6 (docs/decisions.md lists each rule).
namespace rule {
inline constexpr const char *Unparseable = "unparseable";              // 1
inline constexpr const char *FunctionCallMessage = "function-call-message"; // 1
inline constexpr const char *MultiStatement = "multi-statement";       // 1
inline constexpr const char *ProtectedSetting = "protected-setting";   // 1
inline constexpr const char *UnknownStatement = "unknown-statement";   // 1
inline constexpr const char *UnknownTask = "unknown-task";             // context: agent/task not in the policy
inline constexpr const char *Environment = "environment";              // context
inline constexpr const char *TaskExpired = "task-expired";             // context
inline constexpr const char *Allowlist = "allowlist";                  // allowlist mode
inline constexpr const char *StatementClass = "statement-class";       // 2: ddl, DO, transaction control, ...
inline constexpr const char *Export = "export";                        // 2: COPY TO
inline constexpr const char *Import = "import";                        // 2: COPY FROM
inline constexpr const char *CopyProgram = "copy-program";             // 2: COPY PROGRAM / server files
inline constexpr const char *DangerousFunction = "dangerous-function"; // 2
inline constexpr const char *ListenNotify = "listen-notify";           // 2
inline constexpr const char *Relation = "relation-scope";              // 3
inline constexpr const char *Operation = "operation-scope";            // 3
inline constexpr const char *Column = "column-scope";                  // 3
inline constexpr const char *UpdateColumn = "update-columns";          // 3
inline constexpr const char *Partition = "partition";                  // 3
inline constexpr const char *SecurityDefiner = "security-definer";     // 3
inline constexpr const char *SensitiveRead = "sensitive-read";         // 3: classify / allow_labels
inline constexpr const char *BulkRead = "bulk-read";                   // 4
inline constexpr const char *StatementLimit = "statement-limit";       // 5
inline constexpr const char *PreparedStatement = "prepared-statement"; // EXECUTE of an unknown name
inline constexpr const char *Allowed = "allowed";                      // the verdict when nothing objected
} // namespace rule

/// Every rule id above, in the order of ARCHITECTURE §6 (for validating `writ test` expectations).
const std::vector<std::string_view> &allRules();

struct Reason
{
    std::string rule;         ///< one of rule::*
    std::string message;      ///< what is wrong, naming the object: "column public.customers.phone is not in scope ..."
    std::string fix;          ///< the narrowest change that would allow it, in words; empty when none applies
    std::string policyPath;   ///< SourceMap path of the policy item that decided (scope, column, task), when one did
    int statementIndex = 0;   ///< which statement of a multi-statement text
    int location = -1;        ///< byte offset in the analyzed text, -1 when not tied to a place
};

struct Decision
{
    Verdict verdict = Verdict::Deny;
    std::vector<Reason> reasons; ///< deny: every objection found (first = the deciding one); allow: one "allowed" reason
    std::optional<policy::StepUpClass> approvalClass; ///< set with ApprovalRequired

    /// The decision stands only if the planner's row estimate stays within bulkReadRows: reads whose
    /// relations could exceed it. The caller runs EXPLAIN and calls applyRowEstimate().
    bool needsRowEstimate = false;
    std::int64_t bulkReadRows = 0;

    /// Qualified references to masked relations: the gateway reads them through the task's masked view.
    bool readsMaskedColumns = false;

    /// limits.rows_per_statement of the task type: the gateway stops relaying past it (rule 5).
    std::optional<std::int64_t> rowsPerStatement;

    std::size_t statementCount = 0;

    /// One statement that cannot change anything when run (decide/read_only.h): the gateway may send it
    /// before its decision record is on file, and holds its answer until the record is.
    bool changesNothing = false;

    bool allowed() const { return verdict == Verdict::Allow; }
    const Reason &deciding() const { return reasons.front(); }
};

/// Who is asking, and when. Values that change per request (now, statementsSoFar) are not part of
/// the cache key: DecisionEngine checks them before consulting the cache.
struct TaskContext
{
    std::string agent;
    std::string taskType;
    std::map<std::string, std::string> values; ///< context key -> value as text
    std::string environment;                   ///< e.g. "prod"; empty = not stated
    std::chrono::system_clock::time_point now = std::chrono::system_clock::now();
    std::optional<std::chrono::system_clock::time_point> expiresAt;
    std::int64_t statementsSoFar = 0;          ///< statements this task has run before this one
    /// Names this session PREPAREd with an allowed statement; EXECUTE of any other name is denied.
    std::set<std::string> preparedStatements;
};

/// Turns an allow into approval_required (class bulk_read) when the estimate exceeds the limit.
Decision applyRowEstimate(Decision d, double estimatedRows);

const char *toString(Verdict v);
std::optional<Verdict> parseVerdict(std::string_view s); ///< "allow", "deny", "approval_required"

} // namespace writ::decide
