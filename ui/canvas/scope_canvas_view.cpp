// SPDX-License-Identifier: Apache-2.0
#include "ui/canvas/scope_canvas_view.h"

#include "ui/canvas/canvas_colors.h"
#include "ui/canvas/card_layout.h"
#include "ui/canvas/relation_card_item.h"
#include "ui/canvas/task_node_item.h"
#include "ui/catalog/sensitivity.h"
#include "ui/commands/scope_edits.h"
#include "ui/document/policy_document.h"

#include "catalog/catalog.h"

#include <QDragEnterEvent>
#include <QDropEvent>
#include <QGraphicsPathItem>
#include <QGraphicsScene>
#include <QGraphicsSimpleTextItem>
#include <QKeyEvent>
#include <QLocale>
#include <QMenu>
#include <QMimeData>
#include <QTimer>
#include <QWheelEvent>

#include <cmath>
#include <numbers>

namespace writ::ui {

namespace {

const char *const kObjectMime = "application/x-writ-object";

std::optional<policy::Operation> operationOf(QChar letter)
{
    switch (letter.toLatin1()) {
    case 'S':
        return policy::Operation::Select;
    case 'I':
        return policy::Operation::Insert;
    case 'U':
        return policy::Operation::Update;
    case 'D':
        return policy::Operation::Delete;
    default:
        return std::nullopt;
    }
}

QString operationLetters(const std::set<policy::Operation> &ops)
{
    QString letters;
    for (auto [op, letter] : {std::pair {policy::Operation::Select, 'S'}, {policy::Operation::Insert, 'I'},
             {policy::Operation::Update, 'U'}, {policy::Operation::Delete, 'D'}}) {
        if (ops.count(op))
            letters += QLatin1Char(letter);
    }
    return letters;
}

std::optional<policy::QualifiedName> qualified(const QString &relation)
{
    return policy::parseQualifiedName(relation.toStdString());
}

/// Where the line from the centre of `rect` towards `target` leaves the rectangle.
QPointF borderPoint(const QRectF &rect, const QPointF &target)
{
    const QPointF c = rect.center();
    const qreal dx = target.x() - c.x();
    const qreal dy = target.y() - c.y();
    if (std::abs(dx) < 1e-6 && std::abs(dy) < 1e-6)
        return c;
    const qreal tx = std::abs(dx) < 1e-6 ? 1e9 : (rect.width() / 2) / std::abs(dx);
    const qreal ty = std::abs(dy) < 1e-6 ? 1e9 : (rect.height() / 2) / std::abs(dy);
    const qreal t = std::min({tx, ty, qreal(1)});
    return c + QPointF(dx * t, dy * t);
}

QPen edgePen(ScopeCanvasView::EdgeKind kind)
{
    switch (kind) {
    case ScopeCanvasView::EdgeKind::Read:
        return QPen(canvas::readColor(), 2);
    case ScopeCanvasView::EdgeKind::Write:
        return QPen(canvas::writeColor(), 2);
    case ScopeCanvasView::EdgeKind::Masked:
        return QPen(canvas::maskedColor(), 2, Qt::DashLine);
    case ScopeCanvasView::EdgeKind::ForeignKey:
        return QPen(canvas::foreignKeyColor(), 1, Qt::DotLine);
    }
    return {};
}

} // namespace

ScopeCanvasView::ScopeCanvasView(PolicyDocument *document, QString agent, QString task, QWidget *parent)
    : QGraphicsView(parent)
    , m_document(document)
    , m_agent(std::move(agent))
    , m_task(std::move(task))
{
    setScene(new QGraphicsScene(this));
    setRenderHint(QPainter::Antialiasing);
    setDragMode(QGraphicsView::RubberBandDrag);
    setAcceptDrops(true);
    setFocusPolicy(Qt::StrongFocus);
    setTransformationAnchor(QGraphicsView::AnchorUnderMouse);
    connect(scene(), &QGraphicsScene::selectionChanged, this, [this] { emit relationSelected(selectedRelation()); });
    connect(m_document, &PolicyDocument::diagnosticsChanged, this, &ScopeCanvasView::sync);
    m_positions = canvas::loadCardLayout(m_document->filePath(), m_agent, m_task);
    m_layoutSave = new QTimer(this);
    m_layoutSave->setSingleShot(true);
    m_layoutSave->setInterval(400);
    connect(m_layoutSave, &QTimer::timeout, this, &ScopeCanvasView::saveLayout);
    sync();
}

ScopeCanvasView::~ScopeCanvasView()
{
    if (m_layoutSave->isActive())
        saveLayout();
}

void ScopeCanvasView::setPlannerRows(const QHash<QString, double> &rows)
{
    if (rows == m_plannerRows)
        return;
    m_plannerRows = rows;
    sync();
}

void ScopeCanvasView::saveLayout()
{
    m_layoutSave->stop();
    canvas::saveCardLayout(m_layoutPath, m_agent, m_task, m_positions);
}

void ScopeCanvasView::setCatalog(std::shared_ptr<const catalog::Catalog> catalog)
{
    m_catalog = std::move(catalog);
    sync();
}

bool ScopeCanvasView::hasTask() const
{
    return m_document->policy().findTask(m_agent.toStdString(), m_task.toStdString()) != nullptr;
}

QStringList ScopeCanvasView::relations() const
{
    QStringList names;
    if (const policy::TaskType *task = m_document->policy().findTask(m_agent.toStdString(), m_task.toStdString())) {
        for (const policy::Scope &s : task->access)
            names << QString::fromStdString(s.relation.toString());
    }
    return names;
}

RelationCardItem *ScopeCanvasView::card(const QString &relation) const
{
    if (RelationCardItem *c = m_cards.value(relation))
        return c;
    return m_ghosts.value(relation);
}

int ScopeCanvasView::edgeCount(EdgeKind kind) const
{
    return int(std::count_if(m_edges.begin(), m_edges.end(), [kind](const Edge &e) { return e.kind == kind; }));
}

QString ScopeCanvasView::selectedRelation() const
{
    for (QGraphicsItem *item : scene()->selectedItems()) {
        if (auto *c = dynamic_cast<RelationCardItem *>(item))
            return c->relation();
    }
    return {};
}

void ScopeCanvasView::selectRelation(const QString &relation)
{
    scene()->clearSelection();
    if (RelationCardItem *c = card(relation)) {
        c->setSelected(true);
        centerOn(c);
    }
}

const catalog::Relation *ScopeCanvasView::catalogRelation(const QString &relation) const
{
    const auto name = qualified(relation);
    return m_catalog && name ? m_catalog->findRelation(name->schema, name->name) : nullptr;
}

std::vector<std::string> ScopeCanvasView::catalogColumns(const QString &relation) const
{
    std::vector<std::string> columns;
    if (const catalog::Relation *rel = catalogRelation(relation)) {
        for (const catalog::Column &c : rel->columns)
            columns.push_back(c.name);
    }
    return columns;
}

// ---------------------------------------------------------------------------------------------
// Following the document

QPointF ScopeCanvasView::slotPosition(int slot) const
{
    // Left and right of the node first (where wide cards fit), then above and below, then a wider ring.
    static const qreal angles[] = {180, 0, 225, 315, 135, 45, 270, 90};
    const int ring = slot / 8;
    const qreal angle = angles[slot % 8] * std::numbers::pi / 180 + ring * 0.35;
    const qreal rx = 430 + ring * 360;
    const qreal ry = 270 + ring * 240;
    return QPointF(rx * std::cos(angle) - RelationCardItem::kWidth / 2, ry * std::sin(angle) - 80);
}

void ScopeCanvasView::sync()
{
    const policy::Policy &policy = m_document->policy();
    const policy::TaskType *task = policy.findTask(m_agent.toStdString(), m_task.toStdString());

    TaskNodeItem::Content node;
    node.agent = m_agent;
    node.task = m_task;
    if (task) {
        node.ttl = tr("%1 (max %2)")
                       .arg(QString::fromStdString(policy::formatDuration(policy::effectiveTtl(policy, *task))),
                           QString::fromStdString(policy::formatDuration(policy::effectiveMaxTtl(policy, *task))));
        for (const auto &k : task->contextKeys)
            node.context << QString::fromStdString(k);
        node.approval = task->approval == policy::Approval::Required;
    } else {
        node.ttl = tr("— not in the policy");
    }
    if (!m_node) {
        m_node = new TaskNodeItem(node);
        scene()->addItem(m_node);
    } else {
        m_node->setContent(node);
    }

    SensitivityIndex sensitivity(m_catalog, &policy);
    QHash<QString, RelationCardItem *> remaining = m_cards;
    for (const policy::Scope &scope : task ? task->access : std::vector<policy::Scope> {}) {
        const QString name = QString::fromStdString(scope.relation.toString());
        const RelationCardItem::Content content = cardContent(scope, sensitivity);
        if (RelationCardItem *item = remaining.take(name)) {
            item->setContent(content);
            continue;
        }
        if (RelationCardItem *ghost = m_ghosts.take(name)) { // back in scope: a real card takes the ghost's place
            scene()->removeItem(ghost);
            ghost->deleteLater();
        }
        RelationCardItem *item = placeCard(content);
        connect(item, &RelationCardItem::operationClicked, this, [this](const QString &r, QChar op) { toggleOperation(r, op); });
        connect(item, &RelationCardItem::columnClicked, this, [this](const QString &r, const QString &c) { toggleColumn(r, c); });
        connect(item, &RelationCardItem::maskMenuRequested, this, [this](const QString &r, const QString &c, const QPoint &at) {
            QMenu *menu = maskMenu(r, c);
            menu->exec(at);
            menu->deleteLater();
        });
        m_cards.insert(name, item);
    }
    for (RelationCardItem *gone : std::as_const(remaining)) {
        m_cards.remove(gone->relation());
        m_positions.remove(gone->relation());
        scene()->removeItem(gone);
        gone->deleteLater();
    }
    syncGhosts();
    m_node->setReviewMark(m_marks.task);
    for (auto it = m_cards.cbegin(); it != m_cards.cend(); ++it)
        it.value()->setReviewMarks(m_marks.relation(it.key()), m_marks.columns.value(it.key()));
    // An empty scope teaches how to fill it.
    if (!m_emptyHint) {
        m_emptyHint = scene()->addSimpleText(tr("Drop relations here from the Explorer or the Schema diagram"));
        m_emptyHint->setBrush(palette().color(QPalette::PlaceholderText));
    }
    m_emptyHint->setVisible(task && m_cards.isEmpty());
    m_emptyHint->setPos(-m_emptyHint->boundingRect().width() / 2, m_node->boundingRect().bottom() + 24);
    rebuildEdges();
    scene()->setSceneRect(scene()->itemsBoundingRect().adjusted(-80, -80, 80, 80));
    if (!m_fitted && isVisible()) {
        zoomToFit();
        m_fitted = true;
    }
}

RelationCardItem::Content ScopeCanvasView::cardContent(const policy::Scope &scope, const SensitivityIndex &sensitivity) const
{
    const policy::Policy &policy = m_document->policy();
    const QString name = QString::fromStdString(scope.relation.toString());
    RelationCardItem::Content content;
    content.relation = name;
    content.ops = operationLetters(scope.ops);
    content.rows = QString::fromStdString(scope.rows.value_or(std::string()));
    content.check = QString::fromStdString(scope.check.value_or(std::string()));
    const catalog::Relation *rel = catalogRelation(name);
    content.inCatalog = rel || !m_catalog;
    auto included = [&](const std::string &c) {
        return !scope.columns || std::find(scope.columns->begin(), scope.columns->end(), c) != scope.columns->end();
    };
    auto chipFor = [&](const std::string &column) {
        RelationCardItem::Chip chip;
        chip.column = QString::fromStdString(column);
        chip.included = included(column);
        if (auto m = scope.masks.find(column); m != scope.masks.end())
            chip.mask = QString::fromStdString(policy::formatMask(m->second));
        if (rel) {
            if (auto label = sensitivity.label(std::size_t(rel - m_catalog->relations.data()), column)) {
                chip.label = label->label;
                chip.suggested = label->suggested;
            }
        } else if (auto c = policy.classify.find(policy::ColumnRef {scope.relation, column}); c != policy.classify.end()) {
            chip.label = QString::fromStdString(c->second);
        }
        return chip;
    };
    if (rel) {
        for (const catalog::Column &c : rel->columns)
            content.chips << chipFor(c.name);
    }
    for (const std::string &c : scope.columns.value_or(std::vector<std::string> {})) {
        if (!rel || !rel->findColumn(c))
            content.chips << chipFor(c);
    }
    if (const auto planned = m_plannerRows.constFind(content.relation); planned != m_plannerRows.constEnd())
        content.rowsText = tr("≈%1 rows one task reaches (planner)").arg(QLocale().toString(qint64(std::llround(*planned))));
    else if (rel && rel->reltuples >= 0)
        content.rowsText = scope.rows ? tr("≈%1 rows before the row filter").arg(QLocale().toString(qint64(rel->reltuples)))
                                      : tr("≈%1 rows, all reachable").arg(QLocale().toString(qint64(rel->reltuples)));
    return content;
}

RelationCardItem *ScopeCanvasView::placeCard(const RelationCardItem::Content &content)
{
    const QString name = content.relation;
    auto *item = new RelationCardItem(content);
    scene()->addItem(item);
    if (!m_positions.contains(name)) {
        // The first free slot: one no other card of this canvas occupies.
        int free = 0;
        const QList<QPointF> taken = m_positions.values();
        while (taken.contains(slotPosition(free)))
            ++free;
        m_positions.insert(name, slotPosition(free));
    }
    item->setPos(m_positions.value(name));
    item->setMovedCallback([this, item] {
        m_positions.insert(item->relation(), item->pos());
        updateEdges();
        m_layoutPath = m_document->filePath(); // read now: the document may be gone when the view is
        m_layoutSave->start();
    });
    return item;
}

void ScopeCanvasView::syncGhosts()
{
    // A removed scope is drawn from the old version, unless the policy has the relation in scope again.
    QHash<QString, RelationCardItem *> remaining = m_ghosts;
    SensitivityIndex sensitivity(m_catalog, &m_document->policy());
    for (const policy::Scope &scope : m_marks.removedScopes) {
        const QString name = QString::fromStdString(scope.relation.toString());
        if (m_cards.contains(name))
            continue;
        RelationCardItem::Content content = cardContent(scope, sensitivity);
        if (RelationCardItem *ghost = remaining.take(name)) {
            ghost->setContent(content);
        } else {
            ghost = placeCard(content);
            ghost->setGhost(true);
            m_ghosts.insert(name, ghost);
        }
        m_ghosts.value(name)->setReviewMarks(review::ChangeKind::Removed, {});
    }
    for (RelationCardItem *gone : std::as_const(remaining)) {
        m_ghosts.remove(gone->relation());
        m_positions.remove(gone->relation());
        scene()->removeItem(gone);
        gone->deleteLater();
    }
}

void ScopeCanvasView::setReviewMarks(const ReviewMarks &marks)
{
    m_marks = marks;
    sync();
    if (m_fitted && !m_ghosts.isEmpty())
        zoomToFit(); // a ghost may sit where the view does not reach yet
}

void ScopeCanvasView::clearReviewMarks()
{
    setReviewMarks({});
}

bool ScopeCanvasView::flashRelation(const QString &relation, const QString &column)
{
    RelationCardItem *c = card(relation);
    if (!c)
        return false;
    selectRelation(relation);
    c->flash(column);
    return true;
}

void ScopeCanvasView::rebuildEdges()
{
    for (const Edge &e : m_edges) {
        scene()->removeItem(e.item);
        delete e.item;
    }
    m_edges.clear();
    const policy::TaskType *task = m_document->policy().findTask(m_agent.toStdString(), m_task.toStdString());
    if (!task)
        return;
    auto add = [this](QGraphicsItem *from, QGraphicsItem *to, EdgeKind kind, qreal offset) {
        auto *item = new QGraphicsPathItem;
        item->setPen(edgePen(kind));
        item->setZValue(kind == EdgeKind::ForeignKey ? -2 : -1);
        scene()->addItem(item);
        m_edges.push_back({item, from, to, kind, offset});
    };
    for (const policy::Scope &scope : task->access) {
        RelationCardItem *c = card(QString::fromStdString(scope.relation.toString()));
        if (!c)
            continue;
        std::vector<EdgeKind> kinds;
        if (scope.ops.count(policy::Operation::Select))
            kinds.push_back(EdgeKind::Read);
        if (scope.ops.count(policy::Operation::Insert) || scope.ops.count(policy::Operation::Update)
            || scope.ops.count(policy::Operation::Delete))
            kinds.push_back(EdgeKind::Write);
        if (!scope.masks.empty())
            kinds.push_back(EdgeKind::Masked);
        for (std::size_t i = 0; i < kinds.size(); ++i)
            add(m_node, c, kinds[i], (qreal(i) - qreal(kinds.size() - 1) / 2) * 7);
    }
    // Foreign keys between the cards: how the data joins.
    for (auto it = m_cards.cbegin(); it != m_cards.cend(); ++it) {
        const catalog::Relation *rel = catalogRelation(it.key());
        if (!rel)
            continue;
        for (const catalog::ForeignKey &fk : rel->foreignKeys) {
            RelationCardItem *target = card(QString::fromStdString(fk.refSchema + "." + fk.refRelation));
            if (target && target != it.value())
                add(it.value(), target, EdgeKind::ForeignKey, 0);
        }
    }
    updateEdges();
}

void ScopeCanvasView::updateEdges()
{
    for (const Edge &e : m_edges) {
        const QRectF a = e.from->sceneBoundingRect();
        const QRectF b = e.to->sceneBoundingRect();
        QPointF start = borderPoint(a, b.center());
        QPointF end = borderPoint(b, a.center());
        const QLineF line(start, end);
        if (e.offset != 0 && line.length() > 0) {
            const QPointF normal = QPointF(-line.dy(), line.dx()) / line.length() * e.offset;
            start += normal;
            end += normal;
        }
        QPainterPath path(start);
        path.lineTo(end);
        if (e.kind != EdgeKind::ForeignKey) {
            // An arrow head at the card: the task reaches into the relation.
            const QLineF back(end, start);
            const QLineF l1 = QLineF::fromPolar(9, back.angle() + 25).translated(end);
            const QLineF l2 = QLineF::fromPolar(9, back.angle() - 25).translated(end);
            path.moveTo(l1.p2());
            path.lineTo(end);
            path.lineTo(l2.p2());
        }
        e.item->setPath(path);
    }
}

void ScopeCanvasView::zoomToFit()
{
    fitInView(scene()->itemsBoundingRect().adjusted(-40, -40, 40, 40), Qt::KeepAspectRatio);
    if (transform().m11() > 1.0)
        setTransform(QTransform());
}

// ---------------------------------------------------------------------------------------------
// Edits

bool ScopeCanvasView::commit(const std::optional<policy::Policy> &edited, const QString &description, const QString &refusal)
{
    if (!m_document->isValid()) {
        m_message = tr("The policy text has errors; fix them in the Policy tab before editing on the canvas.");
        emit message(m_message);
        return false;
    }
    if (!edited) {
        m_message = refusal;
        if (!refusal.isEmpty())
            emit message(refusal);
        return false;
    }
    m_message.clear();
    m_document->replacePolicy(*edited, description);
    return true;
}

bool ScopeCanvasView::toggleOperation(const QString &relation, QChar op)
{
    const auto operation = operationOf(op);
    const auto name = qualified(relation);
    if (!operation || !name)
        return false;
    const edits::ScopeAddress at {m_agent.toStdString(), m_task.toStdString(), *name};
    return commit(edits::toggleOperation(m_document->policy(), at, *operation),
        tr("Toggle %1 on %2").arg(QString::fromLatin1(policy::toString(*operation)), relation),
        tr("A scope needs at least one operation; press Delete to remove %1 instead.").arg(relation));
}

bool ScopeCanvasView::toggleColumn(const QString &relation, const QString &column)
{
    const auto name = qualified(relation);
    if (!name)
        return false;
    const edits::ScopeAddress at {m_agent.toStdString(), m_task.toStdString(), *name};
    const policy::Scope *scope = edits::findScope(m_document->policy(), at);
    if (scope && !scope->columns && catalogColumns(relation).empty())
        return commit(std::nullopt, {}, tr("%1 allows every column; connect to a database to pick some of them.").arg(relation));
    return commit(edits::toggleColumn(m_document->policy(), at, column.toStdString(), catalogColumns(relation)),
        tr("Toggle column %1.%2").arg(relation, column),
        tr("A scope needs at least one column; press Delete to remove %1 instead.").arg(relation));
}

bool ScopeCanvasView::setMask(const QString &relation, const QString &column, const std::optional<policy::Mask> &mask)
{
    const auto name = qualified(relation);
    if (!name)
        return false;
    const edits::ScopeAddress at {m_agent.toStdString(), m_task.toStdString(), *name};
    return commit(edits::setMask(m_document->policy(), at, column.toStdString(), mask, catalogColumns(relation)),
        mask ? tr("Mask %1.%2 (%3)").arg(relation, column, QString::fromStdString(policy::formatMask(*mask)))
             : tr("Unmask %1.%2").arg(relation, column),
        mask ? tr("A mask applies to reads: allow S on %1 first.").arg(relation) : QString());
}

bool ScopeCanvasView::addRelations(const QStringList &relations)
{
    std::optional<policy::Policy> edited;
    QStringList added;
    for (const QString &relation : relations) {
        const auto name = qualified(relation);
        if (!name)
            continue;
        if (m_catalog && !catalogRelation(relation)) {
            m_message = tr("%1 is not in the connected catalog.").arg(relation);
            continue;
        }
        const edits::ScopeAddress at {m_agent.toStdString(), m_task.toStdString(), *name};
        if (auto next = edits::addScope(edited ? *edited : m_document->policy(), at, catalogColumns(relation))) {
            edited = std::move(next);
            added << relation;
        }
    }
    if (added.isEmpty())
        return commit(std::nullopt, {}, m_message.isEmpty() ? tr("Already in scope.") : m_message);
    return commit(edited, tr("Add %1 to %2/%3").arg(added.join(QStringLiteral(", ")), m_agent, m_task), {});
}

bool ScopeCanvasView::removeRelations(const QStringList &relations)
{
    std::vector<policy::QualifiedName> names;
    for (const QString &r : relations) {
        if (auto n = qualified(r))
            names.push_back(*n);
    }
    return commit(edits::removeScopes(m_document->policy(), m_agent.toStdString(), m_task.toStdString(), names),
        tr("Remove %1 from %2/%3").arg(relations.join(QStringLiteral(", ")), m_agent, m_task), {});
}

bool ScopeCanvasView::removeSelected()
{
    QStringList selected;
    for (QGraphicsItem *item : scene()->selectedItems()) {
        if (auto *c = dynamic_cast<RelationCardItem *>(item); c && !c->isGhost())
            selected << c->relation();
    }
    return !selected.isEmpty() && removeRelations(selected);
}

QMenu *ScopeCanvasView::maskMenu(const QString &relation, const QString &column)
{
    auto *menu = new QMenu(this);
    menu->setTitle(tr("Mask %1").arg(column));
    const auto name = qualified(relation);
    const policy::Scope *scope
        = name ? edits::findScope(m_document->policy(), {m_agent.toStdString(), m_task.toStdString(), *name}) : nullptr;
    std::optional<policy::Mask> current;
    if (scope) {
        if (auto it = scope->masks.find(column.toStdString()); it != scope->masks.end())
            current = it->second;
    }
    QAction *none = menu->addAction(tr("No mask"), this, [this, relation, column] { setMask(relation, column, std::nullopt); });
    none->setCheckable(true);
    none->setChecked(!current);
    menu->addSeparator();
    const struct
    {
        const char *text;
        const char *help;
    } masks[] = {{"email", QT_TR_NOOP("keeps the domain: a***@example.com")},
        {"partial", QT_TR_NOOP("keeps the last 4 characters")}, {"partial(2,2)", QT_TR_NOOP("keeps 2 characters at each end")},
        {"hash", QT_TR_NOOP("a stable hash: joins and counts still work")}, {"redact", QT_TR_NOOP("a fixed placeholder")},
        {"null", QT_TR_NOOP("always NULL")}};
    for (const auto &m : masks) {
        const auto mask = policy::parseMask(m.text);
        if (!mask)
            continue;
        QAction *a = menu->addAction(QStringLiteral("%1 — %2").arg(QString::fromLatin1(m.text), tr(m.help)), this,
            [this, relation, column, mask] { setMask(relation, column, mask); });
        a->setData(QString::fromLatin1(m.text));
        a->setCheckable(true);
        a->setChecked(current && *current == *mask);
    }
    return menu;
}

// ---------------------------------------------------------------------------------------------
// Drag and drop, keys

QStringList ScopeCanvasView::relationsIn(const QMimeData *mime)
{
    const QString text
        = mime->hasFormat(QLatin1String(kObjectMime)) ? QString::fromUtf8(mime->data(QLatin1String(kObjectMime))) : mime->text();
    QStringList relations;
    for (const QString &line : text.split(QLatin1Char('\n'), Qt::SkipEmptyParts)) {
        if (line.startsWith(QLatin1String("role ")) || line.startsWith(QLatin1String("agent "))
            || line.startsWith(QLatin1String("task ")))
            continue;
        const QStringList parts = line.trimmed().split(QLatin1Char('.'));
        if (parts.size() >= 2) {
            const QString relation = parts[0] + QLatin1Char('.') + parts[1]; // a dragged column brings its relation
            if (!relations.contains(relation))
                relations << relation;
        }
    }
    return relations;
}

void ScopeCanvasView::dragEnterEvent(QDragEnterEvent *event)
{
    if (!relationsIn(event->mimeData()).isEmpty())
        event->acceptProposedAction();
    else
        event->ignore();
}

void ScopeCanvasView::dragMoveEvent(QDragMoveEvent *event)
{
    if (!relationsIn(event->mimeData()).isEmpty())
        event->acceptProposedAction();
    else
        event->ignore();
}

void ScopeCanvasView::dropEvent(QDropEvent *event)
{
    const QStringList relations = relationsIn(event->mimeData());
    if (relations.isEmpty()) {
        event->ignore();
        return;
    }
    // Put the first new card where it was dropped.
    const QPointF at = mapToScene(event->position().toPoint()) - QPointF(RelationCardItem::kWidth / 2, 20);
    for (const QString &r : relations) {
        if (!m_cards.contains(r) && !m_positions.contains(r)) {
            m_positions.insert(r, at);
            break;
        }
    }
    addRelations(relations);
    for (const QString &r : relations) {
        if (!m_cards.contains(r))
            m_positions.remove(r); // refused: forget where it was meant to go
    }
    event->acceptProposedAction();
}

void ScopeCanvasView::keyPressEvent(QKeyEvent *event)
{
    if (event->key() == Qt::Key_Delete || event->key() == Qt::Key_Backspace) {
        if (removeSelected()) {
            event->accept();
            return;
        }
    }
    QGraphicsView::keyPressEvent(event);
}

void ScopeCanvasView::showEvent(QShowEvent *event)
{
    QGraphicsView::showEvent(event);
    if (!m_fitted) {
        zoomToFit();
        m_fitted = true;
    }
}

void ScopeCanvasView::wheelEvent(QWheelEvent *event)
{
    if (event->modifiers() & Qt::ControlModifier) {
        const qreal factor = event->angleDelta().y() > 0 ? 1.15 : 1 / 1.15;
        scale(factor, factor);
        event->accept();
        return;
    }
    QGraphicsView::wheelEvent(event);
}

} // namespace writ::ui
