// SPDX-License-Identifier: Apache-2.0
#include "ui/canvas/card_layout.h"

#include <QCryptographicHash>
#include <QFileInfo>
#include <QSettings>
#include <QVariantMap>

namespace writ::ui::canvas {

namespace {

/// One settings key per canvas: a hash, as paths and names may hold what settings keys may not.
QString layoutKey(const QString &policyPath, const QString &agent, const QString &task)
{
    const QByteArray id = (QFileInfo(policyPath).absoluteFilePath() + QChar(0) + agent + QChar(0) + task).toUtf8();
    return QStringLiteral("scopeCanvas/layouts/") + QString::fromLatin1(QCryptographicHash::hash(id, QCryptographicHash::Sha256).toHex());
}

} // namespace

QHash<QString, QPointF> loadCardLayout(const QString &policyPath, const QString &agent, const QString &task)
{
    QHash<QString, QPointF> positions;
    if (policyPath.isEmpty())
        return positions;
    const QVariantMap stored = QSettings().value(layoutKey(policyPath, agent, task)).toMap();
    for (auto it = stored.begin(); it != stored.end(); ++it)
        if (it.value().canConvert<QPointF>())
            positions.insert(it.key(), it.value().toPointF());
    return positions;
}

void saveCardLayout(const QString &policyPath, const QString &agent, const QString &task, const QHash<QString, QPointF> &positions)
{
    if (policyPath.isEmpty())
        return;
    QVariantMap stored;
    for (auto it = positions.begin(); it != positions.end(); ++it)
        stored.insert(it.key(), it.value());
    QSettings().setValue(layoutKey(policyPath, agent, task), stored);
}

} // namespace writ::ui::canvas
