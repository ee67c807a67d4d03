// SPDX-License-Identifier: Apache-2.0
#include "ui/diagram/schema_layout.h"

#include "catalog/catalog.h"

#include <graphviz/cgraph.h>
#include <graphviz/gvc.h>

#include <QMutex>
#include <QObject>

#include <map>
#include <memory>

namespace writ::ui {

namespace {

// The Graphviz C API takes non-const char* everywhere.
char *cs(const char *s)
{
    return const_cast<char *>(s);
}

std::string fkLabel(const catalog::ForeignKey &fk)
{
    std::string s;
    for (const auto &c : fk.columns)
        s += (s.empty() ? "" : ", ") + c;
    return s;
}

bool drawable(const catalog::Relation &r)
{
    return r.kind != catalog::RelationKind::Sequence;
}

} // namespace

std::set<std::string> diagramRelations(const catalog::Catalog &catalog, const std::string &focus, int depth)
{
    std::set<std::string> out;
    if (focus.empty()) {
        for (const catalog::Relation &r : catalog.relations) {
            if (drawable(r))
                out.insert(r.qualifiedName());
        }
        return out;
    }
    // Neighbours in both directions: who the relation references and who references it.
    std::map<std::string, std::set<std::string>> neighbours;
    for (const catalog::Relation &r : catalog.relations) {
        for (const catalog::ForeignKey &fk : r.foreignKeys) {
            const std::string target = fk.refSchema + "." + fk.refRelation;
            neighbours[r.qualifiedName()].insert(target);
            neighbours[target].insert(r.qualifiedName());
        }
    }
    std::set<std::string> frontier {focus};
    out.insert(focus);
    for (int hop = 0; hop < depth; ++hop) {
        std::set<std::string> next;
        for (const std::string &name : frontier) {
            for (const std::string &n : neighbours[name]) {
                if (out.size() >= kMaxNeighbourhood)
                    return out;
                if (out.insert(n).second)
                    next.insert(n);
            }
        }
        frontier = std::move(next);
    }
    return out;
}

SchemaLayout layoutSchema(const catalog::Catalog &catalog, const std::set<std::string> &relations,
                          const std::function<QSizeF(const QString &)> &nodeSize)
{
    // Graphviz keeps global state: one layout at a time.
    static QMutex graphvizLock;
    QMutexLocker locker(&graphvizLock);

    SchemaLayout layout;
    std::unique_ptr<GVC_t, decltype(&gvFreeContext)> gvc(gvContext(), &gvFreeContext);
    Agraph_t *graph = agopen(cs("schema"), Agdirected, nullptr);
    agsafeset(graph, cs("rankdir"), cs("LR"), cs(""));
    agsafeset(graph, cs("nodesep"), cs("0.5"), cs(""));
    agsafeset(graph, cs("ranksep"), cs("1.1"), cs(""));
    agsafeset(graph, cs("splines"), cs("spline"), cs(""));

    std::map<std::string, Agnode_t *> nodes;
    for (const std::string &name : relations) {
        const auto dot = name.find('.');
        const catalog::Relation *r = catalog.findRelation(name.substr(0, dot), name.substr(dot + 1));
        if (!r || !drawable(*r))
            continue;
        Agnode_t *node = agnode(graph, cs(name.c_str()), 1);
        const QSizeF size = nodeSize(QString::fromStdString(name));
        // Graphviz sizes nodes in inches (72 points each).
        agsafeset(node, cs("shape"), cs("box"), cs(""));
        agsafeset(node, cs("fixedsize"), cs("true"), cs(""));
        agsafeset(node, cs("width"), cs(std::to_string(size.width() / 72.0).c_str()), cs(""));
        agsafeset(node, cs("height"), cs(std::to_string(size.height() / 72.0).c_str()), cs(""));
        agsafeset(node, cs("label"), cs(""), cs(""));
        nodes[name] = node;
    }
    struct PendingEdge
    {
        Agedge_t *edge;
        LayoutEdge value;
    };
    std::vector<PendingEdge> pending;
    int edgeNumber = 0;
    for (const auto &[name, node] : nodes) {
        const auto dot = name.find('.');
        const catalog::Relation *r = catalog.findRelation(name.substr(0, dot), name.substr(dot + 1));
        for (const catalog::ForeignKey &fk : r->foreignKeys) {
            auto target = nodes.find(fk.refSchema + "." + fk.refRelation);
            if (target == nodes.end())
                continue;
            const std::string key = "fk" + std::to_string(edgeNumber++);
            Agedge_t *edge = agedge(graph, node, target->second, cs(key.c_str()), 1);
            pending.push_back({edge, {QString::fromStdString(name), QString::fromStdString(target->first),
                                      QString::fromStdString(fkLabel(fk)), {}}});
        }
    }

    if (gvLayout(gvc.get(), graph, "dot") != 0) {
        layout.error = QObject::tr("Graphviz could not lay out the diagram.");
        agclose(graph);
        return layout;
    }
    // Graphviz's y axis points up; the scene's points down.
    const boxf bb = GD_bb(graph);
    auto flip = [&](pointf p) { return QPointF(p.x, bb.UR.y - p.y); };
    layout.bounds = QRectF(0, 0, bb.UR.x - bb.LL.x, bb.UR.y - bb.LL.y);
    for (const auto &[name, node] : nodes) {
        const QPointF centre = flip(ND_coord(node));
        const double w = ND_width(node) * 72.0;
        const double h = ND_height(node) * 72.0;
        layout.nodes.push_back({QString::fromStdString(name), QRectF(centre.x() - w / 2, centre.y() - h / 2, w, h)});
    }
    for (PendingEdge &e : pending) {
        const splines *spl = ED_spl(e.edge);
        if (spl && spl->size > 0) {
            const bezier &b = spl->list[0];
            for (int i = 0; i < b.size; ++i)
                e.value.path.push_back(flip(b.list[i]));
            e.value.tip = b.eflag ? flip(b.ep) : e.value.path.last();
        }
        layout.edges.push_back(std::move(e.value));
    }
    gvFreeLayout(gvc.get(), graph);
    agclose(graph);
    return layout;
}

} // namespace writ::ui
