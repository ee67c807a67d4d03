// SPDX-License-Identifier: Apache-2.0
#pragma once

// Lays out relations and their foreign keys with Graphviz (dot). Plain values in and out: the
// Graphviz headers stay inside schema_layout.cpp.

#include <QPointF>
#include <QRectF>
#include <QSizeF>
#include <QString>
#include <QStringList>
#include <QVector>

#include <functional>
#include <set>
#include <string>

namespace writ::catalog {
struct Catalog;
}

namespace writ::ui {

struct LayoutNode
{
    QString name; ///< "public.customers"
    QRectF rect;  ///< scene coordinates, y down
};

struct LayoutEdge
{
    QString from; ///< the referencing relation
    QString to;   ///< the referenced relation
    QString label; ///< the foreign key's columns
    QVector<QPointF> path; ///< cubic Bézier control points as Graphviz gives them (1 + 3n points)
    QPointF tip;           ///< where the arrow head points (the referenced relation's border)
};

struct SchemaLayout
{
    QVector<LayoutNode> nodes;
    QVector<LayoutEdge> edges;
    QRectF bounds;
    QString error; ///< empty on success
};

/// A neighbourhood larger than this is cut (nearest first): a hub table referenced by thousands
/// would otherwise make a diagram nobody can read, and a layout that blocks the window for seconds.
inline constexpr std::size_t kMaxNeighbourhood = 60;

/// Which relations to draw: all (tables, views, partitioned and foreign tables; no sequences),
/// or the neighbourhood of `focus` up to `depth` foreign-key hops (both directions), at most kMaxNeighbourhood.
std::set<std::string> diagramRelations(const catalog::Catalog &catalog, const std::string &focus = {}, int depth = 1);

/// Runs dot over `relations` with each node sized by `nodeSize(name)` (in points = scene units).
SchemaLayout layoutSchema(const catalog::Catalog &catalog, const std::set<std::string> &relations,
                          const std::function<QSizeF(const QString &)> &nodeSize);

} // namespace writ::ui
