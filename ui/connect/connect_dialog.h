// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "ui/connect/connection_spec.h"

#include <QDialog>

class QComboBox;
class QLineEdit;
class QSpinBox;
class QTabWidget;
class QLabel;

namespace writ::ui {

/// Where to connect: a libpq URI, or host/port/database/user, or a pg_service.conf name; the TLS
/// mode; a password that is used once and never saved (empty: libpq reads ~/.pgpass). Recent
/// connections are offered without their passwords.
class ConnectDialog : public QDialog
{
    Q_OBJECT

public:
    explicit ConnectDialog(QWidget *parent = nullptr);

    void setSpec(const ConnectionSpec &spec);
    ConnectionSpec spec() const;
    QString password() const;
    /// Shown above the form, e.g. after the server refused the password.
    void setMessage(const QString &text);
    void focusPassword();

private:
    void validate();

    QComboBox *m_recent = nullptr;
    QTabWidget *m_tabs = nullptr;
    QLineEdit *m_uri = nullptr;
    QComboBox *m_service = nullptr;
    QLineEdit *m_host = nullptr;
    QSpinBox *m_port = nullptr;
    QLineEdit *m_database = nullptr;
    QLineEdit *m_user = nullptr;
    QComboBox *m_sslMode = nullptr;
    QLineEdit *m_rootCert = nullptr;
    QLineEdit *m_password = nullptr;
    QLabel *m_message = nullptr;
    QList<ConnectionSpec> m_saved;
};

} // namespace writ::ui
