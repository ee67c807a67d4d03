// SPDX-License-Identifier: Apache-2.0
#include "ui/problems/problems_model.h"

#include "ui/shell/icons.h"

#include <algorithm>

namespace writ::ui {

ProblemsModel::ProblemsModel(QObject *parent)
    : QAbstractTableModel(parent)
{ }

void ProblemsModel::setDiagnostics(const Diagnostics &diagnostics)
{
    m_diagnostics.clear();
    for (const Diagnostic &d : diagnostics.items()) {
        Problem p;
        p.level = d.severity == Severity::Error ? Problem::Level::Error : d.severity == Severity::Warning ? Problem::Level::Warning : Problem::Level::Info;
        p.severityText = QString::fromLatin1(severityName(d.severity));
        p.message = QString::fromStdString(d.message);
        p.hint = QString::fromStdString(d.hint);
        p.code = QString::fromStdString(d.code);
        p.line = d.location.line;
        p.column = d.location.column;
        m_diagnostics.push_back(std::move(p));
    }
    rebuild();
}

void ProblemsModel::setFindings(const std::vector<findings::Finding> &list)
{
    m_findings.clear();
    for (const findings::Finding &f : list) {
        Problem p;
        p.level = f.severity == findings::Severity::High ? Problem::Level::Error
            : f.severity == findings::Severity::Medium   ? Problem::Level::Warning
                                                         : Problem::Level::Info;
        p.severityText = QString::fromLatin1(findings::toString(f.severity));
        p.message = QString::fromStdString(f.title);
        p.hint = QString::fromStdString(f.why) + QStringLiteral("\n\nFix:\n") + QString::fromStdString(f.fix);
        p.code = QString::fromStdString(f.code);
        p.object = QString::fromStdString(f.object);
        m_findings.push_back(std::move(p));
    }
    rebuild();
}

void ProblemsModel::rebuild()
{
    beginResetModel();
    m_rows.clear();
    m_rows.insert(m_rows.end(), m_diagnostics.begin(), m_diagnostics.end());
    m_rows.insert(m_rows.end(), m_findings.begin(), m_findings.end());
    // Most severe first; the policy's own problems before the database's at equal level.
    std::stable_sort(m_rows.begin(), m_rows.end(), [](const Problem &a, const Problem &b) { return a.level < b.level; });
    endResetModel();
}

int ProblemsModel::errorCount() const
{
    return int(std::count_if(m_rows.begin(), m_rows.end(), [](const Problem &p) { return p.level == Problem::Level::Error; }));
}

int ProblemsModel::warningCount() const
{
    return int(std::count_if(m_rows.begin(), m_rows.end(), [](const Problem &p) { return p.level == Problem::Level::Warning; }));
}

int ProblemsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int ProblemsModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ProblemsModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid())
        return {};
    const Problem &p = m_rows[std::size_t(index.row())];
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case SeverityColumn: return p.severityText;
        case MessageColumn: return p.message;
        case PlaceColumn:
            if (p.line > 0)
                return tr("line %1:%2").arg(p.line).arg(p.column);
            return p.object;
        }
        return {};
    case Qt::DecorationRole:
        if (index.column() != SeverityColumn)
            return {};
        switch (p.level) {
        case Problem::Level::Error: return icon(p.object.isEmpty() ? QStringLiteral("error") : QStringLiteral("severity-high"));
        case Problem::Level::Warning: return icon(p.object.isEmpty() ? QStringLiteral("warning") : QStringLiteral("severity-medium"));
        case Problem::Level::Info: return icon(QStringLiteral("info"));
        }
        return {};
    case Qt::ToolTipRole: {
        QString tip = QStringLiteral("<b>%1</b> [%2]").arg(p.message.toHtmlEscaped(), p.code.toHtmlEscaped());
        if (!p.hint.isEmpty())
            tip += QStringLiteral("<pre>%1</pre>").arg(p.hint.toHtmlEscaped());
        return tip;
    }
    case LineRole: return p.line;
    case ColumnRole: return p.column;
    case ObjectRole: return p.object;
    case CodeRole: return p.code;
    default: return {};
    }
}

QVariant ProblemsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case SeverityColumn: return tr("Severity");
    case MessageColumn: return tr("Problem");
    case PlaceColumn: return tr("Where");
    }
    return {};
}

} // namespace writ::ui
