// SPDX-License-Identifier: Apache-2.0
#pragma once

// Where to connect: a libpq URI, a pg_service.conf name, or separate fields. Saved in QSettings
// without the password (there is no keychain library to keep it safe): the password is asked each
// time, or libpq finds it in ~/.pgpass when left empty.

#include <QString>
#include <QStringList>
#include <QVariantMap>

namespace writ::ui {

struct ConnectionSpec
{
    QString uri;      ///< "postgresql://user@host:5432/db?sslmode=require" or "host=... dbname=..."; wins over the fields
    QString service;  ///< a section of pg_service.conf
    QString host;
    int port = 0;     ///< 0 = libpq's default
    QString database;
    QString user;
    QString sslMode;  ///< disable, allow, prefer, require, verify-ca, verify-full; empty = libpq's default (prefer)
    QString sslRootCert;

    /// The libpq connection string: a key='value' list, `password` added when not empty. Values are
    /// quoted, so spaces and quotes in them are safe. A URI is parsed by libpq and re-emitted, so
    /// the TLS mode and the password can be set on top of it. Empty with `error` set when libpq
    /// cannot parse the URI.
    QString conninfo(const QString &password = {}, QString *error = nullptr) const;
    /// "user@host:port/db", "service name" or the URI without its password: for titles and menus.
    QString displayName() const;
    /// True when the URI itself carries a password (then none is asked for).
    bool carriesPassword() const;
    bool isEmpty() const { return uri.isEmpty() && service.isEmpty() && host.isEmpty() && database.isEmpty(); }

    /// For QSettings. A password inside a URI is removed before saving.
    QVariantMap toVariantMap() const;
    static ConnectionSpec fromVariantMap(const QVariantMap &map);

    bool operator==(const ConnectionSpec &) const = default;
};

/// The TLS modes libpq knows, in order of strength.
QStringList sslModes();

/// Section names of the pg_service.conf files libpq reads: $PGSERVICEFILE or ~/.pg_service.conf,
/// then $PGSYSCONFDIR/pg_service.conf (Debian: /etc/postgresql-common/pg_service.conf).
QStringList pgServiceNames();

/// Section names in one pg_service.conf text.
QStringList parseServiceNames(const QString &text);

/// Saved connections, most recent first (at most 10).
QList<ConnectionSpec> savedConnections();
void rememberConnection(const ConnectionSpec &spec);

} // namespace writ::ui
