// SPDX-License-Identifier: Apache-2.0
#pragma once

// Where the user put the relation cards of one scope canvas (a policy file, an agent, a task type),
// kept in the studio's settings so the canvas opens the way it was left. An untitled policy has no
// layout to keep.

#include <QHash>
#include <QPointF>
#include <QString>

namespace writ::ui::canvas {

QHash<QString, QPointF> loadCardLayout(const QString &policyPath, const QString &agent, const QString &task);
void saveCardLayout(const QString &policyPath, const QString &agent, const QString &task, const QHash<QString, QPointF> &positions);

} // namespace writ::ui::canvas
