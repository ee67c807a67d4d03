// SPDX-License-Identifier: Apache-2.0
#pragma once

// Collects the objections of every rule for one text and turns them into a Decision: any denial
// denies (the first one found, in rule order, decides), else any step-up asks for approval, else allow.

#include "decide/decision.h"

#include <set>
#include <string>

namespace writ::decide {

class DecisionBuilder
{
public:
    explicit DecisionBuilder(const std::set<policy::StepUpClass> &stepUp) : m_stepUp(stepUp) {}

    /// The statement the following reasons belong to.
    void setStatement(int index) { m_statement = index; }

    void deny(const char *rule, std::string message, std::string fix, std::string path = {}, int location = -1);

    /// A class of ARCHITECTURE §6 rule 2/3/4: approval when the task's step_up names it, otherwise deny
    /// (the fix then says how to make it approvable).
    void stepUp(policy::StepUpClass cls, const char *rule, std::string message, std::string fix, std::string path = {},
                int location = -1);

    bool denied() const { return !m_denials.empty(); }
    std::size_t denialCount() const { return m_denials.size(); }
    Decision &draft() { return m_draft; } ///< flags the rules set on the way (masks, row estimate)

    Decision finish(std::size_t statementCount);

private:
    Reason make(const char *rule, std::string message, std::string fix, std::string path, int location) const;

    const std::set<policy::StepUpClass> &m_stepUp;
    std::vector<Reason> m_denials;
    std::vector<Reason> m_approvals;
    std::optional<policy::StepUpClass> m_approvalClass;
    Decision m_draft;
    int m_statement = 0;
};

} // namespace writ::decide
