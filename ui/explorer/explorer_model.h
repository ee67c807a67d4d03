// SPDX-License-Identifier: Apache-2.0
#pragma once

// The Explorer's tree over a Catalog: schemas → relations → columns, then the policy's agents with
// their task types (shown without a catalog too), then roles. A hand-written
// QAbstractItemModel whose indexes are positions in the catalog's own vectors, so nothing per table
// is allocated until a view asks for it; the filter is applied here (one pass over names) rather
// than by a recursive proxy that would visit every column of every table.

#include <QAbstractItemModel>
#include <QString>

#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

namespace writ::catalog {
struct Catalog;
}
namespace writ::policy {
struct Policy;
}

namespace writ::ui {

class SensitivityIndex;

class ExplorerModel : public QAbstractItemModel
{
    Q_OBJECT

public:
    enum class NodeKind { None, Schema, Relation, Column, RolesGroup, Role, AgentsGroup, Agent, Task };
    enum Roles {
        KindRole = Qt::UserRole + 1, ///< NodeKind as int
        ObjectNameRole,              ///< "public", "public.customers", "public.customers.email", "role reporting",
                                     ///< "agent refund-bot", "task refund-bot/refund-payment"
        SensitivityRole,             ///< columns: the label ("pii"), empty when none
        SensitivitySuggestedRole,    ///< columns: true when the label is a guess from the name or type
    };
    enum Column { NameColumn, DetailColumn, ColumnCount };

    explicit ExplorerModel(QObject *parent = nullptr);
    ~ExplorerModel() override;

    /// Shows `catalog`; `policy` (may be null) decides which columns are classified.
    void setCatalog(std::shared_ptr<const catalog::Catalog> catalog, const policy::Policy *policy = nullptr);
    /// Re-reads classification and the agents after the policy changed (same catalog).
    void setPolicy(const policy::Policy *policy);
    std::shared_ptr<const catalog::Catalog> catalog() const { return m_catalog; }

    /// Case-insensitive substring over relation names ("schema.name" when the text holds a dot),
    /// column names and role names. A relation found by a column shows only the matching columns.
    void setFilterText(const QString &text);
    QString filterText() const { return m_filter; }
    /// Relations shown under the current filter.
    int visibleRelationCount() const;

    /// The index of "public.customers", "public.customers.email", "role x" or a schema name;
    /// invalid when the object is unknown or filtered out.
    QModelIndex indexForObject(const QString &objectName) const;

    QModelIndex index(int row, int column, const QModelIndex &parent = {}) const override;
    QModelIndex parent(const QModelIndex &child) const override;
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    bool hasChildren(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;
    QMimeData *mimeData(const QModelIndexList &indexes) const override;
    QStringList mimeTypes() const override;

    static NodeKind kindOf(const QModelIndex &index);

private:
    struct SchemaEntry
    {
        std::string name;
        std::vector<int> relations; ///< catalog relation indexes, in catalog order
        std::vector<int> visible;   ///< the subset the filter shows
    };

    void rebuild();
    void applyFilter();
    int visibleColumnCount(int relation) const;
    int columnAtRow(int relation, int row) const; ///< column index in the relation
    int rowOfColumn(int relation, int columnIndex) const;
    QVariant relationData(int relation, int column, int role) const;
    QVariant columnData(int relation, int columnIndex, int column, int role) const;
    QVariant roleData(int role, int column, int itemRole) const;
    int agentsGroupRow() const { return int(m_visibleSchemas.size()); }
    int rolesGroupRow() const { return int(m_visibleSchemas.size()) + (showAgentsGroup() ? 1 : 0); }
    bool showRolesGroup() const;
    bool showAgentsGroup() const { return !m_visibleAgents.empty(); }
    void setAgents(const policy::Policy *policy);
    void filterAgents();
    QVariant agentData(int agent, int task, int column, int role) const;

    struct AgentEntry
    {
        std::string id;
        std::string owner;
        std::vector<std::string> tasks;
        bool operator==(const AgentEntry &) const = default;
    };
    std::vector<AgentEntry> m_agents;
    std::vector<int> m_visibleAgents;

    std::shared_ptr<const catalog::Catalog> m_catalog;
    std::unique_ptr<SensitivityIndex> m_sensitivity;
    QString m_filter;
    std::string m_filterLower;

    std::vector<SchemaEntry> m_schemas;
    std::vector<int> m_relationSchema;   ///< relation index -> schema entry
    std::vector<int> m_visibleSchemas;   ///< schema entries shown, in order
    std::vector<int> m_schemaRow;        ///< schema entry -> row, -1 when hidden
    std::vector<int> m_relationRow;      ///< relation index -> row in its schema, -1 when hidden
    std::unordered_map<int, std::vector<int>> m_columnSubset; ///< relations found by a column name
    std::vector<int> m_visibleRoles;
    std::vector<std::string> m_relationNamesLower; ///< built on the first filter
};

} // namespace writ::ui
