// SPDX-License-Identifier: Apache-2.0
#include "ui/review/review_canvas_marks.h"

namespace writ::ui {

namespace {

QString q(const std::string &s)
{
    return QString::fromStdString(s);
}

/// A relation or column the review adds or removes stays marked so, whatever else changes in it.
void mark(QHash<QString, review::ChangeKind> &marks, const QString &name, review::ChangeKind kind)
{
    const auto it = marks.find(name);
    if (it == marks.end())
        marks.insert(name, kind);
    else if (*it == review::ChangeKind::Changed)
        *it = kind;
}

const policy::Scope *findScope(const policy::Policy &policy, const std::string &agent, const std::string &task, const std::string &relation)
{
    const policy::TaskType *t = policy.findTask(agent, task);
    if (!t)
        return nullptr;
    for (const policy::Scope &s : t->access)
        if (s.relation.toString() == relation)
            return &s;
    return nullptr;
}

void markScopeChange(ReviewMarks &marks, const review::Change &c, const policy::Policy &oldPolicy)
{
    const QString relation = q(c.relation);
    if (c.field == "scope") {
        mark(marks.relations, relation, c.kind);
        if (c.kind == review::ChangeKind::Removed)
            if (const policy::Scope *old = findScope(oldPolicy, c.agent, c.task, c.relation))
                marks.removedScopes.push_back(*old);
        return;
    }
    mark(marks.relations, relation, review::ChangeKind::Changed);
    auto &columns = marks.columns[relation];
    if (c.field == "columns") {
        // Members in or out of the list; a list that became "every column" (or the reverse) names none.
        for (const std::string &column : c.items)
            mark(columns, q(column), c.kind);
    } else if (c.field == "update_columns") {
        // The column stays in reach; whether UPDATE may set it changed.
        for (const std::string &column : c.items)
            mark(columns, q(column), review::ChangeKind::Changed);
    } else if (c.field == "mask") {
        // The column stays in reach; how much of its value a read sees changed.
        mark(columns, q(c.target), review::ChangeKind::Changed);
    }
    if (columns.isEmpty())
        marks.columns.remove(relation);
}

/// A new task type (or one of a new agent): everything on its canvas is added.
void markAllAdded(ReviewMarks &marks, const policy::Policy &newPolicy, const std::string &agent, const std::string &task)
{
    marks.task = review::ChangeKind::Added;
    if (const policy::TaskType *t = newPolicy.findTask(agent, task))
        for (const policy::Scope &s : t->access)
            mark(marks.relations, q(s.relation.toString()), review::ChangeKind::Added);
}

} // namespace

ReviewMarks reviewCanvasMarks(const review::Review &review, const policy::Policy &oldPolicy, const policy::Policy &newPolicy,
    const std::string &agent, const std::string &task)
{
    ReviewMarks marks;
    marks.oldLabel = q(review.oldLabel);
    marks.newLabel = q(review.newLabel);
    for (const review::ReviewGroup &group : review.groups) {
        if (group.level() == review::Level::Agent && group.agent == agent) {
            for (const review::Change &c : group.changes)
                if (c.field == "agent" && c.kind == review::ChangeKind::Added)
                    markAllAdded(marks, newPolicy, agent, task);
            continue;
        }
        if (group.level() != review::Level::Task || group.agent != agent || group.task != task)
            continue;
        for (const review::Change &c : group.changes) {
            if (!c.relation.empty()) {
                markScopeChange(marks, c, oldPolicy);
                continue;
            }
            if (c.field == "task") {
                if (c.kind == review::ChangeKind::Added)
                    markAllAdded(marks, newPolicy, agent, task);
                else
                    marks.task = c.kind;
                continue;
            }
            if (!marks.task)
                marks.task = review::ChangeKind::Changed;
        }
    }
    return marks;
}

} // namespace writ::ui
