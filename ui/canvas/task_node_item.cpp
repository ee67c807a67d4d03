// SPDX-License-Identifier: Apache-2.0
#include "ui/canvas/task_node_item.h"

#include "ui/canvas/canvas_colors.h"

#include <QApplication>
#include <QFontMetricsF>
#include <QPainter>
#include <QStyleOptionGraphicsItem>

namespace writ::ui {

namespace {
constexpr qreal kPadding = 10;

QStringList lines(const TaskNodeItem::Content &c)
{
    return {QObject::tr("TTL %1").arg(c.ttl),
        c.context.isEmpty() ? QObject::tr("no context keys")
                            : QObject::tr("context: %1").arg(c.context.join(QStringLiteral(", "))),
        c.approval ? QObject::tr("approval required") : QObject::tr("no approval")};
}
} // namespace

TaskNodeItem::TaskNodeItem(const Content &content)
{
    setContent(content);
    setZValue(1);
}

void TaskNodeItem::setContent(const Content &content)
{
    prepareGeometryChange();
    m_content = content;
    QFont bold = QApplication::font();
    bold.setBold(true);
    const QFontMetricsF big(bold);
    const QFontMetricsF normal(QApplication::font());
    qreal width = std::max(big.horizontalAdvance(content.agent), normal.horizontalAdvance(content.task));
    for (const QString &l : lines(content))
        width = std::max(width, normal.horizontalAdvance(l));
    m_size = QSizeF(std::max<qreal>(180, width + 2 * kPadding), 2 * kPadding + big.height() + 4 * (normal.height() + 2) + 4);
    update();
}

void TaskNodeItem::setReviewMark(std::optional<review::ChangeKind> mark)
{
    m_mark = mark;
    update();
}

QRectF TaskNodeItem::boundingRect() const
{
    return QRectF(-m_size.width() / 2, -m_size.height() / 2, m_size.width(), m_size.height()).adjusted(-5, -5, 5, 5);
}

void TaskNodeItem::paint(QPainter *painter, const QStyleOptionGraphicsItem *option, QWidget *)
{
    const QPalette &palette = option->palette;
    const QRectF box(-m_size.width() / 2, -m_size.height() / 2, m_size.width(), m_size.height());
    painter->setRenderHint(QPainter::Antialiasing);
    painter->setPen(QPen(palette.color(QPalette::Highlight), 2));
    QColor fill = palette.color(QPalette::Highlight);
    fill.setAlpha(28);
    painter->setBrush(palette.color(QPalette::Base));
    painter->drawRoundedRect(box, 12, 12);
    painter->setBrush(fill);
    painter->drawRoundedRect(box, 12, 12);

    QFont bold = QApplication::font();
    bold.setBold(true);
    const qreal big = QFontMetricsF(bold).height();
    const qreal normal = QFontMetricsF(QApplication::font()).height() + 2;
    qreal y = box.top() + kPadding;
    painter->setFont(bold);
    painter->setPen(palette.color(QPalette::Text));
    painter->drawText(QRectF(box.left(), y, box.width(), big), Qt::AlignCenter, m_content.agent);
    y += big + 2;
    painter->setFont(QApplication::font());
    painter->drawText(QRectF(box.left(), y, box.width(), normal), Qt::AlignCenter, m_content.task);
    y += normal + 2;
    painter->setPen(palette.color(QPalette::PlaceholderText));
    for (const QString &l : lines(m_content)) {
        painter->drawText(QRectF(box.left(), y, box.width(), normal), Qt::AlignCenter, l);
        y += normal;
    }
    if (m_mark) {
        painter->setPen(QPen(canvas::reviewMarkColor(*m_mark), 3));
        painter->setBrush(Qt::NoBrush);
        painter->drawRoundedRect(box.adjusted(-3, -3, 3, 3), 14, 14);
    }
}

} // namespace writ::ui
