// SPDX-License-Identifier: Apache-2.0
#include "ui/review/line_diff.h"

#include <vector>

namespace writ::ui {

LineDiff diffLines(const QStringList &oldLines, const QStringList &newLines)
{
    // Common prefix and suffix first: a compiled policy changes in a few places, so the quadratic
    // table below covers only the part in between.
    int start = 0;
    while (start < oldLines.size() && start < newLines.size() && oldLines[start] == newLines[start])
        ++start;
    int oldEnd = int(oldLines.size()), newEnd = int(newLines.size());
    while (oldEnd > start && newEnd > start && oldLines[oldEnd - 1] == newLines[newEnd - 1]) {
        --oldEnd;
        --newEnd;
    }
    const int n = oldEnd - start, m = newEnd - start;
    std::vector<std::vector<int>> lcs(std::size_t(n + 1), std::vector<int>(std::size_t(m + 1), 0));
    for (int i = n - 1; i >= 0; --i)
        for (int j = m - 1; j >= 0; --j)
            lcs[i][j] = oldLines[start + i] == newLines[start + j] ? lcs[i + 1][j + 1] + 1 : std::max(lcs[i + 1][j], lcs[i][j + 1]);
    LineDiff out;
    int i = 0, j = 0;
    while (i < n && j < m) {
        if (oldLines[start + i] == newLines[start + j]) {
            ++i;
            ++j;
        } else if (lcs[i + 1][j] >= lcs[i][j + 1]) {
            out.oldChanged << start + i++;
        } else {
            out.newChanged << start + j++;
        }
    }
    for (; i < n; ++i)
        out.oldChanged << start + i;
    for (; j < m; ++j)
        out.newChanged << start + j;
    return out;
}

} // namespace writ::ui
