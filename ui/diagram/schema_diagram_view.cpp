// SPDX-License-Identifier: Apache-2.0
#include "ui/diagram/schema_diagram_view.h"

#include "ui/catalog/sensitivity.h"
#include "ui/diagram/schema_layout.h"
#include "ui/diagram/table_card_item.h"

#include "catalog/catalog.h"

#include <QApplication>
#include <QGraphicsPathItem>
#include <QGraphicsScene>
#include <QGraphicsSimpleTextItem>
#include <QPainterPath>
#include <QWheelEvent>

#include <algorithm>

namespace writ::ui {

namespace {

QVector<TableCardItem::ColumnLine> columnLines(const catalog::Relation &r, const SensitivityIndex &sensitivity, std::size_t index)
{
    QVector<TableCardItem::ColumnLine> lines;
    for (const catalog::Column &c : r.columns) {
        TableCardItem::ColumnLine line;
        line.name = QString::fromStdString(c.name);
        line.type = QString::fromStdString(c.type);
        if (auto label = sensitivity.label(index, c.name)) {
            line.label = label->label;
            line.suggested = label->suggested;
        }
        line.primaryKey = std::find(r.primaryKey.begin(), r.primaryKey.end(), c.name) != r.primaryKey.end();
        lines.push_back(line);
    }
    return lines;
}

} // namespace

SchemaDiagramView::SchemaDiagramView(QWidget *parent)
    : QGraphicsView(parent)
{
    setScene(new QGraphicsScene(this));
    setRenderHint(QPainter::Antialiasing);
    setDragMode(QGraphicsView::ScrollHandDrag);
    setTransformationAnchor(QGraphicsView::AnchorUnderMouse);
    setBackgroundBrush(QApplication::palette().color(QPalette::AlternateBase));
    showMessage(tr("Connect to a database (Ctrl+Shift+C) to see its schema."));
}

SchemaDiagramView::~SchemaDiagramView() = default;

void SchemaDiagramView::setCatalog(std::shared_ptr<const catalog::Catalog> catalog, const policy::Policy *policy)
{
    m_catalog = std::move(catalog);
    m_sensitivity = std::make_unique<SensitivityIndex>(m_catalog, policy);
    m_focus.clear();
    relayout();
}

void SchemaDiagramView::setFocusRelation(const QString &relation, int depth)
{
    // An unknown name would leave an empty diagram: show the whole schema instead.
    m_focus = m_catalog && !relation.isEmpty() && exists(relation) ? relation : QString();
    m_depth = std::max(1, depth);
    relayout();
}

void SchemaDiagramView::showMessage(const QString &text)
{
    scene()->clear();
    m_cards.clear();
    m_edges = 0;
    auto *item = scene()->addSimpleText(text);
    item->setBrush(QApplication::palette().color(QPalette::PlaceholderText));
    scene()->setSceneRect(item->boundingRect().adjusted(-40, -40, 40, 40));
}

void SchemaDiagramView::relayout()
{
    m_error.clear();
    if (!m_catalog) {
        showMessage(tr("Connect to a database (Ctrl+Shift+C) to see its schema."));
        return;
    }
    std::set<std::string> relations = diagramRelations(*m_catalog, m_focus.toStdString(), m_depth);
    if (m_focus.isEmpty() && int(relations.size()) > kMaxWholeDiagram) {
        // A wall of thousands of boxes helps nobody: start from the first relation's neighbourhood.
        m_focus = QString::fromStdString(*relations.begin());
        relations = diagramRelations(*m_catalog, m_focus.toStdString(), m_depth);
    }
    if (relations.empty()) {
        showMessage(tr("This database has no tables or views."));
        return;
    }

    QHash<QString, QVector<TableCardItem::ColumnLine>> lines;
    QHash<QString, const catalog::Relation *> byName;
    for (std::size_t i = 0; i < m_catalog->relations.size(); ++i) {
        const catalog::Relation &r = m_catalog->relations[i];
        const QString name = QString::fromStdString(r.qualifiedName());
        if (!relations.count(r.qualifiedName()))
            continue;
        lines.insert(name, columnLines(r, *m_sensitivity, i));
        byName.insert(name, &r);
    }
    const SchemaLayout layout = layoutSchema(*m_catalog, relations,
                                             [&](const QString &name) { return TableCardItem::sizeFor(name, lines.value(name)); });
    if (!layout.error.isEmpty()) {
        m_error = layout.error;
        showMessage(layout.error);
        return;
    }

    scene()->clear();
    m_cards.clear();
    m_edges = 0;
    const QPalette palette = QApplication::palette();
    QColor edgeColour = palette.color(QPalette::Text);
    edgeColour.setAlpha(140);
    for (const LayoutEdge &edge : layout.edges) {
        if (edge.path.size() < 4)
            continue;
        QPainterPath path(edge.path[0]);
        for (int i = 1; i + 2 < edge.path.size(); i += 3)
            path.cubicTo(edge.path[i], edge.path[i + 1], edge.path[i + 2]);
        const QPointF end = path.currentPosition();
        const QPointF tip = edge.tip;
        path.lineTo(tip);
        auto *item = scene()->addPath(path, QPen(edgeColour, 1.3));
        item->setToolTip(tr("%1 (%2) → %3").arg(edge.from, edge.label, edge.to));
        item->setZValue(-1);
        // An arrow head pointing at the referenced relation.
        const QLineF direction(QLineF(end, tip).length() < 0.1 ? edge.path[edge.path.size() - 2] : end, tip);
        if (direction.length() > 0.1) {
            QLineF back = QLineF(tip, direction.p1()).unitVector();
            back.setLength(9);
            QLineF left = back, right = back;
            left.setAngle(back.angle() + 25);
            right.setAngle(back.angle() - 25);
            QPolygonF head {tip, left.p2(), right.p2()};
            scene()->addPolygon(head, QPen(edgeColour), QBrush(edgeColour))->setZValue(-1);
        }
        ++m_edges;
    }
    for (const LayoutNode &node : layout.nodes) {
        const catalog::Relation *r = byName.value(node.name);
        const QString kind = r && (r->kind == catalog::RelationKind::View || r->kind == catalog::RelationKind::MaterializedView)
            ? QStringLiteral("view")
            : QStringLiteral("table");
        auto *card = new TableCardItem(node.name, kind, lines.value(node.name), r && r->rlsEnabled);
        card->setSize(node.rect.size());
        card->setPos(node.rect.topLeft());
        scene()->addItem(card);
        connect(card, &TableCardItem::clicked, this, &SchemaDiagramView::relationClicked);
        m_cards.insert(node.name, card);
    }
    scene()->setSceneRect(layout.bounds.adjusted(-30, -30, 30, 30));
    zoomToFit();
    if (TableCardItem *focus = m_cards.value(m_focus))
        focus->setSelected(true);
}

void SchemaDiagramView::selectRelation(const QString &relation)
{
    TableCardItem *card = m_cards.value(relation);
    if (!card) {
        // Not drawn (a big schema shows one neighbourhood): move the focus there, if it exists.
        if (m_catalog && !relation.isEmpty() && relation != m_focus && exists(relation))
            setFocusRelation(relation, m_depth);
        return;
    }
    scene()->clearSelection();
    card->setSelected(true);
    centerOn(card);
}

bool SchemaDiagramView::exists(const QString &relation) const
{
    const qsizetype dot = relation.indexOf(QLatin1Char('.'));
    return dot > 0 && m_catalog->findRelation(relation.left(dot).toStdString(), relation.mid(dot + 1).toStdString());
}

int SchemaDiagramView::relationCount() const
{
    return int(m_cards.size());
}

int SchemaDiagramView::edgeCount() const
{
    return m_edges;
}

QStringList SchemaDiagramView::relationNames() const
{
    QStringList names = m_cards.keys();
    names.sort();
    return names;
}

QRectF SchemaDiagramView::relationRect(const QString &relation) const
{
    const TableCardItem *card = m_cards.value(relation);
    return card ? card->sceneBoundingRect() : QRectF();
}

void SchemaDiagramView::zoomIn()
{
    scale(1.25, 1.25);
}

void SchemaDiagramView::zoomOut()
{
    scale(0.8, 0.8);
}

void SchemaDiagramView::zoomToFit()
{
    fitInView(scene()->sceneRect(), Qt::KeepAspectRatio);
    // Never blow a small diagram up past its natural size.
    if (transform().m11() > 1.0)
        setTransform(QTransform());
}

void SchemaDiagramView::wheelEvent(QWheelEvent *event)
{
    if (event->modifiers() & Qt::ControlModifier) {
        event->angleDelta().y() > 0 ? zoomIn() : zoomOut();
        event->accept();
        return;
    }
    QGraphicsView::wheelEvent(event);
}

} // namespace writ::ui
