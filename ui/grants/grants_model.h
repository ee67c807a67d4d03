// SPDX-License-Identifier: Apache-2.0
#pragma once

// The grants matrix as a table model: rows are roles (login roles first, PUBLIC last), columns are
// relations grouped by schema (sequences left out), cells are the privileges S I U D T the role
// holds, directly or inherited. Findings colour the cells and headers they concern.

#include "findings/finding.h"

#include <QAbstractTableModel>
#include <QString>

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace writ::catalog {
struct Catalog;
}

namespace writ::ui {

class EffectivePrivileges;
struct RelationAccess;

class GrantsModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Roles {
        LettersRole = Qt::UserRole + 1, ///< "SIUD": privileges on the whole relation
        SeverityRole,                   ///< most severe finding on the cell or header: int(findings::Severity), or invalid
        ObjectNameRole,                 ///< headers: "role x" / "public.customers"
        RoleNameRole,
        RelationNameRole,
    };

    explicit GrantsModel(QObject *parent = nullptr);
    ~GrantsModel() override;

    void setCatalog(std::shared_ptr<const catalog::Catalog> catalog, std::vector<findings::Finding> findings = {});
    /// Shows only roles whose name contains `text` (case-insensitive); empty shows all.
    void setRoleFilter(const QString &text);
    /// Shows only relations of `schema`; empty shows all.
    void setSchemaFilter(const QString &schema);
    QStringList schemas() const;

    int rowOf(const QString &role) const;
    int columnOf(const QString &qualifiedRelation) const;
    QString roleAt(int row) const;
    QString relationAt(int column) const;
    /// The full access of a cell (for the column drill-down and tests).
    RelationAccess accessAt(int row, int column) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    void rebuild();
    std::optional<findings::Severity> cellSeverity(const std::string &role, const std::string &relation) const;
    std::optional<findings::Severity> objectSeverity(const std::string &object, bool prefix) const;
    QString findingsText(const std::string &object, bool prefix) const;

    std::shared_ptr<const catalog::Catalog> m_catalog;
    std::unique_ptr<EffectivePrivileges> m_privileges;
    std::vector<findings::Finding> m_findings;
    QString m_roleFilter;
    QString m_schemaFilter;
    std::vector<std::string> m_roles; ///< visible rows
    std::vector<int> m_relations;     ///< visible columns: catalog relation indexes
};

} // namespace writ::ui
