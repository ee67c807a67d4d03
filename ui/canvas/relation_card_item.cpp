// SPDX-License-Identifier: Apache-2.0
#include "ui/canvas/relation_card_item.h"

#include "ui/canvas/canvas_colors.h"
#include "ui/catalog/sensitivity.h"

#include <QApplication>
#include <QFontMetricsF>
#include <QGraphicsScene>
#include <QGraphicsSceneMouseEvent>
#include <QPainter>
#include <QStyleOptionGraphicsItem>
#include <QTimer>

namespace writ::ui {

namespace {

constexpr qreal kPadding = 8;
constexpr qreal kHeader = 30;
constexpr qreal kChipHeight = 20;
constexpr qreal kChipGap = 4;
constexpr qreal kToggle = 20;
constexpr qreal kDot = 7;
constexpr qreal kHalo = 7; ///< how far the flash halo and the review outline reach outside the card
constexpr int kFlashTicks = 6; ///< three blinks
constexpr int kFlashTickMs = 220;
constexpr qreal kGhostOpacity = 0.4;
const QString kOperationLetters = QStringLiteral("SIUD");

QColor operationColor(QChar op)
{
    return op == QLatin1Char('S') ? canvas::readColor() : canvas::writeColor();
}

QString chipText(const RelationCardItem::Chip &chip)
{
    return chip.mask.isEmpty() ? chip.column : chip.column + QStringLiteral(" ⊘");
}

} // namespace

RelationCardItem::RelationCardItem(const Content &content) : m_flashTimer(new QTimer(this))
{
    setFlags(ItemIsSelectable | ItemIsMovable | ItemIsFocusable | ItemSendsGeometryChanges);
    setAcceptHoverEvents(true);
    m_flashTimer->setInterval(kFlashTickMs);
    connect(m_flashTimer, &QTimer::timeout, this, [this] {
        if (--m_flashTicks <= 0) {
            m_flashTimer->stop();
            m_flashColumn.clear();
        }
        update();
    });
    setContent(content);
}

void RelationCardItem::setContent(const Content &content)
{
    prepareGeometryChange();
    m_content = content;
    layout();
    updateToolTip();
    update();
}

void RelationCardItem::updateToolTip()
{
    QString tip = m_content.relation;
    if (m_ghost) {
        setToolTip(tip + tr(" — only the old version of the review has this relation in scope"));
        return;
    }
    if (!m_content.inCatalog)
        tip += tr(" — not in the connected catalog");
    if (m_mark)
        tip += tr(" — %1 by the review").arg(QString::fromLatin1(review::toString(*m_mark)));
    setToolTip(tip
        + tr("\nClick S I U D to allow or forbid an operation, a column to include or exclude it; right-click a column for "
             "masks; Delete removes the relation."));
}

void RelationCardItem::setReviewMarks(std::optional<review::ChangeKind> card, const QHash<QString, review::ChangeKind> &columns)
{
    m_mark = card;
    m_columnMarks = columns;
    updateToolTip();
    update();
}

std::optional<review::ChangeKind> RelationCardItem::columnMark(const QString &column) const
{
    const auto it = m_columnMarks.constFind(column);
    return it == m_columnMarks.cend() ? std::nullopt : std::optional(*it);
}

void RelationCardItem::setGhost(bool ghost)
{
    m_ghost = ghost;
    updateToolTip();
    update();
}

void RelationCardItem::flash(const QString &column)
{
    m_flashColumn = column;
    m_flashTicks = kFlashTicks;
    m_flashTimer->start();
    update();
}

bool RelationCardItem::isFlashing() const
{
    return m_flashTicks > 0;
}

void RelationCardItem::layout()
{
    const QFontMetricsF metrics(QApplication::font());
    m_chipRects.clear();
    qreal x = kPadding;
    qreal y = kHeader + kPadding;
    for (const Chip &chip : m_content.chips) {
        const qreal width = metrics.horizontalAdvance(chipText(chip)) + 16 + (chip.label.isEmpty() ? 0 : kDot + 4);
        if (x + width > kWidth - kPadding && x > kPadding) {
            x = kPadding;
            y += kChipHeight + kChipGap;
        }
        m_chipRects.insert(chip.column, QRectF(x, y, std::min(width, kWidth - 2 * kPadding), kChipHeight));
        x += width + kChipGap;
    }
    y += (m_content.chips.isEmpty() ? 0 : kChipHeight) + kPadding;
    const int filterLines
        = (m_content.rows.isEmpty() ? 0 : 1) + (m_content.check.isEmpty() ? 0 : 1) + (m_content.rowsText.isEmpty() ? 0 : 1);
    m_filterRect = QRectF(kPadding, y, kWidth - 2 * kPadding, filterLines * (metrics.height() + 2));
    y += m_filterRect.height() + (filterLines ? kPadding : 0);
    m_size = QSizeF(kWidth, y);
}

QRectF RelationCardItem::operationRect(QChar op) const
{
    const int index = kOperationLetters.indexOf(op);
    if (index < 0)
        return {};
    const qreal right = kWidth - kPadding;
    return QRectF(right - (4 - index) * (kToggle + 2), (kHeader - kToggle) / 2, kToggle, kToggle);
}

QRectF RelationCardItem::chipRect(const QString &column) const
{
    return m_chipRects.value(column);
}

QRectF RelationCardItem::boundingRect() const
{
    return QRectF(QPointF(0, 0), m_size).adjusted(-kHalo, -kHalo, kHalo, kHalo);
}

void RelationCardItem::paint(QPainter *painter, const QStyleOptionGraphicsItem *option, QWidget *)
{
    const QPalette &palette = option->palette;
    const QRectF card(QPointF(0, 0), m_size);
    painter->setRenderHint(QPainter::Antialiasing);
    // A ghost is faded as a whole; only its review outline (drawn last) stays at full strength.
    if (m_ghost)
        painter->setOpacity(kGhostOpacity);

    const bool selected = isSelected();
    painter->setPen(QPen(selected ? palette.color(QPalette::Highlight) : palette.color(QPalette::Mid), selected ? 2.5 : 1));
    painter->setBrush(palette.color(QPalette::Base));
    painter->drawRoundedRect(card, 6, 6);

    // Header: the name, then the operation toggles.
    const QRectF header(0, 0, kWidth, kHeader);
    painter->setPen(Qt::NoPen);
    painter->setBrush(palette.color(QPalette::AlternateBase));
    painter->drawRoundedRect(header.adjusted(1, 1, -1, 0), 5, 5);
    QFont bold = QApplication::font();
    bold.setBold(true);
    painter->setFont(bold);
    painter->setPen(m_content.inCatalog ? palette.color(QPalette::Text) : QColor(0xd6, 0x45, 0x45));
    const QRectF nameRect(kPadding, 0, operationRect(QLatin1Char('S')).left() - 2 * kPadding, kHeader);
    painter->drawText(nameRect, Qt::AlignVCenter | Qt::AlignLeft,
        QFontMetricsF(bold).elidedText(m_content.relation, Qt::ElideMiddle, nameRect.width()));
    for (QChar op : kOperationLetters) {
        const QRectF r = operationRect(op);
        const bool on = m_content.ops.contains(op);
        const QColor color = operationColor(op);
        painter->setPen(QPen(on ? color : palette.color(QPalette::Mid), 1));
        painter->setBrush(on ? color : Qt::transparent);
        painter->drawRoundedRect(r, 3, 3);
        painter->setPen(on ? QColor(Qt::white) : palette.color(QPalette::PlaceholderText));
        painter->drawText(r, Qt::AlignCenter, QString(op));
    }

    // Column chips.
    QFont normal = QApplication::font();
    painter->setFont(normal);
    for (const Chip &chip : m_content.chips) {
        const QRectF r = m_chipRects.value(chip.column);
        const QColor sensitive = chip.label.isEmpty() ? QColor() : SensitivityIndex::colorOf(chip.label);
        QColor border = palette.color(QPalette::Mid);
        QColor fill = Qt::transparent;
        QColor text = palette.color(QPalette::PlaceholderText);
        Qt::PenStyle style = Qt::DashLine;
        if (chip.included) {
            style = Qt::SolidLine;
            text = palette.color(QPalette::Text);
            border = chip.mask.isEmpty() ? (sensitive.isValid() ? sensitive : canvas::readColor()) : canvas::maskedColor();
            fill = border;
            fill.setAlpha(40);
        }
        painter->setPen(QPen(border, chip.included ? 1.2 : 1, style));
        painter->setBrush(fill);
        painter->drawRoundedRect(r, kChipHeight / 2, kChipHeight / 2);
        qreal textLeft = r.left() + 8;
        if (sensitive.isValid()) {
            const QRectF dot(textLeft, r.center().y() - kDot / 2, kDot, kDot);
            painter->setPen(QPen(sensitive, 1.5));
            painter->setBrush(chip.suggested ? QBrush(Qt::transparent) : QBrush(sensitive));
            painter->drawEllipse(dot);
            textLeft += kDot + 4;
        }
        QFont f = normal;
        f.setStrikeOut(!chip.included);
        painter->setFont(f);
        painter->setPen(text);
        painter->drawText(
            QRectF(textLeft, r.top(), r.right() - textLeft - 4, r.height()), Qt::AlignVCenter | Qt::AlignLeft, chipText(chip));
    }
    painter->setFont(normal);

    // Row filter, check and the row estimate.
    const qreal lineHeight = QFontMetricsF(normal).height() + 2;
    qreal y = m_filterRect.top();
    auto line = [&](const QString &label, const QString &value, const QColor &color) {
        const QRectF r(m_filterRect.left(), y, m_filterRect.width(), lineHeight);
        painter->setPen(color);
        painter->drawText(
            r, Qt::AlignVCenter | Qt::AlignLeft, QFontMetricsF(normal).elidedText(label + value, Qt::ElideRight, r.width()));
        y += lineHeight;
    };
    if (!m_content.rows.isEmpty())
        line(tr("rows: "), m_content.rows, palette.color(QPalette::Text));
    if (!m_content.check.isEmpty())
        line(tr("check: "), m_content.check, palette.color(QPalette::Text));
    if (!m_content.rowsText.isEmpty())
        line(QString(), m_content.rowsText, palette.color(QPalette::PlaceholderText));

    painter->setOpacity(1);
    paintReviewMarks(painter);
    if (isFlashing() && m_flashTicks % 2 == 0) {
        QColor halo = palette.color(QPalette::Highlight);
        halo.setAlpha(170);
        painter->setPen(QPen(halo, 5));
        painter->setBrush(Qt::NoBrush);
        painter->drawRoundedRect(card.adjusted(-4, -4, 4, 4), 9, 9);
        if (const QRectF chip = m_chipRects.value(m_flashColumn); !chip.isEmpty())
            painter->drawRoundedRect(chip.adjusted(-3, -3, 3, 3), kChipHeight / 2 + 3, kChipHeight / 2 + 3);
    }
}

void RelationCardItem::paintReviewMarks(QPainter *painter)
{
    painter->setBrush(Qt::NoBrush);
    if (m_mark) {
        painter->setPen(QPen(canvas::reviewMarkColor(*m_mark), 3));
        painter->drawRoundedRect(QRectF(QPointF(0, 0), m_size).adjusted(-2, -2, 2, 2), 7, 7);
    }
    for (auto it = m_columnMarks.cbegin(); it != m_columnMarks.cend(); ++it) {
        const QRectF chip = m_chipRects.value(it.key());
        if (chip.isEmpty())
            continue; // a column the drawing has no chip for (not in the catalog, not listed)
        painter->setPen(QPen(canvas::reviewMarkColor(it.value()), 2.2));
        painter->drawRoundedRect(chip.adjusted(-1.5, -1.5, 1.5, 1.5), kChipHeight / 2 + 1.5, kChipHeight / 2 + 1.5);
    }
}

void RelationCardItem::selectOnly()
{
    if (scene())
        scene()->clearSelection();
    setSelected(true);
}

void RelationCardItem::mousePressEvent(QGraphicsSceneMouseEvent *event)
{
    if (m_ghost) { // selectable and movable, but there is nothing in the policy to edit
        QGraphicsObject::mousePressEvent(event);
        return;
    }
    const QPointF at = event->pos();
    for (QChar op : kOperationLetters) {
        if (operationRect(op).contains(at) && event->button() == Qt::LeftButton) {
            selectOnly();
            emit operationClicked(m_content.relation, op);
            event->accept();
            return;
        }
    }
    for (auto it = m_chipRects.cbegin(); it != m_chipRects.cend(); ++it) {
        if (!it.value().contains(at))
            continue;
        selectOnly();
        if (event->button() == Qt::RightButton)
            emit maskMenuRequested(m_content.relation, it.key(), event->screenPos());
        else if (event->button() == Qt::LeftButton)
            emit columnClicked(m_content.relation, it.key());
        event->accept();
        return;
    }
    QGraphicsObject::mousePressEvent(event);
}

QVariant RelationCardItem::itemChange(GraphicsItemChange change, const QVariant &value)
{
    if (change == ItemPositionHasChanged && m_moved)
        m_moved();
    return QGraphicsObject::itemChange(change, value);
}

} // namespace writ::ui
