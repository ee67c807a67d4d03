// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QGraphicsObject>
#include <QHash>
#include <QRectF>
#include <QString>
#include <QVector>

#include <functional>

namespace writ::ui {

/// One relation in a task's scope on the scope canvas: a header with the relation's name and the
/// operation toggles S I U D, then a chip per column (included, excluded or masked; sensitive
/// ones in their label's colour), then the row filter and check. Clicks are reported, never
/// applied here: the canvas turns them into one policy edit each.
class RelationCardItem : public QGraphicsObject
{
    Q_OBJECT

public:
    struct Chip
    {
        QString column;
        bool included = false;
        QString mask; ///< "email", "partial(0,4)", ... empty when not masked
        QString label; ///< sensitivity label, empty when none
        bool suggested = false;
    };
    struct Content
    {
        QString relation; ///< "public.customers"
        QString ops; ///< the allowed operations' letters, e.g. "SU"
        QVector<Chip> chips; ///< in table order
        QString rows; ///< row filter, empty when none
        QString check;
        QString rowsText; ///< "≈1,000 rows" or empty
        bool inCatalog = true;
    };

    static constexpr qreal kWidth = 300;

    explicit RelationCardItem(const Content &content);

    void setContent(const Content &content);
    const Content &content() const { return m_content; }
    QString relation() const { return m_content.relation; }

    /// Where the toggle of operation letter `op` ('S', 'I', 'U', 'D') is, in item coordinates.
    QRectF operationRect(QChar op) const;
    /// Where a column's chip is, in item coordinates (empty when the column has none).
    QRectF chipRect(const QString &column) const;

    /// Called after the card moved, so the canvas redraws its edges.
    void setMovedCallback(std::function<void()> callback) { m_moved = std::move(callback); }

    QRectF boundingRect() const override;
    void paint(QPainter *painter, const QStyleOptionGraphicsItem *option, QWidget *widget) override;

signals:
    void operationClicked(const QString &relation, QChar op);
    void columnClicked(const QString &relation, const QString &column);
    void maskMenuRequested(const QString &relation, const QString &column, const QPoint &screenPos);

protected:
    void mousePressEvent(QGraphicsSceneMouseEvent *event) override;
    QVariant itemChange(GraphicsItemChange change, const QVariant &value) override;

private:
    void layout();
    void selectOnly();

    Content m_content;
    QSizeF m_size;
    QHash<QString, QRectF> m_chipRects;
    QRectF m_filterRect;
    std::function<void()> m_moved;
};

} // namespace writ::ui
