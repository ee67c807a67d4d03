// SPDX-License-Identifier: Apache-2.0
#include "ui/grants/grants_model.h"

#include "ui/grants/effective_privileges.h"
#include "ui/shell/icons.h"

#include "catalog/catalog.h"

#include <QColor>
#include <QRegularExpression>

#include <algorithm>

namespace writ::ui {

namespace {

QString q(const std::string &s)
{
    return QString::fromStdString(s);
}

bool mentions(const findings::Finding &f, const std::string &role)
{
    // Role names appear in titles and details as words ("readers: helpdesk_app, reporting").
    const QRegularExpression word(QStringLiteral("(^|[^A-Za-z0-9_$])%1($|[^A-Za-z0-9_$])").arg(QRegularExpression::escape(q(role))));
    if (word.match(q(f.title)).hasMatch())
        return true;
    return std::any_of(f.details.begin(), f.details.end(), [&](const std::string &d) { return word.match(q(d)).hasMatch(); });
}

QString severityIconName(findings::Severity s)
{
    switch (s) {
    case findings::Severity::High: return QStringLiteral("severity-high");
    case findings::Severity::Medium: return QStringLiteral("severity-medium");
    default: return QStringLiteral("severity-low");
    }
}

} // namespace

GrantsModel::GrantsModel(QObject *parent)
    : QAbstractTableModel(parent)
{ }

GrantsModel::~GrantsModel() = default;

void GrantsModel::setCatalog(std::shared_ptr<const catalog::Catalog> catalog, std::vector<findings::Finding> findings)
{
    beginResetModel();
    m_catalog = std::move(catalog);
    m_findings = std::move(findings);
    m_privileges = m_catalog ? std::make_unique<EffectivePrivileges>(*m_catalog) : nullptr;
    rebuild();
    endResetModel();
}

void GrantsModel::setRoleFilter(const QString &text)
{
    beginResetModel();
    m_roleFilter = text.trimmed();
    rebuild();
    endResetModel();
}

void GrantsModel::setSchemaFilter(const QString &schema)
{
    beginResetModel();
    m_schemaFilter = schema;
    rebuild();
    endResetModel();
}

QStringList GrantsModel::schemas() const
{
    QStringList out;
    if (!m_catalog)
        return out;
    for (const catalog::Relation &r : m_catalog->relations) {
        if (r.kind != catalog::RelationKind::Sequence && !out.contains(q(r.schema)))
            out << q(r.schema);
    }
    return out;
}

void GrantsModel::rebuild()
{
    m_roles.clear();
    m_relations.clear();
    if (!m_catalog)
        return;
    // Login roles first: they are what an application or an agent actually connects as.
    std::vector<const catalog::Role *> roles;
    for (const catalog::Role &r : m_catalog->roles)
        roles.push_back(&r);
    std::stable_sort(roles.begin(), roles.end(), [](const catalog::Role *a, const catalog::Role *b) { return a->login > b->login; });
    for (const catalog::Role *r : roles) {
        if (m_roleFilter.isEmpty() || q(r->name).contains(m_roleFilter, Qt::CaseInsensitive))
            m_roles.push_back(r->name);
    }
    if (m_roleFilter.isEmpty() || QString::fromLatin1(kPublicRow).contains(m_roleFilter, Qt::CaseInsensitive))
        m_roles.push_back(kPublicRow);
    for (std::size_t i = 0; i < m_catalog->relations.size(); ++i) {
        const catalog::Relation &r = m_catalog->relations[i];
        if (r.kind == catalog::RelationKind::Sequence)
            continue;
        if (!m_schemaFilter.isEmpty() && q(r.schema) != m_schemaFilter)
            continue;
        m_relations.push_back(int(i));
    }
}

int GrantsModel::rowOf(const QString &role) const
{
    auto it = std::find(m_roles.begin(), m_roles.end(), role.toStdString());
    return it == m_roles.end() ? -1 : int(it - m_roles.begin());
}

int GrantsModel::columnOf(const QString &qualifiedRelation) const
{
    for (std::size_t c = 0; c < m_relations.size(); ++c) {
        if (q(m_catalog->relations[m_relations[c]].qualifiedName()) == qualifiedRelation)
            return int(c);
    }
    return -1;
}

QString GrantsModel::roleAt(int row) const
{
    return row >= 0 && row < int(m_roles.size()) ? q(m_roles[row]) : QString();
}

QString GrantsModel::relationAt(int column) const
{
    return column >= 0 && column < int(m_relations.size()) ? q(m_catalog->relations[m_relations[column]].qualifiedName()) : QString();
}

RelationAccess GrantsModel::accessAt(int row, int column) const
{
    if (row < 0 || row >= int(m_roles.size()) || column < 0 || column >= int(m_relations.size()))
        return {};
    return m_privileges->access(m_roles[row], m_catalog->relations[m_relations[column]]);
}

int GrantsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_roles.size());
}

int GrantsModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_relations.size());
}

std::optional<findings::Severity> GrantsModel::objectSeverity(const std::string &object, bool prefix) const
{
    std::optional<findings::Severity> worst;
    for (const findings::Finding &f : m_findings) {
        const bool match = f.object == object || (prefix && f.object.rfind(object + ".", 0) == 0);
        if (match && (!worst || f.severity < *worst))
            worst = f.severity;
    }
    return worst;
}

