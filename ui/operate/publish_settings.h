// SPDX-License-Identifier: Apache-2.0
#pragma once

// What publishing needs beyond the gateway: the publisher's private key and the database the floor is
// applied to (empty: the studio's own connection). Asked once, remembered in QSettings; a password in
// a database URL is never saved.

#include <QString>

namespace writ::ui {

struct PublishSettings
{
    QString publisherKeyPath;
    QString databaseUrl; ///< libpq URI or key=value string; empty: use the studio's connection

    static PublishSettings load();
    void save() const;
};

/// `url` without a password, for saving: URIs lose their userinfo password, key=value strings their password=.
QString withoutPassword(const QString &url);

} // namespace writ::ui
