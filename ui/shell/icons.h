// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QIcon>
#include <QString>

namespace writ::ui {

/// An SVG icon from resources/icons (":/icons/<name>.svg"), sharp at every device pixel ratio.
QIcon icon(const QString &name);

/// A round badge in the label's colour (filled when classified, a ring when only suggested).
QIcon sensitivityBadge(const QString &label, bool suggested);

/// Makes sure the studio's resources are registered (the .qrc lives in a static library).
void ensureResources();

} // namespace writ::ui
