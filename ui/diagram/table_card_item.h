// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QGraphicsObject>
#include <QStringList>
#include <QVector>

namespace writ::ui {

/// One relation on the schema diagram: a header with its name, then its columns (sensitive ones
/// with a coloured dot, primary-key columns underlined), cut off after a dozen. Dragging a card
/// carries its relation to a scope canvas.
class TableCardItem : public QGraphicsObject
{
    Q_OBJECT

public:
    struct ColumnLine
    {
        QString name;
        QString type;
        QString label; ///< sensitivity label, empty when none
        bool suggested = false;
        bool primaryKey = false;
    };

    static constexpr int kMaxColumnsShown = 12;

    TableCardItem(QString name, QString kind, QVector<ColumnLine> columns, bool rls);

    /// The size the card needs; Graphviz is told this size.
    static QSizeF sizeFor(const QString &name, const QVector<ColumnLine> &columns);

    QString name() const { return m_name; }
    void setSize(const QSizeF &size) { prepareGeometryChange(); m_size = size; }
    QRectF boundingRect() const override;
    void paint(QPainter *painter, const QStyleOptionGraphicsItem *option, QWidget *widget) override;

signals:
    void clicked(const QString &name);

protected:
    void mousePressEvent(QGraphicsSceneMouseEvent *event) override;
    void mouseMoveEvent(QGraphicsSceneMouseEvent *event) override;

private:
    QString m_name;
    QString m_kind;
    QVector<ColumnLine> m_columns;
    bool m_rls;
    QSizeF m_size;
};

} // namespace writ::ui
