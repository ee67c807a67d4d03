// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QWidget>

class QTreeView;
class QLabel;
class QModelIndex;

namespace writ::ui {

class ProblemsModel;

/// The Problems dock: a list of diagnostics and findings with the selected one's hint below.
/// Activating a row (double-click, Enter) asks the window to jump to its place.
class ProblemsView : public QWidget
{
    Q_OBJECT

public:
    explicit ProblemsView(QWidget *parent = nullptr);

    ProblemsModel *model() const { return m_model; }
    QTreeView *list() const { return m_list; }
    /// Emits the jump signal for `row`, as a double-click would.
    void activateRow(int row);

signals:
    void jumpToLine(int line, int column);
    void jumpToObject(const QString &objectName);

private:
    void activate(const QModelIndex &index);

    ProblemsModel *m_model = nullptr;
    QTreeView *m_list = nullptr;
    QLabel *m_hint = nullptr;
};

} // namespace writ::ui
