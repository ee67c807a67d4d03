// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QString>

namespace writ::ui {

class MainWindow;

/// Walks the main views of an open window and saves each as a PNG in `directory`
/// (studio-policy.png, studio-explorer.png, studio-schema.png, studio-grants.png, studio-dark.png):
/// the pictures in the README and docs/studio.md. Waits for a running connection first.
/// Returns the number of images written; `error` says what went wrong when it is fewer.
int runScreenshotTour(MainWindow &window, const QString &directory, QString *error = nullptr);

} // namespace writ::ui
