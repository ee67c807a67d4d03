// SPDX-License-Identifier: Apache-2.0
#include "ui/explorer/explorer_model.h"

#include "ui/catalog/sensitivity.h"
#include "ui/shell/icons.h"

#include "catalog/catalog.h"
#include "policy/policy.h"

#include <QIcon>
#include <QLocale>
#include <QMimeData>

#include <algorithm>
#include <cctype>

namespace writ::ui {

namespace {

// An index's internal id packs the node kind and its position in the catalog:
//   bits 60..63 kind, bits 32..59 column index (columns only), bits 0..31 schema/relation/role index.
quintptr pack(ExplorerModel::NodeKind kind, quint32 item, quint32 sub = 0)
{
    return (quintptr(kind) << 60) | (quintptr(sub & 0x0fffffff) << 32) | quintptr(item);
}
ExplorerModel::NodeKind kindOfId(quintptr id)
{
    return ExplorerModel::NodeKind(id >> 60);
}
int itemOf(quintptr id)
{
    return int(id & 0xffffffffu);
}
int subOf(quintptr id)
{
    return int((id >> 32) & 0x0fffffff);
}

std::string lower(std::string_view s)
{
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    return out;
}

bool contains(const std::string &haystackLower, const std::string &needleLower)
{
    return haystackLower.find(needleLower) != std::string::npos;
}

QString q(const std::string &s)
{
    return QString::fromStdString(s);
}

QString relationKindText(catalog::RelationKind kind)
{
    switch (kind) {
    case catalog::RelationKind::Table: return ExplorerModel::tr("table");
    case catalog::RelationKind::PartitionedTable: return ExplorerModel::tr("partitioned table");
    case catalog::RelationKind::View: return ExplorerModel::tr("view");
    case catalog::RelationKind::MaterializedView: return ExplorerModel::tr("materialized view");
    case catalog::RelationKind::ForeignTable: return ExplorerModel::tr("foreign table");
    case catalog::RelationKind::Sequence: return ExplorerModel::tr("sequence");
    }
    return {};
}

QString relationIconName(catalog::RelationKind kind)
{
    switch (kind) {
    case catalog::RelationKind::View:
    case catalog::RelationKind::MaterializedView: return QStringLiteral("view");
    case catalog::RelationKind::Sequence: return QStringLiteral("sequence");
    default: return QStringLiteral("table");
    }
}

} // namespace

ExplorerModel::ExplorerModel(QObject *parent)
    : QAbstractItemModel(parent)
{ }

ExplorerModel::~ExplorerModel() = default;

void ExplorerModel::setCatalog(std::shared_ptr<const catalog::Catalog> catalog, const policy::Policy *policy)
{
    beginResetModel();
    m_catalog = std::move(catalog);
    m_sensitivity = std::make_unique<SensitivityIndex>(m_catalog, policy);
    m_relationNamesLower.clear();
    setAgents(policy);
    rebuild();
    applyFilter();
    endResetModel();
}

void ExplorerModel::setAgents(const policy::Policy *policy)
{
    m_agents.clear();
    if (!policy)
        return;
    for (const policy::Agent &a : policy->agents) {
        AgentEntry entry {a.id, a.owner, {}};
        for (const policy::TaskType &t : a.tasks)
            entry.tasks.push_back(t.id);
        m_agents.push_back(std::move(entry));
    }
}

void ExplorerModel::filterAgents()
{
    m_visibleAgents.clear();
    for (std::size_t i = 0; i < m_agents.size(); ++i) {
        bool show = m_filterLower.empty() || contains(lower(m_agents[i].id), m_filterLower);
        for (const std::string &t : m_agents[i].tasks)
            show = show || contains(lower(t), m_filterLower);
        if (show)
            m_visibleAgents.push_back(int(i));
    }
}

void ExplorerModel::setPolicy(const policy::Policy *policy)
{
    std::vector<AgentEntry> before = m_agents;
    setAgents(policy);
    if (before != m_agents) {
        // Agents or task types came or went: the tree's shape changed.
        beginResetModel();
        m_sensitivity = std::make_unique<SensitivityIndex>(m_catalog, policy);
        filterAgents();
        endResetModel();
        return;
    }
    // The tree's shape does not change, only badges: a layout change makes every view ask data() again.
    emit layoutAboutToBeChanged();
    m_sensitivity = std::make_unique<SensitivityIndex>(m_catalog, policy);
    emit layoutChanged();
}

void ExplorerModel::rebuild()
{
    m_schemas.clear();
    m_relationSchema.clear();
    if (!m_catalog)
        return;
    std::unordered_map<std::string, int> schemaIndex;
    auto schemaEntry = [&](const std::string &name) {
        auto [it, inserted] = schemaIndex.emplace(name, int(m_schemas.size()));
        if (inserted)
            m_schemas.push_back(SchemaEntry {name, {}, {}});
        return it->second;
    };
    for (const catalog::Schema &s : m_catalog->schemas)
        schemaEntry(s.name);
    m_relationSchema.resize(m_catalog->relations.size());
    for (std::size_t i = 0; i < m_catalog->relations.size(); ++i) {
        const int entry = schemaEntry(m_catalog->relations[i].schema);
        m_schemas[entry].relations.push_back(int(i));
        m_relationSchema[i] = entry;
    }
    std::sort(m_schemas.begin(), m_schemas.end(), [](const SchemaEntry &a, const SchemaEntry &b) { return a.name < b.name; });
    for (std::size_t e = 0; e < m_schemas.size(); ++e) {
        for (int r : m_schemas[e].relations)
            m_relationSchema[r] = int(e);
    }
}

void ExplorerModel::setFilterText(const QString &text)
{
    if (text == m_filter)
        return;
    beginResetModel();
    m_filter = text;
    m_filterLower = lower(text.trimmed().toStdString());
    applyFilter();
    endResetModel();
}

void ExplorerModel::applyFilter()
{
    m_visibleSchemas.clear();
    m_schemaRow.assign(m_schemas.size(), -1);
    m_relationRow.assign(m_catalog ? m_catalog->relations.size() : 0, -1);
    m_columnSubset.clear();
    m_visibleRoles.clear();
    filterAgents();
    if (!m_catalog)
        return;

    const bool filtering = !m_filterLower.empty();
    const bool qualified = m_filterLower.find('.') != std::string::npos;
    if (filtering && m_relationNamesLower.size() != m_catalog->relations.size()) {
        m_relationNamesLower.resize(m_catalog->relations.size());
        for (std::size_t i = 0; i < m_catalog->relations.size(); ++i)
            m_relationNamesLower[i] = lower(m_catalog->relations[i].qualifiedName());
    }

    for (std::size_t e = 0; e < m_schemas.size(); ++e) {
        SchemaEntry &schema = m_schemas[e];
        schema.visible.clear();
        const bool schemaMatches = filtering && lower(schema.name) == m_filterLower;
        for (int r : schema.relations) {
            bool show = !filtering || schemaMatches;
            if (!show) {
                const std::string &full = m_relationNamesLower[r];
                // Without a dot, match the relation name only, not its schema ("pub" must not show all of public).
                show = qualified ? contains(full, m_filterLower) : full.find(m_filterLower, schema.name.size() + 1) != std::string::npos;
            }
            if (!show && !qualified) {
                const catalog::Relation &rel = m_catalog->relations[r];
                std::vector<int> matching;
                for (std::size_t c = 0; c < rel.columns.size(); ++c) {
                    if (contains(lower(rel.columns[c].name), m_filterLower))
                        matching.push_back(int(c));
                }
                if (!matching.empty()) {
                    show = true;
                    m_columnSubset.emplace(r, std::move(matching));
                }
            }
            if (show) {
                m_relationRow[r] = int(schema.visible.size());
                schema.visible.push_back(r);
            }
        }
        if (!filtering || !schema.visible.empty()) {
            m_schemaRow[e] = int(m_visibleSchemas.size());
            m_visibleSchemas.push_back(int(e));
        }
    }
    for (std::size_t i = 0; i < m_catalog->roles.size(); ++i) {
        if (!filtering || contains(lower(m_catalog->roles[i].name), m_filterLower))
            m_visibleRoles.push_back(int(i));
    }
}

int ExplorerModel::visibleRelationCount() const
{
    int n = 0;
    for (int e : m_visibleSchemas)
        n += int(m_schemas[e].visible.size());
    return n;
}

bool ExplorerModel::showRolesGroup() const
{
    return m_catalog && (!m_visibleRoles.empty() || m_filterLower.empty());
}

int ExplorerModel::visibleColumnCount(int relation) const
{
    if (auto it = m_columnSubset.find(relation); it != m_columnSubset.end())
        return int(it->second.size());
    return int(m_catalog->relations[relation].columns.size());
}

int ExplorerModel::columnAtRow(int relation, int row) const
{
    if (auto it = m_columnSubset.find(relation); it != m_columnSubset.end())
        return it->second[row];
    return row;
}

int ExplorerModel::rowOfColumn(int relation, int columnIndex) const
{
    if (auto it = m_columnSubset.find(relation); it != m_columnSubset.end()) {
        auto pos = std::find(it->second.begin(), it->second.end(), columnIndex);
        return pos == it->second.end() ? -1 : int(pos - it->second.begin());
    }
    return columnIndex;
}

QModelIndex ExplorerModel::index(int row, int column, const QModelIndex &parent) const
{
    if (row < 0 || column < 0 || column >= ColumnCount)
        return {};
    if (!parent.isValid()) {
        if (row < int(m_visibleSchemas.size()))
            return createIndex(row, column, pack(NodeKind::Schema, quint32(m_visibleSchemas[row])));
        if (row == agentsGroupRow() && showAgentsGroup())
            return createIndex(row, column, pack(NodeKind::AgentsGroup, 0));
        if (row == rolesGroupRow() && showRolesGroup())
            return createIndex(row, column, pack(NodeKind::RolesGroup, 0));
        return {};
    }
    const quintptr id = parent.internalId();
    switch (kindOfId(id)) {
    case NodeKind::Schema: {
        const SchemaEntry &schema = m_schemas[itemOf(id)];
        if (row >= int(schema.visible.size()))
            return {};
        return createIndex(row, column, pack(NodeKind::Relation, quint32(schema.visible[row])));
    }
    case NodeKind::Relation: {
        const int relation = itemOf(id);
        if (row >= visibleColumnCount(relation))
            return {};
        return createIndex(row, column, pack(NodeKind::Column, quint32(relation), quint32(columnAtRow(relation, row))));
    }
    case NodeKind::RolesGroup:
        if (row >= int(m_visibleRoles.size()))
            return {};
        return createIndex(row, column, pack(NodeKind::Role, quint32(m_visibleRoles[row])));
    case NodeKind::AgentsGroup:
        if (row >= int(m_visibleAgents.size()))
            return {};
        return createIndex(row, column, pack(NodeKind::Agent, quint32(m_visibleAgents[row])));
    case NodeKind::Agent: {
        const int agent = itemOf(id);
        if (row >= int(m_agents[agent].tasks.size()))
            return {};
        return createIndex(row, column, pack(NodeKind::Task, quint32(agent), quint32(row)));
    }
    default:
        return {};
    }
}

QModelIndex ExplorerModel::parent(const QModelIndex &child) const
{
    if (!child.isValid())
        return {};
    const quintptr id = child.internalId();
    switch (kindOfId(id)) {
    case NodeKind::Relation: {
        const int schema = m_relationSchema[itemOf(id)];
        return createIndex(m_schemaRow[schema], 0, pack(NodeKind::Schema, quint32(schema)));
    }
    case NodeKind::Column: {
        const int relation = itemOf(id);
        return createIndex(m_relationRow[relation], 0, pack(NodeKind::Relation, quint32(relation)));
    }
    case NodeKind::Role:
        return createIndex(rolesGroupRow(), 0, pack(NodeKind::RolesGroup, 0));
    case NodeKind::Agent:
        return createIndex(agentsGroupRow(), 0, pack(NodeKind::AgentsGroup, 0));
    case NodeKind::Task: {
        const int agent = itemOf(id);
        const auto pos = std::find(m_visibleAgents.begin(), m_visibleAgents.end(), agent);
        return createIndex(int(pos - m_visibleAgents.begin()), 0, pack(NodeKind::Agent, quint32(agent)));
    }
    default:
        return {};
    }
}

int ExplorerModel::rowCount(const QModelIndex &parent) const
{
    if (!parent.isValid())
        return int(m_visibleSchemas.size()) + (showAgentsGroup() ? 1 : 0) + (showRolesGroup() ? 1 : 0);
    if (parent.column() != 0)
        return 0;
    const quintptr id = parent.internalId();
    switch (kindOfId(id)) {
    case NodeKind::Schema: return int(m_schemas[itemOf(id)].visible.size());
    case NodeKind::Relation: return visibleColumnCount(itemOf(id));
    case NodeKind::RolesGroup: return int(m_visibleRoles.size());
    case NodeKind::AgentsGroup: return int(m_visibleAgents.size());
    case NodeKind::Agent: return int(m_agents[itemOf(id)].tasks.size());
    default: return 0;
    }
}

int ExplorerModel::columnCount(const QModelIndex &) const
{
    return ColumnCount;
}

bool ExplorerModel::hasChildren(const QModelIndex &parent) const
{
    return rowCount(parent) > 0;
}

ExplorerModel::NodeKind ExplorerModel::kindOf(const QModelIndex &index)
{
    return index.isValid() ? kindOfId(index.internalId()) : NodeKind::None;
}

QVariant ExplorerModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid())
        return {};
    const quintptr id = index.internalId();
    const NodeKind kind = kindOfId(id);
    if (role == KindRole)
        return int(kind);
    if (kind == NodeKind::AgentsGroup || kind == NodeKind::Agent || kind == NodeKind::Task)
        return agentData(kind == NodeKind::AgentsGroup ? -1 : itemOf(id), kind == NodeKind::Task ? subOf(id) : -1, index.column(), role);
    if (!m_catalog)
        return {};
    switch (kind) {
    case NodeKind::Schema: {
        const SchemaEntry &schema = m_schemas[itemOf(id)];
        if (role == ObjectNameRole || (role == Qt::DisplayRole && index.column() == NameColumn))
            return q(schema.name);
        if (role == Qt::DisplayRole && index.column() == DetailColumn)
            return m_filterLower.empty() ? tr("%n relation(s)", nullptr, int(schema.relations.size()))
                                         : tr("%1 of %2").arg(schema.visible.size()).arg(schema.relations.size());
        if (role == Qt::DecorationRole && index.column() == NameColumn)
            return icon(QStringLiteral("schema"));
        return {};
    }
    case NodeKind::Relation: return relationData(itemOf(id), index.column(), role);
    case NodeKind::Column: return columnData(itemOf(id), subOf(id), index.column(), role);
    case NodeKind::RolesGroup:
        if (role == Qt::DisplayRole && index.column() == NameColumn)
            return tr("Roles");
        if (role == Qt::DisplayRole && index.column() == DetailColumn)
            return QString::number(m_visibleRoles.size());
        if (role == Qt::DecorationRole && index.column() == NameColumn)
            return icon(QStringLiteral("roles"));
        return {};
    case NodeKind::Role: return roleData(itemOf(id), index.column(), role);
    default: return {};
    }
}