std::optional<findings::Severity> GrantsModel::cellSeverity(const std::string &role, const std::string &relation) const
{
    std::optional<findings::Severity> worst;
    for (const findings::Finding &f : m_findings) {
        if (f.object != relation && f.object.rfind(relation + ".", 0) != 0)
            continue;
        const bool concerns = role == kPublicRow ? f.code == "public-grant" : mentions(f, role);
        if (concerns && (!worst || f.severity < *worst))
            worst = f.severity;
    }
    return worst;
}

QString GrantsModel::findingsText(const std::string &object, bool prefix) const
{
    QStringList lines;
    for (const findings::Finding &f : m_findings) {
        if (f.object == object || (prefix && f.object.rfind(object + ".", 0) == 0))
            lines << QStringLiteral("▲ %1: %2").arg(q(findings::toString(f.severity)), q(f.title).toHtmlEscaped());
    }
    return lines.join(QStringLiteral("<br>"));
}

QVariant GrantsModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || !m_catalog)
        return {};
    const std::string &roleName = m_roles[index.row()];
    const catalog::Relation &relation = m_catalog->relations[m_relations[index.column()]];
    switch (role) {
    case Qt::DisplayRole:
    case LettersRole: return m_privileges->access(roleName, relation).letters();
    case SeverityRole: {
        auto s = cellSeverity(roleName, relation.qualifiedName());
        return s ? QVariant(int(*s)) : QVariant();
    }
    case RoleNameRole: return q(roleName);
    case RelationNameRole: return q(relation.qualifiedName());
    case Qt::ToolTipRole: {
        const RelationAccess access = m_privileges->access(roleName, relation);
        QString tip = QStringLiteral("<b>%1</b> on <b>%2</b>").arg(q(roleName).toHtmlEscaped(), q(relation.qualifiedName()).toHtmlEscaped());
        bool any = false;
        for (int p = 0; p < kTablePrivilegeCount; ++p) {
            const PrivilegeHold &h = access.holds[p];
            if (h.kind == PrivilegeHold::Kind::None)
                continue;
            any = true;
            tip += QStringLiteral("<br>%1 — %2").arg(QLatin1String(privilegeName(TablePrivilege(p))), h.via.join(QStringLiteral("; ")).toHtmlEscaped());
            if (!h.columns.isEmpty())
                tip += tr(" (columns %1)").arg(h.columns.join(QStringLiteral(", ")).toHtmlEscaped());
        }
        if (!any)
            tip += QStringLiteral("<br>") + tr("no access");
        if (relation.rlsEnabled)
            tip += QStringLiteral("<br>") + tr("rows limited by row-level security (%n policy(ies))", nullptr, int(relation.policies.size()));
        tip += QStringLiteral("<br><i>%1</i>").arg(tr("Double-click for the column breakdown"));
        return tip;
    }
    default: return {};
    }
}

QVariant GrantsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (!m_catalog)
        return {};
    if (orientation == Qt::Vertical) {
        if (section < 0 || section >= int(m_roles.size()))
            return {};
        const std::string &name = m_roles[section];
        const catalog::Role *r = m_catalog->findRole(name);
        const auto severity = objectSeverity("role " + name, false);
        switch (role) {
        case Qt::DisplayRole:
            if (!r)
                return tr("PUBLIC (everyone)");
            return q(name) + (r->superuser ? tr("  superuser") : r->login ? tr("  login") : QString());
        case Qt::DecorationRole:
            if (severity)
                return icon(severityIconName(*severity));
            return icon(r && r->login ? QStringLiteral("login-role") : QStringLiteral("role"));
        case Qt::ToolTipRole: {
            QString tip = r ? QStringLiteral("<b>%1</b>").arg(q(name).toHtmlEscaped()) : tr("<b>PUBLIC</b>: what every role gets");
            const QString f = findingsText("role " + name, false);
            return f.isEmpty() ? tip : tip + QStringLiteral("<br>") + f;
        }
        case SeverityRole: return severity ? QVariant(int(*severity)) : QVariant();
        case ObjectNameRole: return r ? QStringLiteral("role ") + q(name) : QString();
        default: return {};
        }
    }
    if (section < 0 || section >= int(m_relations.size()))
        return {};
    const catalog::Relation &rel = m_catalog->relations[m_relations[section]];
    const auto severity = objectSeverity(rel.qualifiedName(), true);
    switch (role) {
    case Qt::DisplayRole: {
        QString rls = rel.rlsEnabled ? (rel.rlsForced ? tr("RLS forced · %1") : tr("RLS · %1")).arg(rel.policies.size()) : QStringLiteral("—");
        return QStringLiteral("%1\n%2").arg(q(m_schemaFilter.isEmpty() && rel.schema != "public" ? rel.qualifiedName() : rel.name), rls);
    }
    case Qt::DecorationRole:
        return severity ? icon(severityIconName(*severity)) : QVariant();
    case Qt::ToolTipRole: {
        QString tip = QStringLiteral("<b>%1</b><br>").arg(q(rel.qualifiedName()).toHtmlEscaped());
        tip += rel.rlsEnabled ? tr("row-level security enabled%1, %n policy(ies)", nullptr, int(rel.policies.size()))
                                    .arg(rel.rlsForced ? tr(" and forced") : QString())
                              : tr("no row-level security: a grant reaches every row");
        const QString f = findingsText(rel.qualifiedName(), true);
        return f.isEmpty() ? tip : tip + QStringLiteral("<br>") + f;
    }
    case SeverityRole: return severity ? QVariant(int(*severity)) : QVariant();
    case ObjectNameRole: return q(rel.qualifiedName());
    default: return {};
    }
}

} // namespace writ::ui
