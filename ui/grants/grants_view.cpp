// SPDX-License-Identifier: Apache-2.0
#include "ui/grants/grants_view.h"

#include "ui/grants/effective_privileges.h"
#include "ui/grants/grants_delegate.h"
#include "ui/grants/grants_model.h"

#include "catalog/catalog.h"
#include "findings/finding.h"

#include <QComboBox>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QSplitter>
#include <QTableView>
#include <QToolBar>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace writ::ui {

GrantsView::GrantsView(QWidget *parent)
    : QWidget(parent)
    , m_model(new GrantsModel(this))
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);

    auto *bar = new QToolBar(this);
    m_roleFilter = new QLineEdit(this);
    m_roleFilter->setPlaceholderText(tr("Filter roles…"));
    m_roleFilter->setClearButtonEnabled(true);
    m_roleFilter->setMaximumWidth(240);
    m_schemaFilter = new QComboBox(this);
    m_schemaFilter->setMinimumContentsLength(16);
    bar->addWidget(new QLabel(tr(" Role "), this));
    bar->addWidget(m_roleFilter);
    bar->addWidget(new QLabel(tr("  Schema "), this));
    bar->addWidget(m_schemaFilter);
    auto *legend = new QLabel(tr("  S select · I insert · U update · D delete · T truncate — bold: granted directly, faded: "
                                 "inherited, lower case: some columns only"),
                              this);
    legend->setForegroundRole(QPalette::PlaceholderText);
    bar->addWidget(legend);
    layout->addWidget(bar);

    auto *splitter = new QSplitter(Qt::Vertical, this);
    m_table = new QTableView(splitter);
    m_table->setModel(m_model);
    m_table->setItemDelegate(new GrantsDelegate(m_table));
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->horizontalHeader()->setDefaultSectionSize(110);
    m_table->horizontalHeader()->setDefaultAlignment(Qt::AlignCenter);
    m_table->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_table->setCornerButtonEnabled(false);

    auto *bottom = new QWidget(splitter);
    auto *bottomLayout = new QVBoxLayout(bottom);
    bottomLayout->setContentsMargins(6, 4, 6, 4);
    m_breakdownTitle = new QLabel(tr("Select a cell to see which columns the role reaches."), bottom);
    m_breakdown = new QTreeWidget(bottom);
    m_breakdown->setRootIsDecorated(false);
    m_breakdown->setHeaderLabels({tr("Column"), tr("Type"), tr("SELECT"), tr("INSERT"), tr("UPDATE"), tr("Why")});
    bottomLayout->addWidget(m_breakdownTitle);
    bottomLayout->addWidget(m_breakdown);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 1);
    layout->addWidget(splitter);

    connect(m_roleFilter, &QLineEdit::textChanged, m_model, &GrantsModel::setRoleFilter);
    connect(m_schemaFilter, &QComboBox::currentIndexChanged, this,
            [this](int i) { m_model->setSchemaFilter(i <= 0 ? QString() : m_schemaFilter->itemText(i)); });
    connect(m_table->selectionModel(), &QItemSelectionModel::currentChanged, this, [this](const QModelIndex &current) {
        if (!current.isValid())
            return;
        showBreakdown(current.row(), current.column());
        emit objectSelected(m_model->relationAt(current.column()));
    });
    connect(m_table, &QTableView::doubleClicked, this, [this](const QModelIndex &i) {
        showBreakdown(i.row(), i.column());
        m_breakdown->setFocus();
    });
    connect(m_table->verticalHeader(), &QHeaderView::sectionClicked, this, [this](int row) {
        const QString object = m_model->headerData(row, Qt::Vertical, GrantsModel::ObjectNameRole).toString();
        if (!object.isEmpty())
            emit objectSelected(object);
    });
}

void GrantsView::setCatalog(std::shared_ptr<const catalog::Catalog> catalog, std::vector<findings::Finding> findings)
{
    m_catalog = catalog;
    m_model->setCatalog(std::move(catalog), std::move(findings));
    const QString current = m_schemaFilter->currentText();
    m_schemaFilter->blockSignals(true);
    m_schemaFilter->clear();
    m_schemaFilter->addItem(tr("All schemas"));
    m_schemaFilter->addItems(m_model->schemas());
    const int keep = m_schemaFilter->findText(current);
    m_schemaFilter->setCurrentIndex(keep > 0 ? keep : 0);
    m_schemaFilter->blockSignals(false);
    m_model->setSchemaFilter(keep > 0 ? current : QString());
    m_table->resizeColumnsToContents();
    m_table->resizeRowsToContents();
    m_breakdown->clear();
}

void GrantsView::reveal(const QString &qualifiedRelation, const QString &role)
{
    int column = m_model->columnOf(qualifiedRelation);
    if (column < 0 && m_schemaFilter->currentIndex() > 0) {
        m_schemaFilter->setCurrentIndex(0);
        column = m_model->columnOf(qualifiedRelation);
    }
    if (column < 0)
        return;
    const int row = role.isEmpty() ? std::max(0, m_table->currentIndex().row()) : std::max(0, m_model->rowOf(role));
    m_table->setCurrentIndex(m_model->index(row, column));
    m_table->scrollTo(m_model->index(row, column));
}

void GrantsView::showBreakdown(int row, int column)
{
    m_breakdown->clear();
    const QString role = m_model->roleAt(row);
    const QString relationName = m_model->relationAt(column);
    if (!m_catalog || role.isEmpty() || relationName.isEmpty())
        return;
    const auto dot = relationName.indexOf(QLatin1Char('.'));
    const catalog::Relation *relation = m_catalog->findRelation(relationName.left(dot).toStdString(), relationName.mid(dot + 1).toStdString());
    if (!relation)
        return;
    const RelationAccess access = m_model->accessAt(row, column);
    m_breakdownTitle->setText(tr("<b>%1</b> on <b>%2</b>: %3").arg(role.toHtmlEscaped(), relationName.toHtmlEscaped(),
                                                                  access.any() ? tr("what each column allows") : tr("no access")));
    for (const catalog::Column &c : relation->columns) {
        auto *item = new QTreeWidgetItem(m_breakdown);
        item->setText(0, QString::fromStdString(c.name));
        item->setText(1, QString::fromStdString(c.type));
        QStringList why;
        const TablePrivilege columnPrivileges[] = {TablePrivilege::Select, TablePrivilege::Insert, TablePrivilege::Update};
        for (int i = 0; i < 3; ++i) {
            const PrivilegeHold &hold = access[columnPrivileges[i]];
            const QString name = QString::fromStdString(c.name);
            bool allowed = false;
            if (hold.kind == PrivilegeHold::Kind::Direct || hold.kind == PrivilegeHold::Kind::Inherited)
                allowed = true;
            else if (hold.kind == PrivilegeHold::Kind::ColumnsOnly && hold.columns.contains(name))
                allowed = true;
            item->setText(2 + i, allowed ? QStringLiteral("✓") : QString());
            if (allowed)
                why << QStringLiteral("%1 %2").arg(QLatin1String(privilegeName(columnPrivileges[i])), hold.via.join(QStringLiteral(", ")));
        }
        item->setText(5, why.join(QStringLiteral("; ")));
    }
    for (int i = 0; i < m_breakdown->columnCount() - 1; ++i)
        m_breakdown->resizeColumnToContents(i);
}

} // namespace writ::ui
