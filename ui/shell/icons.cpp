// SPDX-License-Identifier: Apache-2.0
#include "ui/shell/icons.h"

#include "ui/catalog/sensitivity.h"

#include <QHash>
#include <QPainter>
#include <QPixmap>
#include <QSvgRenderer>

// Q_INIT_RESOURCE must be called outside any namespace.
static void initStudioResources()
{
    Q_INIT_RESOURCE(studio);
}

namespace writ::ui {

void ensureResources()
{
    static const bool done = [] {
        initStudioResources();
        return true;
    }();
    (void)done;
}

QIcon icon(const QString &name)
{
    ensureResources();
    static QHash<QString, QIcon> cache;
    auto it = cache.find(name);
    if (it == cache.end()) {
        // Rendered here with QtSvg rather than through Qt's SVG icon plugin: the package then
        // depends on the SVG library for certain, and every size up to 4x HiDPI is drawn sharp.
        QIcon rendered;
        QSvgRenderer renderer(QStringLiteral(":/icons/%1.svg").arg(name));
        if (renderer.isValid()) {
            for (int size : {16, 24, 32, 48, 64}) {
                QPixmap pixmap(size, size);
                pixmap.fill(Qt::transparent);
                QPainter painter(&pixmap);
                renderer.render(&painter);
                painter.end();
                rendered.addPixmap(pixmap);
            }
        }
        it = cache.insert(name, rendered);
    }
    return *it;
}

QIcon sensitivityBadge(const QString &label, bool suggested)
{
    static QHash<QString, QIcon> cache;
    const QString key = label + (suggested ? QStringLiteral("?") : QString());
    if (auto it = cache.find(key); it != cache.end())
        return *it;
    QIcon result;
    const QColor colour = SensitivityIndex::colorOf(label);
    for (int size : {16, 32, 48}) {
        QPixmap pixmap(size, size);
        pixmap.fill(Qt::transparent);
        QPainter painter(&pixmap);
        painter.setRenderHint(QPainter::Antialiasing);
        const qreal margin = size * 0.25;
        const QRectF dot(margin, margin, size - 2 * margin, size - 2 * margin);
        if (suggested) {
            painter.setPen(QPen(colour, size / 8.0));
            painter.setBrush(Qt::NoBrush);
        } else {
            painter.setPen(Qt::NoPen);
            painter.setBrush(colour);
        }
        painter.drawEllipse(dot);
        painter.end();
        result.addPixmap(pixmap);
    }
    cache.insert(key, result);
    return result;
}

} // namespace writ::ui
