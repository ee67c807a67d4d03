// SPDX-License-Identifier: Apache-2.0
#pragma once

// The live check of a row filter or check expression while it is typed, with the core's own
// analysis (libpg_query through check::checkRowFilter, and the task's `$context` keys), so the
// message and the position are exactly what the Problems dock will say once it is committed.

#include <QString>
#include <QStringList>

#include <optional>

namespace writ::catalog {
struct Catalog;
}

namespace writ::ui {

struct FilterProblem
{
    int column = 0; ///< 0-based position in the (first line of the) text
    QString message;
};

/// nullopt when the filter is fine (or empty). Without a catalog only the `$context` keys are checked.
std::optional<FilterProblem> checkFilter(
    const QString &text, const QString &relation, const QStringList &contextKeys, const catalog::Catalog *catalog);

} // namespace writ::ui
