// SPDX-License-Identifier: Apache-2.0
#include "ui/connect/connection_spec.h"
#include "ui/shell/main_window.h"
#include "ui/shell/screenshot_tour.h"
#include "ui/operate/operations.h"

#include <writ/version.h>

#include <QApplication>
#include <QCommandLineParser>
#include <QTimer>

#include <cstdio>
#include <cstring>
#include <memory>

namespace {

/// --help and --version are answered without a display: on a server or over ssh they must still work.
bool onlyAsksForHelpOrVersion(int argc, char **argv)
{
    for (int i = 1; i < argc; ++i)
        for (const char *flag : {"-h", "--help", "-v", "--version", "--help-all"})
            if (std::strcmp(argv[i], flag) == 0)
                return true;
    return false;
}

} // namespace

int main(int argc, char **argv)
{
    const std::unique_ptr<QCoreApplication> core = onlyAsksForHelpOrVersion(argc, argv)
                                                       ? std::make_unique<QCoreApplication>(argc, argv)
                                                       : std::unique_ptr<QCoreApplication>(new QApplication(argc, argv));
    QCoreApplication &app = *core;
    QCoreApplication::setApplicationName(QStringLiteral("Writ Studio"));
    QCoreApplication::setOrganizationName(QStringLiteral("Writ"));
    QCoreApplication::setApplicationVersion(QString::fromLatin1(writ::kVersion));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Design, review and publish task-scoped agent access to PostgreSQL"));
    parser.addHelpOption();
    parser.addVersionOption();
    QCommandLineOption connect(QStringLiteral("connect"), QStringLiteral("Database to connect to (libpq URI or key=value string)"), QStringLiteral("uri"));
    QCommandLineOption snapshot(QStringLiteral("snapshot"), QStringLiteral("Catalog snapshot to open instead of a database (writ catalog -o FILE)"), QStringLiteral("file"));
    QCommandLineOption screenshots(QStringLiteral("screenshots"), QStringLiteral("Save a PNG of every main view into DIR, then quit (scripts/screenshots)"), QStringLiteral("dir"));
    QCommandLineOption gateway(QStringLiteral("gateway"), QStringLiteral("Gateway admin API to operate and publish to (e.g. http://127.0.0.1:6433)"), QStringLiteral("url"));
    QCommandLineOption adminTokenFile(QStringLiteral("admin-token-file"), QStringLiteral("File holding the gateway's admin token (with --gateway)"), QStringLiteral("file"));
    parser.addOptions({connect, snapshot, screenshots, gateway, adminTokenFile});
    parser.addPositionalArgument(QStringLiteral("policy"), QStringLiteral("Policy file to open"));
    parser.process(app);

    writ::ui::MainWindow window;
    window.setInteractive(!parser.isSet(screenshots)); // a tour never waits for a person
    writ::ui::Operations *operations = writ::ui::installOperations(window);
    operations->setInteractive(!parser.isSet(screenshots));
    if (parser.isSet(gateway) != parser.isSet(adminTokenFile)) {
        std::fprintf(stderr, "writ-studio: --gateway and --admin-token-file go together\n");
        return 64;
    }
    if (parser.isSet(gateway))
        operations->connectToGateway(parser.value(gateway), parser.value(adminTokenFile));
    if (!parser.positionalArguments().isEmpty())
        window.openPolicy(parser.positionalArguments().constFirst());
    if (parser.isSet(snapshot))
        window.openSnapshot(parser.value(snapshot));
    if (parser.isSet(connect)) {
        writ::ui::ConnectionSpec spec;
        spec.uri = parser.value(connect);
        window.connectTo(spec);
    }
    window.show();
    if (parser.isSet(screenshots)) {
        QTimer::singleShot(0, &window, [&] {
            QString error;
            const int written = writ::ui::runScreenshotTour(window, parser.value(screenshots), &error);
            std::fprintf(stderr, "writ-studio: %d screenshot(s) written%s%s\n", written, error.isEmpty() ? "" : ": ",
                         qPrintable(error));
            app.exit(written > 0 && error.isEmpty() ? 0 : 1);
        });
    }
    return app.exec();
}
