// SPDX-License-Identifier: Apache-2.0
#pragma once

// Gateway ▸ Connect to Gateway…: the admin API URL and the file holding its bearer token, plus what
// publishing needs (the publisher key, the database when it is not the studio's connection).

#include "ui/operate/publish_settings.h"

#include <QDialog>

class QLineEdit;

namespace writ::ui {

class GatewayConnectDialog : public QDialog
{
    Q_OBJECT

public:
    explicit GatewayConnectDialog(QWidget *parent = nullptr);

    void setValues(const QString &url, const QString &tokenFile, const PublishSettings &publish);
    QString url() const;
    QString tokenFile() const;
    PublishSettings publishSettings() const;

private:
    QLineEdit *m_url = nullptr;
    QLineEdit *m_tokenFile = nullptr;
    QLineEdit *m_publisherKey = nullptr;
    QLineEdit *m_database = nullptr;
};

} // namespace writ::ui
