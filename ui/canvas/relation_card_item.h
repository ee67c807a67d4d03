// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "review/policy_diff.h"

#include <QGraphicsObject>
#include <QHash>
#include <QRectF>
#include <QString>
#include <QVector>

#include <functional>
#include <optional>

class QTimer;

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

    /// What a review does to this relation (an outline in its colour) and to its columns (chip outlines).
    void setReviewMarks(std::optional<review::ChangeKind> card, const QHash<QString, review::ChangeKind> &columns);
    std::optional<review::ChangeKind> reviewMark() const { return m_mark; }
    std::optional<review::ChangeKind> columnMark(const QString &column) const;

    /// A ghost shows a relation only the old version of a review has: faded, reporting no clicks, so
    /// nothing on it can be edited.
    void setGhost(bool ghost);
    bool isGhost() const { return m_ghost; }

    /// Blinks a halo around the card (and around `column`'s chip, when given) for a moment, so the eye
    /// finds what another view pointed at.
    void flash(const QString &column = {});
    bool isFlashing() const;
    QString flashedColumn() const { return m_flashColumn; }

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
    void updateToolTip();
    void paintReviewMarks(QPainter *painter);

    Content m_content;
    QSizeF m_size;
    QHash<QString, QRectF> m_chipRects;
    QRectF m_filterRect;
    std::function<void()> m_moved;
    std::optional<review::ChangeKind> m_mark;
    QHash<QString, review::ChangeKind> m_columnMarks;
    bool m_ghost = false;
    QTimer *m_flashTimer = nullptr;
    int m_flashTicks = 0; ///< halves of a blink still to show; the halo shows on odd ones
    QString m_flashColumn;
};

} // namespace writ::ui
