// SPDX-License-Identifier: Apache-2.0
#pragma once

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

} // namespace writ::ui::canvas
