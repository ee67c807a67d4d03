// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "review/blast_radius.h"

#include <QLabel>

#include <optional>

namespace writ::ui {

/// The line under a scope canvas that says what the task could reach if everything it is allowed
/// went wrong at once (review::blastRadius): relations, columns, sensitive columns and how many of
/// them are masked, estimated rows, writes.
class BlastRadiusBar : public QLabel
{
    Q_OBJECT

public:
    explicit BlastRadiusBar(QWidget *parent = nullptr);

    void setRadius(const review::BlastRadius &radius);
    /// The planner's estimate of the rows one task reaches (row filters applied, context keys pinned);
    /// nullopt hides it (not connected, or not estimated yet).
    void setPlannerRows(std::optional<double> rows);
    std::optional<double> plannerRows() const { return m_plannerRows; }
    const review::BlastRadius &radius() const { return m_radius; }
    /// The bar as plain text ("blast radius: 3 relations · 15 columns · …").
    QString summary() const { return m_summary; }

    static QString summarize(const review::BlastRadius &radius, std::optional<double> plannerRows = std::nullopt);

private:
    void updateText();

    review::BlastRadius m_radius;
    QString m_summary;
    std::optional<double> m_plannerRows;
};

} // namespace writ::ui
