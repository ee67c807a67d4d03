// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QStyledItemDelegate>

namespace writ::ui {

/// Paints a grants cell as five letter slots S I U D T: strong when held directly, faded when
/// inherited (PUBLIC or a membership), lower case when only some columns are granted, a dot when
/// not held. Reads rise from blue to red with the damage the privilege can do; a finding tints the cell.
class GrantsDelegate : public QStyledItemDelegate
{
    Q_OBJECT

public:
    using QStyledItemDelegate::QStyledItemDelegate;

    void paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const override;
    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override;
};

} // namespace writ::ui
