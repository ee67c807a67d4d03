// SPDX-License-Identifier: Apache-2.0
#include "ui/connect/connection_spec.h"

#include <libpq-fe.h>

#include <QDir>
#include <QFile>
#include <QRegularExpression>
#include <QSettings>
#include <QUrl>

#include <map>

namespace writ::ui {

namespace {

constexpr int kMaxSavedConnections = 10;
const char *const kSettingsKey = "connections/recent";

QString quoted(const QString &value)
{
    QString escaped = value;
    escaped.replace(QLatin1Char('\\'), QLatin1String("\\\\"));
    escaped.replace(QLatin1Char('\''), QLatin1String("\\'"));
    return QLatin1Char('\'') + escaped + QLatin1Char('\'');
}

/// libpq's own reading of a URI or key=value string; empty map and `error` set when it cannot parse it.
std::map<std::string, std::string> parseConninfo(const QString &text, QString *error)
{
    std::map<std::string, std::string> values;
    char *err = nullptr;
    PQconninfoOption *options = PQconninfoParse(text.toUtf8().constData(), &err);
    if (!options) {
        if (error)
            *error = QObject::tr("This connection string is not valid: %1").arg(err ? QString::fromUtf8(err).trimmed() : QObject::tr("out of memory"));
        if (err)
            PQfreemem(err);
        return values;
    }
    for (PQconninfoOption *o = options; o->keyword; ++o) {
        if (o->val && *o->val)
            values[o->keyword] = o->val;
    }
    PQconninfoFree(options);
    return values;
}

} // namespace

QString ConnectionSpec::conninfo(const QString &password, QString *error) const
{
    std::map<std::string, std::string> values;
    if (!uri.trimmed().isEmpty()) {
        QString parseError;
        values = parseConninfo(uri.trimmed(), &parseError);
        if (!parseError.isEmpty()) {
            if (error)
                *error = parseError;
            return {};
        }
    } else {
        if (!service.isEmpty())
            values["service"] = service.toStdString();
        if (!host.isEmpty())
            values["host"] = host.toStdString();
        if (port > 0)
            values["port"] = std::to_string(port);
        if (!database.isEmpty())
            values["dbname"] = database.toStdString();
        if (!user.isEmpty())
            values["user"] = user.toStdString();
    }
    if (!sslMode.isEmpty())
        values["sslmode"] = sslMode.toStdString();
    if (!sslRootCert.isEmpty())
        values["sslrootcert"] = sslRootCert.toStdString();
    if (!password.isEmpty())
        values["password"] = password.toStdString();
    values.emplace("application_name", "writ-studio");
    QStringList parts;
    for (const auto &[key, value] : values)
        parts << QString::fromStdString(key) + QLatin1Char('=') + quoted(QString::fromStdString(value));
    return parts.join(QLatin1Char(' '));
}

bool ConnectionSpec::carriesPassword() const
{
    if (uri.trimmed().isEmpty())
        return false;
    const auto values = parseConninfo(uri.trimmed(), nullptr);
    return values.count("password") > 0;
}

QString ConnectionSpec::displayName() const
{
    if (!uri.trimmed().isEmpty()) {
        const auto values = parseConninfo(uri.trimmed(), nullptr);
        auto get = [&](const char *key) {
            auto it = values.find(key);
            return it == values.end() ? QString() : QString::fromStdString(it->second);
        };
        if (!values.empty()) {
            QString where = get("host").isEmpty() ? QObject::tr("local") : get("host");
            if (!get("port").isEmpty())
                where += QLatin1Char(':') + get("port");
            QString who = get("user");
            return (who.isEmpty() ? QString() : who + QLatin1Char('@')) + where + QLatin1Char('/') + get("dbname");
        }
        return uri;
    }
    if (!service.isEmpty() && host.isEmpty())
        return QObject::tr("service %1").arg(service);
    QString where = host.isEmpty() ? QObject::tr("local") : host;
    if (port > 0)
        where += QLatin1Char(':') + QString::number(port);
    return (user.isEmpty() ? QString() : user + QLatin1Char('@')) + where + QLatin1Char('/') + database;
}

QVariantMap ConnectionSpec::toVariantMap() const
{
    QVariantMap map;
    QString safeUri = uri.trimmed();
    if (carriesPassword()) {
        // Never store a password in plain text: keep the URI's other parts.
        auto values = parseConninfo(safeUri, nullptr);
        values.erase("password");
        QStringList parts;
        for (const auto &[key, value] : values)
            parts << QString::fromStdString(key) + QLatin1Char('=') + quoted(QString::fromStdString(value));
        safeUri = parts.join(QLatin1Char(' '));
    }
    map[QStringLiteral("uri")] = safeUri;
    map[QStringLiteral("service")] = service;
    map[QStringLiteral("host")] = host;
    map[QStringLiteral("port")] = port;
    map[QStringLiteral("database")] = database;
    map[QStringLiteral("user")] = user;
    map[QStringLiteral("sslmode")] = sslMode;
    map[QStringLiteral("sslrootcert")] = sslRootCert;
    return map;
}

ConnectionSpec ConnectionSpec::fromVariantMap(const QVariantMap &map)
{
    ConnectionSpec spec;
    spec.uri = map.value(QStringLiteral("uri")).toString();
    spec.service = map.value(QStringLiteral("service")).toString();
    spec.host = map.value(QStringLiteral("host")).toString();
    spec.port = map.value(QStringLiteral("port")).toInt();
    spec.database = map.value(QStringLiteral("database")).toString();
    spec.user = map.value(QStringLiteral("user")).toString();
    spec.sslMode = map.value(QStringLiteral("sslmode")).toString();
    spec.sslRootCert = map.value(QStringLiteral("sslrootcert")).toString();
    return spec;
}

QStringList sslModes()
{
    return {QStringLiteral("disable"), QStringLiteral("allow"), QStringLiteral("prefer"), QStringLiteral("require"),
            QStringLiteral("verify-ca"), QStringLiteral("verify-full")};
}

QStringList parseServiceNames(const QString &text)
{
    QStringList names;
    static const QRegularExpression section(QStringLiteral("^\\s*\\[([^\\]]+)\\]\\s*$"));
    for (const QString &line : text.split(QLatin1Char('\n'))) {
        const auto match = section.match(line);
        if (match.hasMatch() && !names.contains(match.captured(1).trimmed()))
            names << match.captured(1).trimmed();
    }
    return names;
}

QStringList pgServiceNames()
{
    QStringList files;
    const QString userFile = qEnvironmentVariable("PGSERVICEFILE");
    files << (userFile.isEmpty() ? QDir::homePath() + QStringLiteral("/.pg_service.conf") : userFile);
    const QString sysconf = qEnvironmentVariable("PGSYSCONFDIR");
    files << (sysconf.isEmpty() ? QStringLiteral("/etc/postgresql-common") : sysconf) + QStringLiteral("/pg_service.conf");
    QStringList names;
    for (const QString &path : files) {
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly))
            continue;
        for (const QString &name : parseServiceNames(QString::fromUtf8(file.readAll()))) {
            if (!names.contains(name))
                names << name;
        }
    }
    return names;
}

QList<ConnectionSpec> savedConnections()
{
    QList<ConnectionSpec> out;
    QSettings settings;
    for (const QVariant &v : settings.value(QLatin1String(kSettingsKey)).toList())
        out << ConnectionSpec::fromVariantMap(v.toMap());
    return out;
}

void rememberConnection(const ConnectionSpec &spec)
{
    QList<ConnectionSpec> list = savedConnections();
    const ConnectionSpec stored = ConnectionSpec::fromVariantMap(spec.toVariantMap());
    list.removeAll(stored);
    list.prepend(stored);
    while (list.size() > kMaxSavedConnections)
        list.removeLast();
    QVariantList values;
    for (const ConnectionSpec &s : list)
        values << s.toVariantMap();
    QSettings settings;
    settings.setValue(QLatin1String(kSettingsKey), values);
}

} // namespace writ::ui
