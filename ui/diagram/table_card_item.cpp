// SPDX-License-Identifier: Apache-2.0
#include "ui/diagram/table_card_item.h"

#include "ui/catalog/sensitivity.h"

#include <QApplication>
#include <QDrag>
#include <QMimeData>
#include <QFontMetricsF>
#include <QGraphicsSceneMouseEvent>
#include <QPainter>
#include <QPalette>
#include <QStyleOptionGraphicsItem>

namespace writ::ui {

namespace {

constexpr qreal kPadding = 8;
constexpr qreal kDot = 8;

qreal lineHeight()
{
    return QFontMetricsF(QApplication::font()).height() + 2;
}

} // namespace

TableCardItem::TableCardItem(QString name, QString kind, QVector<ColumnLine> columns, bool rls)
    : m_name(std::move(name))
    , m_kind(std::move(kind))
    , m_columns(std::move(columns))
    , m_rls(rls)
    , m_size(sizeFor(m_name, m_columns))
{
    setFlag(ItemIsSelectable);
    setCursor(Qt::PointingHandCursor);
    setToolTip(m_name);
}

QSizeF TableCardItem::sizeFor(const QString &name, const QVector<ColumnLine> &columns)
{
    QFont bold = QApplication::font();
    bold.setBold(true);
    qreal width = QFontMetricsF(bold).horizontalAdvance(name) + 2 * kPadding + 40;
    const QFontMetricsF metrics(QApplication::font());
    const int shown = std::min<int>(columns.size(), kMaxColumnsShown);
    for (int i = 0; i < shown; ++i)
        width = std::max(width, metrics.horizontalAdvance(columns[i].name + QStringLiteral("  ") + columns[i].type) + 3 * kPadding + kDot);
    const int lines = shown + (columns.size() > kMaxColumnsShown ? 1 : 0);
    return {std::min<qreal>(width, 360), lineHeight() * (lines + 1) + kPadding * 1.5};
}

QRectF TableCardItem::boundingRect() const
{
    return QRectF(QPointF(0, 0), m_size).adjusted(-2, -2, 2, 2);
}

void TableCardItem::paint(QPainter *painter, const QStyleOptionGraphicsItem *option, QWidget *)
{
    const QPalette palette = QApplication::palette();
    const QRectF card(QPointF(0, 0), m_size);
    const bool selected = option->state & QStyle::State_Selected;
    painter->setRenderHint(QPainter::Antialiasing);
    painter->setPen(QPen(selected ? palette.color(QPalette::Highlight) : palette.color(QPalette::Mid), selected ? 2.5 : 1));
    painter->setBrush(palette.color(QPalette::Base));
    painter->drawRoundedRect(card, 6, 6);

    const qreal lh = lineHeight();
    const QRectF header(card.left(), card.top(), card.width(), lh + kPadding / 2);
    QColor headerColour = palette.color(QPalette::Highlight);
    headerColour.setAlpha(m_kind == QLatin1String("view") ? 40 : 70);
    painter->setPen(Qt::NoPen);
    painter->setBrush(headerColour);
    painter->drawRoundedRect(header, 6, 6);
    QFont bold = QApplication::font();
    bold.setBold(true);
    painter->setFont(bold);
    painter->setPen(palette.color(QPalette::Text));
    painter->drawText(header.adjusted(kPadding, 0, -kPadding, 0), Qt::AlignVCenter | Qt::AlignLeft, m_name);
    if (m_rls) {
        painter->setFont(QApplication::font());
        painter->drawText(header.adjusted(kPadding, 0, -kPadding, 0), Qt::AlignVCenter | Qt::AlignRight, QStringLiteral("RLS"));
    }

    const QFont normal = QApplication::font();
    const int shown = std::min<int>(m_columns.size(), kMaxColumnsShown);
    qreal y = header.bottom() + kPadding / 4;
    for (int i = 0; i < shown; ++i) {
        const ColumnLine &c = m_columns[i];
        const QRectF line(card.left() + kPadding, y, card.width() - 2 * kPadding, lh);
        if (!c.label.isEmpty()) {
            const QColor colour = SensitivityIndex::colorOf(c.label);
            painter->setPen(c.suggested ? QPen(colour, 1.5) : Qt::NoPen);
            painter->setBrush(c.suggested ? QBrush() : QBrush(colour));
            painter->drawEllipse(QRectF(line.left(), line.center().y() - kDot / 2, kDot, kDot));
        }
        QFont f = normal;
        f.setUnderline(c.primaryKey);
        painter->setFont(f);
        painter->setPen(palette.color(QPalette::Text));
        const QRectF text = line.adjusted(kDot + 4, 0, 0, 0);
        painter->drawText(text, Qt::AlignVCenter | Qt::AlignLeft, c.name);
        painter->setFont(normal);
        painter->setPen(palette.color(QPalette::PlaceholderText));
        painter->drawText(text, Qt::AlignVCenter | Qt::AlignRight, c.type);
        y += lh;
    }
    if (m_columns.size() > kMaxColumnsShown) {
        painter->setPen(palette.color(QPalette::PlaceholderText));
        painter->drawText(QRectF(card.left() + kPadding, y, card.width() - 2 * kPadding, lh), Qt::AlignVCenter,
                          QObject::tr("… %n more column(s)", nullptr, int(m_columns.size() - kMaxColumnsShown)));
    }
}

void TableCardItem::mousePressEvent(QGraphicsSceneMouseEvent *event)
{
    QGraphicsObject::mousePressEvent(event);
    event->accept(); // keep the moves coming: dragging the card onto a scope canvas starts here
    emit clicked(m_name);
}

void TableCardItem::mouseMoveEvent(QGraphicsSceneMouseEvent *event)
{
    if (!(event->buttons() & Qt::LeftButton)
        || (event->screenPos() - event->buttonDownScreenPos(Qt::LeftButton)).manhattanLength() < QApplication::startDragDistance()) {
        QGraphicsObject::mouseMoveEvent(event);
        return;
    }
    // The same payload the Explorer drags, so a scope canvas takes either.
    auto *mime = new QMimeData;
    mime->setData(QStringLiteral("application/x-writ-object"), m_name.toUtf8());
    mime->setText(m_name);
    auto *drag = new QDrag(event->widget());
    drag->setMimeData(mime);
    drag->exec(Qt::CopyAction);
}

} // namespace writ::ui