QVariant ExplorerModel::relationData(int relationIndex, int column, int role) const
{
    const catalog::Relation &rel = m_catalog->relations[relationIndex];
    switch (role) {
    case Qt::DisplayRole:
        if (column == NameColumn)
            return q(rel.name);
        if (rel.reltuples >= 0 && rel.kind != catalog::RelationKind::Sequence)
            return tr("%1 · ≈%2 rows").arg(relationKindText(rel.kind), QLocale().toString(qint64(rel.reltuples)));
        return relationKindText(rel.kind);
    case Qt::DecorationRole:
        return column == NameColumn ? icon(relationIconName(rel.kind)) : QVariant();
    case Qt::ToolTipRole: {
        QString tip = QStringLiteral("<b>%1</b> (%2)<br>").arg(q(rel.qualifiedName()).toHtmlEscaped(), relationKindText(rel.kind));
        tip += tr("owner: %1").arg(q(rel.owner).toHtmlEscaped());
        if (rel.rlsEnabled)
            tip += QStringLiteral("<br>") + tr("row-level security on%1, %n policy(ies)", nullptr, int(rel.policies.size()))
                                                .arg(rel.rlsForced ? tr(" (forced)") : QString());
        if (!rel.comment.empty())
            tip += QStringLiteral("<br><i>%1</i>").arg(q(rel.comment).toHtmlEscaped());
        return tip;
    }
    case ObjectNameRole: return q(rel.qualifiedName());
    default: return {};
    }
}

