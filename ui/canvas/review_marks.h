// SPDX-License-Identifier: Apache-2.0
#pragma once

// What a review changes in one task type's scope, for the scope canvas to draw over its drawing:
// each relation (card) and column (chip) the review touches and how — added, removed or changed —
// and the scopes only the old version has, so their cards can be drawn faded. ui/review fills it
// from the core review's changes (review::Change); the canvas only draws it.

#include "policy/policy.h"
#include "review/policy_diff.h"

#include <QHash>
#include <QString>

#include <optional>
#include <vector>

namespace writ::ui {

struct ReviewMarks
{
    QString oldLabel; ///< the review's old side, for the legend ("supportdesk.writ.yaml")
    QString newLabel;
    std::optional<review::ChangeKind> task; ///< the task type's own fields (ttl, approval, context, ...)
    QHash<QString, review::ChangeKind> relations; ///< "public.tickets" → changed
    QHash<QString, QHash<QString, review::ChangeKind>> columns; ///< relation → column → kind
    std::vector<policy::Scope> removedScopes; ///< as the old version had them

    bool isEmpty() const { return !task && relations.isEmpty() && columns.isEmpty() && removedScopes.empty(); }

    std::optional<review::ChangeKind> relation(const QString &name) const
    {
        const auto it = relations.constFind(name);
        return it == relations.cend() ? std::nullopt : std::optional(*it);
    }

    std::optional<review::ChangeKind> column(const QString &relationName, const QString &columnName) const
    {
        const auto it = columns.constFind(relationName);
        if (it == columns.cend())
            return std::nullopt;
        const auto c = it->constFind(columnName);
        return c == it->cend() ? std::nullopt : std::optional(*c);
    }
};

} // namespace writ::ui
