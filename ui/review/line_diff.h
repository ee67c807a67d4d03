// SPDX-License-Identifier: Apache-2.0
#pragma once

// Which lines of two texts differ, for marking the SQL plan difference side by side: a longest
// common subsequence of lines; every line outside it is changed on its side.

#include <QList>
#include <QStringList>

namespace writ::ui {

struct LineDiff
{
    QList<int> oldChanged; ///< 0-based lines of the old text not in the new one
    QList<int> newChanged; ///< 0-based lines of the new text not in the old one
};

LineDiff diffLines(const QStringList &oldLines, const QStringList &newLines);

} // namespace writ::ui
