// SPDX-License-Identifier: Apache-2.0
#include "ui/operate/gateway_connect_dialog.h"

#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>

namespace writ::ui {

namespace {

/// A line edit with a "Browse…" button that picks an existing file.
QWidget *fileField(QWidget *parent, QLineEdit *edit, const QString &caption)
{
    auto *row = new QWidget(parent);
    auto *layout = new QHBoxLayout(row);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(edit, 1);
    auto *browse = new QPushButton(QObject::tr("Browse…"), row);
    QObject::connect(browse, &QPushButton::clicked, row, [row, edit, caption] {
        const QString path = QFileDialog::getOpenFileName(row, caption, edit->text());
        if (!path.isEmpty())
            edit->setText(path);
    });
    layout->addWidget(browse);
    return row;
}

} // namespace

GatewayConnectDialog::GatewayConnectDialog(QWidget *parent) : QDialog(parent)
{
    setWindowTitle(tr("Connect to Gateway"));
    m_url = new QLineEdit(this);
    m_url->setPlaceholderText(QStringLiteral("http://127.0.0.1:6433"));
    m_tokenFile = new QLineEdit(this);
    m_tokenFile->setPlaceholderText(tr("the file named by the gateway's admin.token_file"));
    m_publisherKey = new QLineEdit(this);
    m_publisherKey->setPlaceholderText(tr("private key from `writ keys generate` (for Publish)"));
    m_database = new QLineEdit(this);
    m_database->setPlaceholderText(tr("empty: the studio's database connection"));

    auto *form = new QFormLayout;
    form->addRow(tr("Admin API &URL:"), m_url);
    form->addRow(tr("Admin &token file:"), fileField(this, m_tokenFile, tr("Admin token file")));
    form->addRow(tr("&Publisher key:"), fileField(this, m_publisherKey, tr("Publisher private key")));
    form->addRow(tr("&Database:"), m_database);
    auto *note = new QLabel(tr("Only the file paths are remembered, never the token, the key or a password."), this);
    note->setWordWrap(true);
    note->setEnabled(false);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("Connect"));
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(note);
    layout->addWidget(buttons);
    resize(560, sizeHint().height());
}

void GatewayConnectDialog::setValues(const QString &url, const QString &tokenFile, const PublishSettings &publish)
{
    m_url->setText(url);
    m_tokenFile->setText(tokenFile);
    m_publisherKey->setText(publish.publisherKeyPath);
    m_database->setText(publish.databaseUrl);
}

QString GatewayConnectDialog::url() const
{
    return m_url->text().trimmed();
}

QString GatewayConnectDialog::tokenFile() const
{
    return m_tokenFile->text().trimmed();
}

PublishSettings GatewayConnectDialog::publishSettings() const
{
    return {m_publisherKey->text().trimmed(), m_database->text().trimmed()};
}

} // namespace writ::ui
