// SPDX-License-Identifier: Apache-2.0
#pragma once

// Shared helpers of the studio tests: the demo policy, its catalog snapshot, settings kept apart
// from the user's.

#include "catalog/catalog.h"
#include "catalog/catalog_json.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QStandardPaths>
#include <QString>
#include <QTest>
#include <QWidget>

#include <memory>

namespace writ::ui::test {

inline QString demoPolicyPath()
{
    return QStringLiteral(WRIT_SOURCE_DIR "/resources/demo/supportdesk.writ.yaml");
}

/// The demo database as tests/integration/catalog keeps it (introspected from resources/demo/*.sql).
inline QString demoSnapshotPath()
{
    return QStringLiteral(WRIT_TEST_DATA_DIR "/catalog/supportdesk.json");
}

inline std::shared_ptr<catalog::Catalog> demoCatalog()
{
    auto cat = std::make_shared<catalog::Catalog>(catalog::loadCatalogFile(demoSnapshotPath().toStdString()));
    cat->reindex();
    return cat;
}

inline QString readFile(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? QString::fromUtf8(f.readAll()) : QString();
}

/// Keeps QSettings (recent files, window state) out of the user's configuration.
inline void isolateSettings()
{
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("WritTests"));
    QCoreApplication::setApplicationName(QStringLiteral("writ-studio-tests"));
}

/// With WRIT_OPERATE_SCREENSHOTS=DIR, saves `widget` as DIR/name (the documentation's screenshots).
inline void screenshot(QWidget *widget, const QString &name)
{
    const QString dir = qEnvironmentVariable("WRIT_OPERATE_SCREENSHOTS");
    if (dir.isEmpty())
        return;
    QDir().mkpath(dir);
    QVERIFY(widget->grab().save(QDir(dir).filePath(name)));
}

} // namespace writ::ui::test
