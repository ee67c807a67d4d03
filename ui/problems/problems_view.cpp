// SPDX-License-Identifier: Apache-2.0
#include "ui/problems/problems_view.h"

#include "ui/problems/problems_model.h"

#include <QHeaderView>
#include <QLabel>
#include <QSplitter>
#include <QTreeView>
#include <QVBoxLayout>

namespace writ::ui {

ProblemsView::ProblemsView(QWidget *parent)
    : QWidget(parent)
    , m_model(new ProblemsModel(this))
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    auto *splitter = new QSplitter(Qt::Horizontal, this);
    m_list = new QTreeView(splitter);
    m_list->setModel(m_model);
    m_list->setRootIsDecorated(false);
    m_list->setUniformRowHeights(true);
    m_list->setAlternatingRowColors(true);
    m_list->header()->setSectionResizeMode(ProblemsModel::MessageColumn, QHeaderView::Stretch);
    m_list->header()->setStretchLastSection(false);
    m_list->setColumnWidth(ProblemsModel::SeverityColumn, 100);
    m_list->setColumnWidth(ProblemsModel::PlaceColumn, 220);
    m_hint = new QLabel(splitter);
    m_hint->setWordWrap(true);
    m_hint->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_hint->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    m_hint->setMargin(6);
    m_hint->setText(tr("Double-click a problem to go to its place."));
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);
    layout->addWidget(splitter);

    connect(m_list, &QTreeView::activated, this, &ProblemsView::activate);
    connect(m_list->selectionModel(), &QItemSelectionModel::currentChanged, this, [this](const QModelIndex &current) {
        if (!current.isValid())
            return;
        const Problem &p = m_model->problem(current.row());
        m_hint->setText(QStringLiteral("<b>%1</b><br><pre style='white-space:pre-wrap'>%2</pre>")
                            .arg(p.message.toHtmlEscaped(), p.hint.toHtmlEscaped()));
    });
}

void ProblemsView::activateRow(int row)
{
    activate(m_model->index(row, 0));
}

void ProblemsView::activate(const QModelIndex &index)
{
    if (!index.isValid())
        return;
    const Problem &p = m_model->problem(index.row());
    if (p.line > 0)
        emit jumpToLine(p.line, p.column);
    else if (!p.object.isEmpty())
        emit jumpToObject(p.object);
}

} // namespace writ::ui
