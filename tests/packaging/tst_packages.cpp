// SPDX-License-Identifier: Apache-2.0
// The Debian packages end to end: cpack builds writ, writ-gateway and writ-studio from this build; the
// gateway's dependencies hold no GUI library; the packages install with dpkg; the installed writ runs;
// the installed gateway, started with its systemd unit's command line as its own system user, serves the
// sandbox database to psql; purging removes every file, the user and /etc/writ.
// Installing needs root (CI runs as root); without it the install steps are skipped, and say so.

#include "../integration/gateway/gateway_fixture.h"

#include <QDir>
#include <QRegularExpression>

#include <unistd.h>

using namespace gatewaytest;

namespace {

CliResult run(const QString &program, const QStringList &args, int timeoutMs = 300000)
{
    return runTool(program, args, QString(), timeoutMs);
}

} // namespace

class TestPackages : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_out;
    QStringList m_debs;
    bool m_installed = false;

    QString deb(const QString &name) const
    {
        for (const auto &d : m_debs)
            if (QFileInfo(d).fileName().startsWith(name + "_"))
                return d;
        return {};
    }

    void purge()
    {
        run("dpkg", {"--purge", "writ-studio", "writ-gateway", "writ"});
        m_installed = false;
    }

private slots:
    void packagesAreBuiltFromThisBuild()
    {
        const CliResult r = run("cpack", {"-G", "DEB", "-B", m_out.path(), "--config", QStringLiteral(WRIT_BINARY_DIR "/CPackConfig.cmake")}, 600000);
        QVERIFY2(r.exitCode == 0, qPrintable(r.out + r.err));
        for (const auto &f : QDir(m_out.path()).entryList({"*.deb"}))
            m_debs << m_out.filePath(f);
        QVERIFY2(!deb("writ").isEmpty() && !deb("writ-gateway").isEmpty(), qPrintable(m_debs.join(", ")));
        QCOMPARE(QFileInfo(deb("writ")).fileName().section('_', 1, 1), QStringLiteral(WRIT_VERSION));
    }

    void gatewayPackageHasNoGuiDependency()
    {
        const CliResult info = run("dpkg-deb", {"--field", deb("writ-gateway"), "Depends"});
        QCOMPARE(info.exitCode, 0);
        QVERIFY2(info.out.contains("libpq5") && info.out.contains("adduser"), qPrintable(info.out));
        QVERIFY2(!info.out.contains("qt", Qt::CaseInsensitive) && !info.out.contains("libx", Qt::CaseInsensitive), qPrintable(info.out));
        const CliResult files = run("dpkg-deb", {"--contents", deb("writ-gateway")});
        for (const char *f : {"./usr/bin/writ-gateway", "./usr/lib/systemd/system/writ-gateway.service", "./etc/writ/gateway.yaml",
                              "./usr/share/man/man8/writ-gateway.8"})
            QVERIFY2(files.out.contains(f), f);
        QVERIFY(run("dpkg-deb", {"--contents", deb("writ")}).out.contains("./usr/share/man/man1/writ.1"));
        if (!deb("writ-studio").isEmpty()) {
            const CliResult studio = run("dpkg-deb", {"--contents", deb("writ-studio")});
            for (const char *f : {"./usr/share/applications/io.writ.Studio.desktop", "./usr/share/metainfo/io.writ.Studio.metainfo.xml",
                                  "./usr/share/icons/hicolor/scalable/apps/io.writ.Studio.svg"})
                QVERIFY2(studio.out.contains(f), f);
        }
    }

    void installedGatewayServesTheDatabase()
    {
        if (::geteuid() != 0)
            QSKIP("installing packages needs root (CI runs as root)");
        purge(); // a leftover from an interrupted run
        CliResult installed = run("dpkg", QStringList{"--install"} + m_debs);
        QVERIFY2(installed.exitCode == 0, qPrintable(installed.out + installed.err));
        m_installed = true;
        const CliResult version = run("/usr/bin/writ", {"--version"});
        QVERIFY2(version.out.contains(WRIT_VERSION), qPrintable(version.out + version.err));
        if (!deb("writ-studio").isEmpty()) {
            // On a server or over ssh there is no display: --version must still answer.
            QProcess studio;
            QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
            env.remove("DISPLAY");
            env.remove("WAYLAND_DISPLAY");
            env.remove("QT_QPA_PLATFORM");
            studio.setProcessEnvironment(env);
            studio.start("/usr/bin/writ-studio", {"--version"});
            QVERIFY(studio.waitForFinished(30000));
            QCOMPARE(studio.exitCode(), 0);
            QVERIFY(QString::fromUtf8(studio.readAllStandardOutput()).contains(WRIT_VERSION));
        }
        QVERIFY(run("getent", {"passwd", "writ"}).exitCode == 0);
        QCOMPARE(QFileInfo("/etc/writ").permissions() & QFileDevice::ReadOther, QFileDevice::Permissions());
        QCOMPARE(QFileInfo("/etc/writ/gateway.yaml").group(), QStringLiteral("writ"));

        // The unit's command line, pointed at a configuration for the sandbox, run as the unit's user.
        QFile unit("/usr/lib/systemd/system/writ-gateway.service");
        QVERIFY(unit.open(QIODevice::ReadOnly));
        const QString unitText = QString::fromUtf8(unit.readAll());
        const auto exec = QRegularExpression("^ExecStart=(\\S+) --config (\\S+)$", QRegularExpression::MultilineOption).match(unitText);
        QVERIFY2(exec.hasMatch(), qPrintable(unitText));
        QCOMPARE(exec.captured(1), QStringLiteral("/usr/bin/writ-gateway"));
        QVERIFY(unitText.contains("\nUser=writ\n"));

        GatewayFixture gw(QStringLiteral("writ_pkg_gateway"));
        gw.program = QStringLiteral("runuser");
        gw.programArguments = {"-u", "writ", "--", exec.captured(1)};
        gw.beforeLaunch = [&gw] {
            // What the package's postinst does for /etc/writ: the gateway's user reads its files, nobody else.
            run("chown", {"-R", "writ:writ", gw.directory()});
            run("chmod", {"0750", gw.directory()});
            const CliResult check = run("runuser", {"-u", "writ", "--", "/usr/bin/writ-gateway", "--config", gw.path("gateway.yaml"), "--check"});
            if (check.exitCode != 0)
                qFatal("the installed gateway's --check failed: %s", qPrintable(check.out + check.err));
        };
        gw.start();
        const GatewayTask task = gw.startTask("support-summarizer", "summarize-tickets", {"customer_id=2"});
        const CliResult psql = runTool("psql", {"-X", "-At", "-c", "SELECT count(*) FROM public.tickets", gw.gatewayDsn(QString()).replace("password=", "")},
                                       task.credential);
        QVERIFY2(psql.exitCode == 0, qPrintable(psql.err + gw.log()));
        QVERIFY(psql.out.trimmed().toInt() > 0);
        gw.stop();
    }

    void purgeRemovesEverything()
    {
        if (!m_installed)
            QSKIP("nothing was installed");
        const CliResult purged = run("dpkg", {"--purge", "writ-studio", "writ-gateway", "writ"});
        QVERIFY2(purged.exitCode == 0, qPrintable(purged.out + purged.err));
        m_installed = false;
        QVERIFY(!QFile::exists("/usr/bin/writ"));
        QVERIFY(!QFile::exists("/usr/bin/writ-gateway"));
        QVERIFY(!QFile::exists("/usr/lib/systemd/system/writ-gateway.service"));
        QVERIFY(!QFile::exists("/etc/writ"));
        QVERIFY(run("getent", {"passwd", "writ"}).exitCode != 0);
    }

    void cleanupTestCase()
    {
        if (m_installed)
            purge();
    }
};

QTEST_GUILESS_MAIN(TestPackages)
#include "tst_packages.moc"
