// SPDX-License-Identifier: Apache-2.0
#include "ui/operate/json_table.h"

#include <QHeaderView>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTableWidget>

namespace writ::ui {

QString cellText(const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::Double: return QString::number(value.toInteger(qint64(value.toDouble())));
    case QJsonValue::Bool: return value.toBool() ? QObject::tr("yes") : QObject::tr("no");
    case QJsonValue::String: return value.toString();
    case QJsonValue::Null:
    case QJsonValue::Undefined: return {};
    default: return QString::fromUtf8(QJsonDocument(value.toObject()).toJson(QJsonDocument::Compact));
    }
}

JsonColumn field(const QString &title, const QString &key)
{
    return {title, [key](const QJsonObject &o) { return cellText(o.value(key)); }};
}

void fillTable(QTableWidget *table, const QJsonArray &rows, const QList<JsonColumn> &columns, const QString &idKey)
{
    const QString selected = selectedId(table);
    if (table->columnCount() != columns.size()) {
        table->setColumnCount(int(columns.size()));
        QStringList titles;
        for (const auto &c : columns)
            titles << c.title;
        table->setHorizontalHeaderLabels(titles);
        table->setSelectionBehavior(QAbstractItemView::SelectRows);
        table->setSelectionMode(QAbstractItemView::SingleSelection);
        table->setEditTriggers(QAbstractItemView::NoEditTriggers);
        table->verticalHeader()->hide();
        table->horizontalHeader()->setStretchLastSection(true);
    }
    table->setRowCount(int(rows.size()));
    for (int r = 0; r < rows.size(); ++r) {
        const QJsonObject o = rows.at(r).toObject();
        for (int c = 0; c < columns.size(); ++c) {
            auto *item = new QTableWidgetItem(columns.at(c).text(o));
            item->setToolTip(item->text());
            if (c == 0)
                item->setData(Qt::UserRole, cellText(o.value(idKey)));
            table->setItem(r, c, item);
        }
    }
    if (!selected.isEmpty())
        selectId(table, selected);
}

QString selectedId(const QTableWidget *table)
{
    const auto rows = table->selectionModel() ? table->selectionModel()->selectedRows() : QModelIndexList();
    if (rows.isEmpty() || !table->item(rows.first().row(), 0))
        return {};
    return table->item(rows.first().row(), 0)->data(Qt::UserRole).toString();
}

bool selectId(QTableWidget *table, const QString &id)
{
    for (int r = 0; r < table->rowCount(); ++r)
        if (table->item(r, 0) && table->item(r, 0)->data(Qt::UserRole).toString() == id) {
            table->selectRow(r);
            return true;
        }
    return false;
}

} // namespace writ::ui
