// SPDX-License-Identifier: Apache-2.0
#include "ui/connect/connect_dialog.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QTabWidget>
#include <QVBoxLayout>

namespace writ::ui {

namespace {
enum Tab { UriTab, FieldsTab };
}

ConnectDialog::ConnectDialog(QWidget *parent)
    : QDialog(parent)
    , m_saved(savedConnections())
{
    setWindowTitle(tr("Connect to PostgreSQL"));
    auto *layout = new QVBoxLayout(this);
    m_message = new QLabel(this);
    m_message->setWordWrap(true);
    m_message->setVisible(false);
    layout->addWidget(m_message);

    auto *top = new QFormLayout;
    m_recent = new QComboBox(this);
    m_recent->addItem(tr("New connection"));
    for (const ConnectionSpec &s : m_saved)
        m_recent->addItem(s.displayName());
    top->addRow(tr("&Recent:"), m_recent);
    layout->addLayout(top);

    m_tabs = new QTabWidget(this);
    auto *uriPage = new QWidget;
    auto *uriForm = new QFormLayout(uriPage);
    m_uri = new QLineEdit(uriPage);
    m_uri->setPlaceholderText(QStringLiteral("postgresql://admin@db.example.com:5432/supportdesk?sslmode=verify-full"));
    uriForm->addRow(tr("&URI or key=value:"), m_uri);
    uriForm->addRow(new QLabel(tr("Any libpq connection string works, including host=… dbname=… and service=name."), uriPage));
    m_tabs->addTab(uriPage, tr("URI"));

    auto *fieldsPage = new QWidget;
    auto *fields = new QFormLayout(fieldsPage);
    m_service = new QComboBox(fieldsPage);
    m_service->addItem(tr("(none)"));
    m_service->addItems(pgServiceNames());
    m_host = new QLineEdit(fieldsPage);
    m_host->setPlaceholderText(tr("localhost or a socket directory"));
    m_port = new QSpinBox(fieldsPage);
    m_port->setRange(0, 65535);
    m_port->setSpecialValueText(tr("default (5432)"));
    m_database = new QLineEdit(fieldsPage);
    m_user = new QLineEdit(fieldsPage);
    fields->addRow(tr("&Service (pg_service.conf):"), m_service);
    fields->addRow(tr("&Host:"), m_host);
    fields->addRow(tr("P&ort:"), m_port);
    fields->addRow(tr("&Database:"), m_database);
    fields->addRow(tr("U&ser:"), m_user);
    m_tabs->addTab(fieldsPage, tr("Fields"));
    layout->addWidget(m_tabs);

    auto *security = new QFormLayout;
    m_sslMode = new QComboBox(this);
    m_sslMode->addItem(tr("libpq default (prefer)"), QString());
    for (const QString &mode : sslModes())
        m_sslMode->addItem(mode, mode);
    m_rootCert = new QLineEdit(this);
    m_rootCert->setPlaceholderText(tr("CA certificate for verify-ca / verify-full (optional)"));
    m_password = new QLineEdit(this);
    m_password->setEchoMode(QLineEdit::Password);
    m_password->setPlaceholderText(tr("never saved; leave empty to use ~/.pgpass"));
    security->addRow(tr("&TLS mode:"), m_sslMode);
    security->addRow(tr("CA &certificate:"), m_rootCert);
    security->addRow(tr("&Password:"), m_password);
    layout->addLayout(security);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("Connect"));
    layout->addWidget(buttons);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_recent, &QComboBox::currentIndexChanged, this, [this](int i) {
        if (i > 0 && i <= m_saved.size())
            setSpec(m_saved[i - 1]);
    });
    for (QLineEdit *edit : {m_uri, m_host, m_database, m_user})
        connect(edit, &QLineEdit::textChanged, this, &ConnectDialog::validate);
    connect(m_service, &QComboBox::currentIndexChanged, this, &ConnectDialog::validate);
    connect(m_tabs, &QTabWidget::currentChanged, this, &ConnectDialog::validate);
    if (!m_saved.isEmpty())
        setSpec(m_saved.first());
    validate();
    resize(620, sizeHint().height());
}

void ConnectDialog::setSpec(const ConnectionSpec &spec)
{
    m_uri->setText(spec.uri);
    m_service->setCurrentIndex(std::max(0, m_service->findText(spec.service)));
    m_host->setText(spec.host);
    m_port->setValue(spec.port);
    m_database->setText(spec.database);
    m_user->setText(spec.user);
    m_sslMode->setCurrentIndex(std::max(0, m_sslMode->findData(spec.sslMode)));
    m_rootCert->setText(spec.sslRootCert);
    m_tabs->setCurrentIndex(spec.uri.isEmpty() ? FieldsTab : UriTab);
}

ConnectionSpec ConnectDialog::spec() const
{
    ConnectionSpec spec;
    if (m_tabs->currentIndex() == UriTab) {
        spec.uri = m_uri->text().trimmed();
    } else {
        spec.service = m_service->currentIndex() > 0 ? m_service->currentText() : QString();
        spec.host = m_host->text().trimmed();
        spec.port = m_port->value();
        spec.database = m_database->text().trimmed();
        spec.user = m_user->text().trimmed();
    }
    spec.sslMode = m_sslMode->currentData().toString();
    spec.sslRootCert = m_rootCert->text().trimmed();
    return spec;
}

QString ConnectDialog::password() const
{
    return m_password->text();
}

void ConnectDialog::setMessage(const QString &text)
{
    m_message->setText(QStringLiteral("<span style='color:#d64545'>%1</span>").arg(text.toHtmlEscaped()));
    m_message->setVisible(!text.isEmpty());
}

void ConnectDialog::focusPassword()
{
    m_password->setFocus();
    m_password->selectAll();
}

void ConnectDialog::validate()
{
    QString error;
    const ConnectionSpec s = spec();
    bool ok = !s.isEmpty();
    if (ok && !s.uri.isEmpty())
        ok = !s.conninfo({}, &error).isEmpty();
    if (auto *button = findChild<QDialogButtonBox *>())
        button->button(QDialogButtonBox::Ok)->setEnabled(ok);
    m_uri->setToolTip(error);
}

} // namespace writ::ui
