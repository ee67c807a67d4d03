// SPDX-License-Identifier: Apache-2.0
#include "ui/shell/palette.h"

#include <QApplication>
#include <QSettings>
#include <QStyle>
#include <QStyleFactory>

namespace writ::ui {

QPalette studioPalette(Theme theme)
{
    if (theme == Theme::Light) {
        static QStyle *const fusion = QStyleFactory::create(QStringLiteral("Fusion"));
        QPalette p = fusion->standardPalette();
        p.setColor(QPalette::Highlight, QColor(0x3b, 0x82, 0xc4));
        p.setColor(QPalette::AlternateBase, QColor(0xf3, 0xf5, 0xf8));
        return p;
    }
    QPalette p;
    const QColor window(0x23, 0x27, 0x2e), base(0x1b, 0x1e, 0x23), text(0xdd, 0xe1, 0xe6), mid(0x4a, 0x50, 0x5a);
    p.setColor(QPalette::Window, window);
    p.setColor(QPalette::WindowText, text);
    p.setColor(QPalette::Base, base);
    p.setColor(QPalette::AlternateBase, QColor(0x26, 0x2a, 0x31));
    p.setColor(QPalette::ToolTipBase, window);
    p.setColor(QPalette::ToolTipText, text);
    p.setColor(QPalette::Text, text);
    p.setColor(QPalette::PlaceholderText, QColor(0x8a, 0x92, 0x9c));
    p.setColor(QPalette::Button, window);
    p.setColor(QPalette::ButtonText, text);
    p.setColor(QPalette::BrightText, Qt::white);
    p.setColor(QPalette::Mid, mid);
    p.setColor(QPalette::Dark, QColor(0x15, 0x17, 0x1b));
    p.setColor(QPalette::Light, QColor(0x33, 0x38, 0x40));
    p.setColor(QPalette::Highlight, QColor(0x3b, 0x82, 0xc4));
    p.setColor(QPalette::HighlightedText, Qt::white);
    p.setColor(QPalette::Link, QColor(0x6c, 0xaa, 0xe6));
    p.setColor(QPalette::Disabled, QPalette::Text, QColor(0x6a, 0x70, 0x78));
    p.setColor(QPalette::Disabled, QPalette::ButtonText, QColor(0x6a, 0x70, 0x78));
    p.setColor(QPalette::Disabled, QPalette::WindowText, QColor(0x6a, 0x70, 0x78));
    return p;
}

void applyTheme(Theme theme)
{
    QApplication::setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
    QApplication::setPalette(studioPalette(theme));
    QSettings().setValue(QStringLiteral("ui/theme"), theme == Theme::Dark ? QStringLiteral("dark") : QStringLiteral("light"));
}

Theme savedTheme()
{
    return QSettings().value(QStringLiteral("ui/theme")).toString() == QLatin1String("dark") ? Theme::Dark : Theme::Light;
}

} // namespace writ::ui
