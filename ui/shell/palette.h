// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QPalette>

namespace writ::ui {

enum class Theme { Light, Dark };

/// The studio's palettes: Fusion style with a calm light or dark palette.
QPalette studioPalette(Theme theme);
/// Sets the style and palette on the application and remembers the choice in QSettings.
void applyTheme(Theme theme);
Theme savedTheme();

} // namespace writ::ui
