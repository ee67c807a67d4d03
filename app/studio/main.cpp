// SPDX-License-Identifier: Apache-2.0
#include "ui/main_window.h"

#include <writ/version.h>

#include <QApplication>
#include <QCommandLineParser>

int main(int argc, char **argv)
{
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("Writ Studio"));
    QApplication::setOrganizationName(QStringLiteral("Writ"));
    QApplication::setApplicationVersion(QString::fromLatin1(writ::kVersion));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Design, review and publish task-scoped agent access to PostgreSQL"));
    parser.addHelpOption();
    parser.addVersionOption();
    QCommandLineOption connect(QStringLiteral("connect"), QStringLiteral("Database to connect to (libpq URI)"), QStringLiteral("uri"));
    parser.addOption(connect);
    parser.addPositionalArgument(QStringLiteral("policy"), QStringLiteral("Policy file to open"));
    parser.process(app);

    writ::ui::MainWindow window;
    if (!parser.positionalArguments().isEmpty())
        window.openPolicy(parser.positionalArguments().constFirst());
    window.show();
    return app.exec();
}
