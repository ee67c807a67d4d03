// SPDX-License-Identifier: Apache-2.0
#pragma once

// What a decision's reason is about, so the canvas can point at it: the agent and task asking, and
// the relation and column the rule objected to, read from the reason's policy path and message.

#include "decide/decision.h"

#include <QString>

namespace writ::ui {

struct ReasonTarget
{
    QString agent;
    QString task;
    QString relation; ///< "schema.name"; empty when the reason is not about one relation
    QString column; ///< the column's name; empty when the reason is not about one column

    bool operator==(const ReasonTarget &) const = default;
};

ReasonTarget reasonTarget(const decide::Reason &reason, const QString &agent, const QString &task);

} // namespace writ::ui