QVariant ExplorerModel::columnData(int relationIndex, int columnIndex, int column, int role) const
{
    const catalog::Relation &rel = m_catalog->relations[relationIndex];
    const catalog::Column &col = rel.columns[columnIndex];
    // Classification is only computed for columns a view actually asks about.
    auto sensitivity = [&] { return m_sensitivity->label(std::size_t(relationIndex), col.name); };
    switch (role) {
    case Qt::DisplayRole:
        if (column == NameColumn)
            return q(col.name);
        return q(col.type) + (col.notNull ? QStringLiteral(" not null") : QString());
    case Qt::DecorationRole:
        if (column != NameColumn)
            return {};
        if (auto label = sensitivity())
            return sensitivityBadge(label->label, label->suggested);
        return icon(QStringLiteral("column"));
    case Qt::ToolTipRole: {
        QString tip = QStringLiteral("<b>%1</b> %2").arg(q(col.name).toHtmlEscaped(), q(col.type).toHtmlEscaped());
        if (std::find(rel.primaryKey.begin(), rel.primaryKey.end(), col.name) != rel.primaryKey.end())
            tip += tr(" · primary key");
        if (auto label = sensitivity())
            tip += QStringLiteral("<br>● %1: %2").arg(label->label, label->reason.toHtmlEscaped());
        return tip;
    }
    case ObjectNameRole: return q(rel.qualifiedName() + "." + col.name);
    case SensitivityRole: {
        auto label = sensitivity();
        return label ? label->label : QString();
    }
    case SensitivitySuggestedRole: {
        auto label = sensitivity();
        return label && label->suggested;
    }
    default: return {};
    }
}

