// SPDX-License-Identifier: Apache-2.0
#include "decide/decision.h"

#include <cmath>

namespace writ::decide {

Decision applyRowEstimate(Decision d, double estimatedRows)
{
    if (!d.needsRowEstimate || d.verdict != Verdict::Allow)
        return d;
    d.needsRowEstimate = false;
    if (!(estimatedRows <= static_cast<double>(d.bulkReadRows))) { // NaN counts as over the limit
        d.verdict = Verdict::ApprovalRequired;
        d.approvalClass = policy::StepUpClass::BulkRead;
        const auto rows = std::isfinite(estimatedRows) ? std::to_string(static_cast<long long>(std::llround(estimatedRows)))
                                                       : std::string("an unknown number of");
        d.reasons = {{rule::BulkRead,
                      "the planner estimates " + rows + " rows, over bulk_read_rows " + std::to_string(d.bulkReadRows)
                          + "; it needs approval (step-up class bulk_read)",
                      "narrow the WHERE clause or add LIMIT " + std::to_string(d.bulkReadRows) + ", or ask for approval",
                      "", 0, -1}};
    }
    return d;
}

const std::vector<std::string_view> &allRules()
{
    static const std::vector<std::string_view> rules = {
        rule::UnknownTask,      rule::Environment,       rule::TaskExpired,     rule::StatementLimit,
        rule::Unparseable,      rule::FunctionCallMessage, rule::MultiStatement, rule::UnknownStatement,
        rule::ProtectedSetting, rule::StatementClass,    rule::Export,          rule::Import,
        rule::CopyProgram,      rule::ListenNotify,      rule::DangerousFunction, rule::SecurityDefiner,
        rule::Allowlist,        rule::Relation,          rule::Partition,       rule::Operation,
        rule::Column,           rule::UpdateColumn,      rule::SensitiveRead,   rule::BulkRead,
        rule::PreparedStatement, rule::Allowed};
    return rules;
}

const char *toString(Verdict v)
{
    switch (v) {
    case Verdict::Allow: return "allow";
    case Verdict::Deny: return "deny";
    case Verdict::ApprovalRequired: return "approval_required";
    }
    return "deny";
}

std::optional<Verdict> parseVerdict(std::string_view s)
{
    if (s == "allow")
        return Verdict::Allow;
    if (s == "deny")
        return Verdict::Deny;
    if (s == "approval_required")
        return Verdict::ApprovalRequired;
    return std::nullopt;
}

} // namespace writ::decide
