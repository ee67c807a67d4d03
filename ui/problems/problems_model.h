// SPDX-License-Identifier: Apache-2.0
#pragma once

// The Problems dock's rows: the policy's diagnostics (placed at a line of the YAML) and the
// findings on the connected database (placed at a catalog object), most severe first.

#include "common/diagnostic.h"
#include "findings/finding.h"

#include <QAbstractTableModel>
#include <QString>

#include <vector>

namespace writ::ui {

struct Problem
{
    enum class Level { Error, Warning, Info }; ///< findings: high → Error, medium → Warning, low/info → Info
    Level level = Level::Error;
    QString severityText; ///< "error", "warning", "high", "medium", ...
    QString message;
    QString hint;
    QString code;
    int line = 0; ///< policy diagnostics: 1-based line in the YAML, 0 when unknown
    int column = 0;
    QString object; ///< findings: "public.customers", "role helpdesk_app", ...
};

class ProblemsModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column { SeverityColumn, MessageColumn, PlaceColumn, ColumnCount };
    enum Roles { LineRole = Qt::UserRole + 1, ColumnRole, ObjectRole, CodeRole };

    explicit ProblemsModel(QObject *parent = nullptr);

    void setDiagnostics(const Diagnostics &diagnostics);
    void setFindings(const std::vector<findings::Finding> &findings);

    const Problem &problem(int row) const { return m_rows[std::size_t(row)]; }
    int errorCount() const;
    int warningCount() const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    void rebuild();

    std::vector<Problem> m_diagnostics;
    std::vector<Problem> m_findings;
    std::vector<Problem> m_rows;
};

} // namespace writ::ui
