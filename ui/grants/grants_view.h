// SPDX-License-Identifier: Apache-2.0
#pragma once

// The Grants document: the role × relation matrix with its filters, and below it the column
// breakdown of the selected cell (which columns the role may read or write, and why).

#include <QWidget>

#include <memory>
#include <vector>

class QComboBox;
class QLineEdit;
class QTableView;
class QTreeWidget;
class QLabel;

namespace writ::catalog {
struct Catalog;
}
namespace writ::findings {
struct Finding;
}

namespace writ::ui {

class GrantsModel;

class GrantsView : public QWidget
{
    Q_OBJECT

public:
    explicit GrantsView(QWidget *parent = nullptr);

    void setCatalog(std::shared_ptr<const catalog::Catalog> catalog, std::vector<findings::Finding> findings);
    GrantsModel *model() const { return m_model; }
    QTableView *table() const { return m_table; }
    /// Selects the column of `qualifiedRelation` (and the row of `role` when given).
    void reveal(const QString &qualifiedRelation, const QString &role = {});

signals:
    /// "public.customers" or "role x": the selection, for the explorer and the inspector.
    void objectSelected(const QString &objectName);

private:
    void showBreakdown(int row, int column);

    GrantsModel *m_model = nullptr;
    QTableView *m_table = nullptr;
    QLineEdit *m_roleFilter = nullptr;
    QComboBox *m_schemaFilter = nullptr;
    QTreeWidget *m_breakdown = nullptr;
    QLabel *m_breakdownTitle = nullptr;
    std::shared_ptr<const catalog::Catalog> m_catalog;
};

} // namespace writ::ui
