// SPDX-License-Identifier: Apache-2.0
#pragma once

// A review's changes to one task type, as the marks its scope canvas draws (ui/canvas/review_marks.h):
// read from the task's group of the core review — exactly the changes `writ diff` lists under
// "agent A ▸ task T" — never from the policy text. Policy- and agent-level changes (classification,
// owner, identities) stay in the Review document: they are not part of one task's drawing.

#include "ui/canvas/review_marks.h"

#include "policy/policy.h"
#include "review/review.h"

#include <string>

namespace writ::ui {

/// `oldPolicy` and `newPolicy` are the review's two versions: a removed scope is drawn as the old one
/// had it, and a new task type marks every relation of the new one added.
ReviewMarks reviewCanvasMarks(const review::Review &review, const policy::Policy &oldPolicy, const policy::Policy &newPolicy,
    const std::string &agent, const std::string &task);

} // namespace writ::ui