QVariant ExplorerModel::roleData(int roleIndex, int column, int itemRole) const
{
    const catalog::Role &r = m_catalog->roles[roleIndex];
    switch (itemRole) {
    case Qt::DisplayRole: {
        if (column == NameColumn)
            return q(r.name);
        QStringList traits;
        if (r.superuser)
            traits << tr("superuser");
        if (r.login)
            traits << tr("login");
        if (r.bypassRls)
            traits << tr("bypasses RLS");
        if (!r.memberOf.empty())
            traits << tr("member of %1").arg(q([&] {
                std::string s;
                for (const auto &m : r.memberOf)
                    s += (s.empty() ? "" : ", ") + m;
                return s;
            }()));
        return traits.join(QStringLiteral(" · "));
    }
    case Qt::DecorationRole:
        return column == NameColumn ? icon(r.login ? QStringLiteral("login-role") : QStringLiteral("role")) : QVariant();
    case Qt::ToolTipRole:
        return r.comment.empty() ? QVariant() : QVariant(q(r.comment));
    case ObjectNameRole: return QStringLiteral("role ") + q(r.name);
    default: return {};
    }
}

QVariant ExplorerModel::agentData(int agent, int task, int column, int role) const
{
    if (agent < 0) { // the group
        if (role == Qt::DisplayRole)
            return column == NameColumn ? tr("Agents") : QString::number(m_visibleAgents.size());
        if (role == Qt::DecorationRole && column == NameColumn)
            return icon(QStringLiteral("agent"));
        return {};
    }
    const AgentEntry &a = m_agents[std::size_t(agent)];
    if (task < 0) {
        switch (role) {
        case Qt::DisplayRole: return column == NameColumn ? q(a.id) : tr("%n task type(s)", nullptr, int(a.tasks.size()));
        case Qt::DecorationRole: return column == NameColumn ? icon(QStringLiteral("agent")) : QVariant();
        case Qt::ToolTipRole: return tr("owner: %1").arg(q(a.owner));
        case ObjectNameRole: return QStringLiteral("agent ") + q(a.id);
        default: return {};
        }
    }
    const std::string &t = a.tasks[std::size_t(task)];
    switch (role) {
    case Qt::DisplayRole: return column == NameColumn ? q(t) : tr("task type");
    case Qt::DecorationRole: return column == NameColumn ? icon(QStringLiteral("task")) : QVariant();
    case Qt::ToolTipRole: return tr("Double-click to draw this task's scope on a canvas.");
    case ObjectNameRole: return QStringLiteral("task ") + q(a.id + "/" + t);
    default: return {};
    }
}

