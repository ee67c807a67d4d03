// SPDX-License-Identifier: Apache-2.0
#include "ui/operate/publish_settings.h"

#include <QRegularExpression>
#include <QSettings>
#include <QUrl>

namespace writ::ui {

namespace {

const char *const kKeyPathKey = "publish/publisherKey";
const char *const kDatabaseKey = "publish/database";

} // namespace

PublishSettings PublishSettings::load()
{
    QSettings settings;
    return {settings.value(QLatin1String(kKeyPathKey)).toString(), settings.value(QLatin1String(kDatabaseKey)).toString()};
}

void PublishSettings::save() const
{
    QSettings settings;
    settings.setValue(QLatin1String(kKeyPathKey), publisherKeyPath);
    settings.setValue(QLatin1String(kDatabaseKey), withoutPassword(databaseUrl));
}

QString withoutPassword(const QString &url)
{
    if (url.startsWith(QLatin1String("postgres://")) || url.startsWith(QLatin1String("postgresql://"))) {
        QUrl parsed(url);
        parsed.setPassword(QString());
        QString out = parsed.toString();
        // A password given as a query parameter is removed too.
        out.remove(QRegularExpression(QStringLiteral("([?&])password=[^&]*&?")));
        return out;
    }
    QString out = url;
    out.remove(QRegularExpression(QStringLiteral("\\bpassword\\s*=\\s*('([^'\\\\]|\\\\.)*'|\\S*)\\s*")));
    return out.trimmed();
}

} // namespace writ::ui
