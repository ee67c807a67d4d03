// SPDX-License-Identifier: Apache-2.0
#include "ui/grants/grants_delegate.h"

#include "ui/grants/effective_privileges.h"
#include "ui/grants/grants_model.h"

#include "findings/finding.h"

#include <QApplication>
#include <QPainter>

namespace writ::ui {

namespace {

QColor letterColour(TablePrivilege p)
{
    switch (p) {
    case TablePrivilege::Select: return QColor(0x3b, 0x82, 0xc4);
    case TablePrivilege::Insert:
    case TablePrivilege::Update: return QColor(0xe0, 0x8a, 0x1e);
    default: return QColor(0xd6, 0x45, 0x45);
    }
}

QColor severityTint(findings::Severity s)
{
    switch (s) {
    case findings::Severity::High: return QColor(0xd6, 0x45, 0x45, 60);
    case findings::Severity::Medium: return QColor(0xe0, 0x8a, 0x1e, 55);
    default: return QColor(0xc9, 0xa2, 0x27, 45);
    }
}

} // namespace

void GrantsDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    QStyleOptionViewItem opt = option;
    initStyleOption(&opt, index);
    opt.text.clear();
    const QWidget *widget = option.widget;
    QStyle *style = widget ? widget->style() : QApplication::style();
    style->drawPrimitive(QStyle::PE_PanelItemViewItem, &opt, painter, widget);

    painter->save();
    const QVariant severity = index.data(GrantsModel::SeverityRole);
    if (severity.isValid() && !(option.state & QStyle::State_Selected))
        painter->fillRect(option.rect, severityTint(findings::Severity(severity.toInt())));

    const auto *model = qobject_cast<const GrantsModel *>(index.model());
    const RelationAccess access = model ? model->accessAt(index.row(), index.column()) : RelationAccess {};
    QFont font = option.font;
    font.setFamily(QStringLiteral("DejaVu Sans Mono"));
    const qreal slot = qreal(option.rect.width() - 8) / kTablePrivilegeCount;
    for (int p = 0; p < kTablePrivilegeCount; ++p) {
        const PrivilegeHold &hold = access.holds[p];
        const QRectF r(option.rect.left() + 4 + p * slot, option.rect.top(), slot, option.rect.height());
        QColor colour = letterColour(TablePrivilege(p));
        QString text = QString(QLatin1Char(privilegeLetter(TablePrivilege(p))));
        font.setBold(hold.kind == PrivilegeHold::Kind::Direct);
        switch (hold.kind) {
        case PrivilegeHold::Kind::None:
            colour = option.palette.color(QPalette::PlaceholderText);
            text = QStringLiteral("·");
            break;
        case PrivilegeHold::Kind::Inherited: colour.setAlpha(150); break;
        case PrivilegeHold::Kind::ColumnsOnly: text = text.toLower(); break;
        case PrivilegeHold::Kind::Direct: break;
        }
        painter->setFont(font);
        painter->setPen(colour);
        painter->drawText(r, Qt::AlignCenter, text);
    }
    painter->restore();
}

QSize GrantsDelegate::sizeHint(const QStyleOptionViewItem &option, const QModelIndex &) const
{
    const QFontMetrics metrics(option.font);
    return {metrics.horizontalAdvance(QStringLiteral("M")) * 2 * kTablePrivilegeCount + 8, metrics.height() + 8};
}

} // namespace writ::ui