QVariant ExplorerModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    return section == NameColumn ? tr("Name") : tr("Details");
}

Qt::ItemFlags ExplorerModel::flags(const QModelIndex &index) const
{
    Qt::ItemFlags f = QAbstractItemModel::flags(index);
    if (kindOf(index) == NodeKind::Relation || kindOf(index) == NodeKind::Column)
        f |= Qt::ItemIsDragEnabled; // onto a scope canvas
    return f;
}

QStringList ExplorerModel::mimeTypes() const
{
    return {QStringLiteral("application/x-writ-object"), QStringLiteral("text/plain")};
}

QMimeData *ExplorerModel::mimeData(const QModelIndexList &indexes) const
{
    QStringList names;
    for (const QModelIndex &i : indexes) {
        if (i.column() == NameColumn)
            names << i.data(ObjectNameRole).toString();
    }
    auto *mime = new QMimeData;
    mime->setData(QStringLiteral("application/x-writ-object"), names.join(QLatin1Char('\n')).toUtf8());
    mime->setText(names.join(QLatin1Char('\n')));
    return mime;
}

QModelIndex ExplorerModel::indexForObject(const QString &objectName) const
{
    if (objectName.startsWith(QLatin1String("agent ")) || objectName.startsWith(QLatin1String("task "))) {
        const QString rest = objectName.section(QLatin1Char(' '), 1);
        const std::string agent = rest.section(QLatin1Char('/'), 0, 0).toStdString();
        const std::string task = rest.section(QLatin1Char('/'), 1).toStdString();
        for (std::size_t row = 0; row < m_visibleAgents.size(); ++row) {
            const AgentEntry &a = m_agents[std::size_t(m_visibleAgents[row])];
            if (a.id != agent)
                continue;
            if (task.empty())
                return createIndex(int(row), 0, pack(NodeKind::Agent, quint32(m_visibleAgents[row])));
            for (std::size_t t = 0; t < a.tasks.size(); ++t) {
                if (a.tasks[t] == task)
                    return createIndex(int(t), 0, pack(NodeKind::Task, quint32(m_visibleAgents[row]), quint32(t)));
            }
        }
        return {};
    }
    if (!m_catalog || objectName.isEmpty())
        return {};
    if (objectName.startsWith(QLatin1String("role "))) {
        const std::string name = objectName.mid(5).toStdString();
        for (std::size_t row = 0; row < m_visibleRoles.size(); ++row) {
            if (m_catalog->roles[m_visibleRoles[row]].name == name)
                return createIndex(int(row), 0, pack(NodeKind::Role, quint32(m_visibleRoles[row])));
        }
        return {};
    }
    QString text = objectName;
    if (text.startsWith(QLatin1String("schema ")))
        text = text.mid(7);
    const QStringList parts = text.split(QLatin1Char('.'));
    if (parts.size() == 1) {
        for (std::size_t row = 0; row < m_visibleSchemas.size(); ++row) {
            if (m_schemas[m_visibleSchemas[row]].name == parts[0].toStdString())
                return createIndex(int(row), 0, pack(NodeKind::Schema, quint32(m_visibleSchemas[row])));
        }
        return {};
    }
    const catalog::Relation *rel = m_catalog->findRelation(parts[0].toStdString(), parts[1].toStdString());
    if (!rel)
        return {};
    const int relation = int(rel - m_catalog->relations.data());
    if (m_relationRow[relation] < 0)
        return {};
    const QModelIndex relationIndex = createIndex(m_relationRow[relation], 0, pack(NodeKind::Relation, quint32(relation)));
    if (parts.size() == 2)
        return relationIndex;
    const std::string column = parts.mid(2).join(QLatin1Char('.')).toStdString();
    for (std::size_t c = 0; c < rel->columns.size(); ++c) {
        if (rel->columns[c].name == column) {
            const int row = rowOfColumn(relation, int(c));
            return row < 0 ? relationIndex : createIndex(row, 0, pack(NodeKind::Column, quint32(relation), quint32(c)));
        }
    }
    return relationIndex;
}

} // namespace writ::ui
