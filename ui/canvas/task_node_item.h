// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "review/policy_diff.h"

#include <QGraphicsItem>
#include <QStringList>

#include <optional>

namespace writ::ui {

/// The centre of a scope canvas: the agent and its task type, with the TTL, the context keys the
/// task must be started with and whether a human approves each task.
class TaskNodeItem : public QGraphicsItem
{
public:
    struct Content
    {
        QString agent;
        QString task;
        QString ttl; ///< "5m (max 1h)"
        QStringList context;
        bool approval = false;
    };

    explicit TaskNodeItem(const Content &content);
    void setContent(const Content &content);
    const Content &content() const { return m_content; }

    /// What a review does to the task type's own fields (ttl, approval, context): an outline in its colour.
    void setReviewMark(std::optional<review::ChangeKind> mark);
    std::optional<review::ChangeKind> reviewMark() const { return m_mark; }

    QRectF boundingRect() const override;
    void paint(QPainter *painter, const QStyleOptionGraphicsItem *option, QWidget *widget) override;

private:
    Content m_content;
    QSizeF m_size;
    std::optional<review::ChangeKind> m_mark;
};

} // namespace writ::ui
