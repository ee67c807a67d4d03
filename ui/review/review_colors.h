// SPDX-License-Identifier: Apache-2.0
#pragma once

// The colours of a review, shared by the Review document and the canvas overlay: a risk direction
// (widens red, narrows green, neutral grey) and a change kind (added green, removed red, changed amber).

#include "ui/canvas/canvas_colors.h"

#include "review/policy_diff.h"

#include <QColor>

namespace writ::ui {

inline QColor riskColor(review::Risk risk)
{
    switch (risk) {
    case review::Risk::Widens: return QColor(0xd3, 0x2f, 0x2f);
    case review::Risk::Narrows: return QColor(0x2e, 0x7d, 0x32);
    case review::Risk::Neutral: return QColor(0x75, 0x75, 0x75);
    }
    return QColor(0x75, 0x75, 0x75);
}

inline QColor changeKindColor(review::ChangeKind kind)
{
    return canvas::reviewMarkColor(kind);
}

} // namespace writ::ui
