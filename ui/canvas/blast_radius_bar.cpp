// SPDX-License-Identifier: Apache-2.0
#include "ui/canvas/blast_radius_bar.h"

#include <QLocale>
#include <QMap>

namespace writ::ui {

namespace {

QString counted(std::size_t n, const QString &one, const QString &many)
{
    return n == 1 ? QStringLiteral("1 ") + one : QStringLiteral("%1 %2").arg(QLocale().toString(qulonglong(n)), many);
}

} // namespace

BlastRadiusBar::BlastRadiusBar(QWidget *parent)
    : QLabel(parent)
{
    setContentsMargins(10, 4, 10, 4);
    setTextInteractionFlags(Qt::TextSelectableByMouse);
    setToolTip(tr("What this task could reach if everything it is allowed went wrong at once. Rows are the catalog's estimates "
                  "(reltuples) summed over the relations whose rows it can read, update or delete; a row filter makes that an "
                  "upper bound."));
}

QString BlastRadiusBar::summarize(const review::BlastRadius &r, std::optional<double> plannerRows)
{
    QStringList parts;
    parts << counted(r.relations.size(), tr("relation"), tr("relations"));
    parts << (r.columnsExact ? QString() : QStringLiteral("≥")) + counted(r.columnCount, tr("column"), tr("columns"));
    // Sensitive columns by label, with how many of them are read only masked.
    QMap<QString, QPair<int, int>> labels; // label -> (count, masked)
    for (const review::ClassifiedColumn &c : r.classified) {
        auto &entry = labels[QString::fromStdString(c.label)];
        ++entry.first;
        if (c.masked)
            ++entry.second;
    }
    if (labels.isEmpty())
        parts << tr("no sensitive column");
    for (auto it = labels.cbegin(); it != labels.cend(); ++it) {
        const auto [count, masked] = it.value();
        parts << (masked == 0     ? tr("%1 %2").arg(count).arg(it.key())
                : masked == count ? tr("%1 %2 (masked)").arg(count).arg(it.key())
                                  : tr("%1 %2 (%3 masked)").arg(count).arg(it.key()).arg(masked));
    }
    if (r.rows)
        parts << tr("%1%2 rows")
                     .arg(r.rowsUpperBound ? QStringLiteral("≤") : QStringLiteral("≈"), QLocale().toString(qint64(*r.rows)));
    else
        parts << tr("rows unknown");
    if (plannerRows)
        parts.last() += tr(" (≈%1 for one task, by the planner)").arg(QLocale().toString(qint64(*plannerRows + 0.5)));
    QStringList writes;
    auto list = [](const std::vector<std::string> &v) {
        QStringList out;
        for (const auto &s : v)
            out << QString::fromStdString(s);
        return out.join(QStringLiteral(", "));
    };
    if (!r.inserts.empty())
        writes << tr("inserts into %1").arg(list(r.inserts));
    if (!r.updates.empty())
        writes << tr("updates %1").arg(list(r.updates));
    if (!r.deletes.empty())
        writes << tr("deletes from %1").arg(list(r.deletes));
    parts << (writes.isEmpty() ? tr("no writes") : writes.join(QStringLiteral("; ")));
    return tr("blast radius: %1").arg(parts.join(QStringLiteral(" · ")));
}

void BlastRadiusBar::setRadius(const review::BlastRadius &radius)
{
    m_radius = radius;
    updateText();
}

void BlastRadiusBar::setPlannerRows(std::optional<double> rows)
{
    m_plannerRows = rows;
    updateText();
}

void BlastRadiusBar::updateText()
{
    m_summary = summarize(m_radius, m_plannerRows);
    setText(m_summary);
}

} // namespace writ::ui
