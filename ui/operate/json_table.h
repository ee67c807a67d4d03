// SPDX-License-Identifier: Apache-2.0
#pragma once

// Fills a QTableWidget from the admin API's JSON arrays, keeping the selected row (by its id) across
// refreshes so a periodic refresh does not steal what the operator was about to act on.

#include <QJsonArray>
#include <QList>
#include <QString>

#include <functional>

class QTableWidget;

namespace writ::ui {

struct JsonColumn
{
    QString title;
    std::function<QString(const QJsonObject &)> text;
};

/// A column showing field `key` as text (numbers without decimals, booleans as yes/no).
JsonColumn field(const QString &title, const QString &key);

/// Replaces the rows; each row keeps its object's `idKey` value as Qt::UserRole of its first cell.
void fillTable(QTableWidget *table, const QJsonArray &rows, const QList<JsonColumn> &columns, const QString &idKey = QStringLiteral("id"));

/// The id of the selected row; empty when none.
QString selectedId(const QTableWidget *table);
/// Selects the row with `id`; false when there is none.
bool selectId(QTableWidget *table, const QString &id);

/// Text of a JSON value as a cell shows it.
QString cellText(const QJsonValue &value);

} // namespace writ::ui
