// SPDX-License-Identifier: Apache-2.0
#pragma once

// The drawing of one task type's scope: the agent/task node in the centre, one card per relation
// in scope around it, edges for what the task may do there (read blue, write orange, masked
// purple) and faint foreign keys between the cards. Every click on a card becomes one policy edit
// through the document (one undo step); the drawing follows the document, so undo, redo and typing
// in the YAML all show here at once.

#include "ui/canvas/relation_card_item.h"
#include "ui/canvas/review_marks.h"

#include "policy/policy.h"

#include <QGraphicsView>
#include <QHash>
#include <QPointF>

#include <memory>
#include <optional>

class QGraphicsPathItem;
class QGraphicsSimpleTextItem;
class QMenu;
class QMimeData;
class QTimer;

namespace writ::catalog {
struct Catalog;
struct Relation;
} // namespace writ::catalog

namespace writ::ui {

class PolicyDocument;
class SensitivityIndex;
class TaskNodeItem;

class ScopeCanvasView : public QGraphicsView
{
    Q_OBJECT

public:
    enum class EdgeKind { Read, Write, Masked, ForeignKey };

    ScopeCanvasView(PolicyDocument *document, QString agent, QString task, QWidget *parent = nullptr);
    ~ScopeCanvasView() override;

    void setCatalog(std::shared_ptr<const catalog::Catalog> catalog);
    QString agent() const { return m_agent; }
    QString task() const { return m_task; }
    /// False when the task is not (or no longer) in the policy.
    bool hasTask() const;

    QStringList relations() const;
    /// The card of a relation in scope, or the ghost card of one only a review's old version has.
    RelationCardItem *card(const QString &relation) const;
    TaskNodeItem *taskNode() const { return m_node; }
    int edgeCount(EdgeKind kind) const;
    QString selectedRelation() const;
    void selectRelation(const QString &relation);
    /// Selects the relation's card, centres it and blinks it (and `column`'s chip). False when the
    /// canvas has no card for it.
    bool flashRelation(const QString &relation, const QString &column = {});

    /// Draws what a review changes over the drawing, until cleared; the marks follow later edits of
    /// the policy by relation and column name.
    /// The planner's rows one task reaches in each relation (from the row estimator); each card shows
    /// its own. Empty: the cards show the table's size from the catalog.
    void setPlannerRows(const QHash<QString, double> &rows);
    void setReviewMarks(const ReviewMarks &marks);
    void clearReviewMarks();
    const ReviewMarks &reviewMarks() const { return m_marks; }

    // The edits; each is one undo step and returns false when nothing changed (and why in lastMessage()).
    bool toggleOperation(const QString &relation, QChar op);
    bool toggleColumn(const QString &relation, const QString &column);
    bool setMask(const QString &relation, const QString &column, const std::optional<policy::Mask> &mask);
    bool addRelations(const QStringList &relations);
    bool removeRelations(const QStringList &relations);
    bool removeSelected();
    QString lastMessage() const { return m_message; }

    /// The menu a right-click on a column chip opens: no mask, then each mask of the policy format.
    QMenu *maskMenu(const QString &relation, const QString &column);

    void zoomToFit();

signals:
    /// A card was selected ("public.customers"), or the selection was cleared ("").
    void relationSelected(const QString &relation);
    /// An edit was refused or failed; the canvas shows the reason.
    void message(const QString &text);

protected:
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dragMoveEvent(QDragMoveEvent *event) override;
    void dropEvent(QDropEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;
    void wheelEvent(QWheelEvent *event) override;
    void showEvent(QShowEvent *event) override;

private:
    struct Edge
    {
        QGraphicsPathItem *item = nullptr;
        QGraphicsItem *from = nullptr;
        QGraphicsItem *to = nullptr;
        EdgeKind kind = EdgeKind::Read;
        qreal offset = 0; ///< sideways, so parallel edges stay apart
    };

    void sync();
    void syncGhosts();
    RelationCardItem::Content cardContent(const policy::Scope &scope, const SensitivityIndex &sensitivity) const;
    RelationCardItem *placeCard(const RelationCardItem::Content &content);
    void rebuildEdges();
    void saveLayout();
    void updateEdges();
    QPointF slotPosition(int slot) const;
    const catalog::Relation *catalogRelation(const QString &relation) const;
    std::vector<std::string> catalogColumns(const QString &relation) const;
    bool commit(const std::optional<policy::Policy> &edited, const QString &description, const QString &refusal);
    static QStringList relationsIn(const QMimeData *mime);

    PolicyDocument *m_document;
    QString m_agent;
    QString m_task;
    std::shared_ptr<const catalog::Catalog> m_catalog;
    TaskNodeItem *m_node = nullptr;
    QGraphicsSimpleTextItem *m_emptyHint = nullptr;
    QHash<QString, RelationCardItem *> m_cards;
    QHash<QString, RelationCardItem *> m_ghosts; ///< relations only the reviewed old version has in scope
    ReviewMarks m_marks;
    QHash<QString, QPointF> m_positions; ///< where each relation's card sits, kept across edits and runs
    QHash<QString, double> m_plannerRows; ///< the planner's estimate per relation, when connected
    QTimer *m_layoutSave = nullptr;      ///< a moved card is saved once the dragging stops
    QString m_layoutPath;                ///< the policy file the layout is saved for
    std::vector<Edge> m_edges;
    QString m_message;
    bool m_fitted = false;
};

} // namespace writ::ui
