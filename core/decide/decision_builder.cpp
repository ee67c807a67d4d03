// SPDX-License-Identifier: Apache-2.0
#include "decide/decision_builder.h"

namespace writ::decide {

Reason DecisionBuilder::make(const char *rule, std::string message, std::string fix, std::string path, int location) const
{
    Reason r;
    r.rule = rule;
    r.message = std::move(message);
    r.fix = std::move(fix);
    r.policyPath = std::move(path);
    r.statementIndex = m_statement;
    r.location = location >= 0 ? location : -1;
    return r;
}

void DecisionBuilder::deny(const char *rule, std::string message, std::string fix, std::string path, int location)
{
    m_denials.push_back(make(rule, std::move(message), std::move(fix), std::move(path), location));
}

void DecisionBuilder::stepUp(policy::StepUpClass cls, const char *rule, std::string message, std::string fix,
                             std::string path, int location)
{
    const std::string className = policy::toString(cls);
    if (m_stepUp.count(cls)) {
        if (!m_approvalClass)
            m_approvalClass = cls;
        m_approvals.push_back(make(rule, message + "; it needs approval (step-up class " + className + ")", std::move(fix),
                                   std::move(path), location));
        return;
    }
    if (!fix.empty())
        fix += ", or ";
    fix += "add " + className + " to the task's step_up so that it can be approved per statement";
    m_denials.push_back(make(rule, std::move(message), std::move(fix), std::move(path), location));
}

Decision DecisionBuilder::finish(std::size_t statementCount)
{
    Decision d = std::move(m_draft);
    d.statementCount = statementCount;
    if (!m_denials.empty()) {
        d.verdict = Verdict::Deny;
        d.reasons = std::move(m_denials);
        d.needsRowEstimate = false;
    } else if (!m_approvals.empty()) {
        d.verdict = Verdict::ApprovalRequired;
        d.approvalClass = m_approvalClass;
        d.reasons = std::move(m_approvals);
        d.needsRowEstimate = false;
    } else {
        d.verdict = Verdict::Allow;
        d.reasons.push_back({rule::Allowed, statementCount == 0 ? "empty statement" : "every relation, column and function is in scope", "", "", 0, -1});
    }
    return d;
}

} // namespace writ::decide
