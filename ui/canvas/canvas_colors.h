// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "review/policy_diff.h"

#include <QColor>

namespace writ::ui::canvas {

// One meaning per colour on the scope canvas, the same in the light and the dark palette.
inline QColor readColor()
{
    return QColor(0x3b, 0x82, 0xf6);
} ///< select
inline QColor writeColor()
{
    return QColor(0xe0, 0x8a, 0x1e);
} ///< insert, update, delete
inline QColor maskedColor()
{
    return QColor(0x8b, 0x5c, 0xf6);
} ///< read only through a mask
inline QColor foreignKeyColor()
{
    return QColor(0x88, 0x88, 0x88, 110);
}

/// What a review does to a card, a chip or the task node: added green, removed red, changed amber.
/// The Review document's change list uses the same colours (review_colors.h).
inline QColor reviewMarkColor(review::ChangeKind kind)
{
    switch (kind) {
    case review::ChangeKind::Added: return QColor(0x2e, 0x7d, 0x32);
    case review::ChangeKind::Removed: return QColor(0xd3, 0x2f, 0x2f);
    case review::ChangeKind::Changed: return QColor(0xf5, 0x9e, 0x0b);
    }
    return QColor(0xf5, 0x9e, 0x0b);
}

} // namespace writ::ui::canvas
