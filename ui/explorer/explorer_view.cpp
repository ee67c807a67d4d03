// SPDX-License-Identifier: Apache-2.0
#include "ui/explorer/explorer_view.h"

#include "ui/explorer/explorer_model.h"

#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QTimer>
#include <QTreeView>
#include <QVBoxLayout>

namespace writ::ui {

ExplorerView::ExplorerView(QWidget *parent)
    : QWidget(parent)
    , m_model(new ExplorerModel(this))
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(2, 2, 2, 2);
    layout->setSpacing(2);
    m_filter = new QLineEdit(this);
    m_filter->setPlaceholderText(tr("Filter tables, columns, roles… (Ctrl+F)"));
    m_filter->setClearButtonEnabled(true);
    layout->addWidget(m_filter);
    m_tree = new QTreeView(this);
    m_tree->setModel(m_model);
    m_tree->setUniformRowHeights(true); // lets the view skip measuring 10,000 rows
    m_tree->setDragEnabled(true);
    m_tree->setDragDropMode(QAbstractItemView::DragOnly);
    m_tree->header()->setStretchLastSection(true);
    m_tree->setColumnWidth(ExplorerModel::NameColumn, 200);
    layout->addWidget(m_tree);
    m_empty = new QLabel(tr("Not connected.\n\nDatabase ▸ Connect… (Ctrl+Shift+C)\nor Help ▸ Open the demo"), this);
    m_empty->setAlignment(Qt::AlignCenter);
    m_empty->setForegroundRole(QPalette::PlaceholderText);
    layout->addWidget(m_empty);

    // Typing pauses briefly before filtering, so a fast typist does not filter on every key.
    auto *debounce = new QTimer(this);
    debounce->setSingleShot(true);
    debounce->setInterval(120);
    connect(m_filter, &QLineEdit::textChanged, debounce, qOverload<>(&QTimer::start));
    connect(debounce, &QTimer::timeout, this, [this] {
        m_model->setFilterText(m_filter->text());
        if (!m_filter->text().isEmpty() && m_model->visibleRelationCount() <= 50)
            m_tree->expandToDepth(0);
    });
    connect(m_tree->selectionModel(), &QItemSelectionModel::currentChanged, this, [this](const QModelIndex &current) {
        const QString name = current.data(ExplorerModel::ObjectNameRole).toString();
        if (!name.isEmpty())
            emit objectSelected(name);
    });
    connect(m_tree, &QTreeView::activated, this, [this](const QModelIndex &index) {
        const QString name = index.data(ExplorerModel::ObjectNameRole).toString();
        if (!name.isEmpty())
            emit objectActivated(name);
    });
    connect(m_model, &QAbstractItemModel::modelReset, this, &ExplorerView::updateEmptyState);
    updateEmptyState();
}

void ExplorerView::updateEmptyState()
{
    // The policy's agents are worth showing before any database is connected.
    const bool content = m_model->catalog() != nullptr || m_model->rowCount() > 0;
    m_empty->setVisible(!content);
    m_tree->setVisible(content);
}

bool ExplorerView::reveal(const QString &objectName)
{
    QModelIndex index = m_model->indexForObject(objectName);
    if (!index.isValid() && !m_model->filterText().isEmpty()) {
        m_filter->clear();
        m_model->setFilterText(QString());
        index = m_model->indexForObject(objectName);
    }
    if (!index.isValid())
        return false;
    for (QModelIndex p = index.parent(); p.isValid(); p = p.parent())
        m_tree->expand(p);
    m_tree->setCurrentIndex(index);
    m_tree->scrollTo(index, QAbstractItemView::PositionAtCenter);
    return true;
}

} // namespace writ::ui
