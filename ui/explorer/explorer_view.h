// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QWidget>

class QLineEdit;
class QTreeView;
class QLabel;

namespace writ::ui {

class ExplorerModel;

/// The Explorer dock: a filter box over the catalog tree. Selecting an object announces it (the
/// inspector, diagram and grants matrix follow); reveal() selects one from elsewhere.
class ExplorerView : public QWidget
{
    Q_OBJECT

public:
    explicit ExplorerView(QWidget *parent = nullptr);

    ExplorerModel *model() const { return m_model; }
    QTreeView *tree() const { return m_tree; }
    QLineEdit *filterBox() const { return m_filter; }
    /// Selects "public.customers", "public.customers.email" or "role x", clearing the filter if it hides it.
    bool reveal(const QString &objectName);

signals:
    void objectSelected(const QString &objectName);
    void objectActivated(const QString &objectName);

private:
    void updateEmptyState();

    ExplorerModel *m_model = nullptr;
    QLineEdit *m_filter = nullptr;
    QTreeView *m_tree = nullptr;
    QLabel *m_empty = nullptr;
};

} // namespace writ::ui
