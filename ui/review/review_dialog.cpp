// SPDX-License-Identifier: Apache-2.0
#include "ui/review/review_dialog.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QStackedWidget>
#include <QVBoxLayout>

namespace writ::ui {

namespace {

QWidget *fileRow(QLineEdit *edit, QWidget *parent)
{
    auto *row = new QWidget(parent);
    auto *layout = new QHBoxLayout(row);
    layout->setContentsMargins(0, 0, 0, 0);
    auto *browse = new QPushButton(QObject::tr("Browse…"), row);
    QObject::connect(browse, &QPushButton::clicked, edit, [edit] {
        const QString file = QFileDialog::getOpenFileName(edit, QObject::tr("Policy File"), edit->text(),
            QObject::tr("Writ policies (*.writ.yaml *.yaml *.yml);;All files (*)"));
        if (!file.isEmpty())
            edit->setText(file);
    });
    layout->addWidget(edit, 1);
    layout->addWidget(browse);
    return row;
}

} // namespace

ReviewDialog::ReviewDialog(const QString &draftPath, bool gatewayConnected, QWidget *parent) : QDialog(parent)
{
    setWindowTitle(tr("Review"));
    auto *layout = new QVBoxLayout(this);
    m_mode = new QComboBox(this);
    m_mode->addItem(tr("Two policy files"));
    m_mode->addItem(tr("The open draft against a git revision"));
    m_mode->addItem(gatewayConnected ? tr("The open draft against what the gateway enforces")
                                     : tr("The open draft against what the gateway enforces (connect to a gateway first)"));
    layout->addWidget(m_mode);

    m_pages = new QStackedWidget(this);
    auto *files = new QWidget(m_pages);
    auto *filesForm = new QFormLayout(files);
    m_oldFile = new QLineEdit(files);
    m_newFile = new QLineEdit(draftPath, files);
    filesForm->addRow(tr("Old:"), fileRow(m_oldFile, files));
    filesForm->addRow(tr("New:"), fileRow(m_newFile, files));
    m_pages->addWidget(files);

    auto *git = new QWidget(m_pages);
    auto *gitForm = new QFormLayout(git);
    m_revision = new QLineEdit(QStringLiteral("HEAD"), git);
    gitForm->addRow(tr("Revision:"), m_revision);
    gitForm->addRow(new QLabel(tr("Compares the draft (with unsaved edits) with its file at that revision, e.g. HEAD, main, v1.2."), git));
    m_pages->addWidget(git);

    m_pages->addWidget(new QLabel(tr("Compares the draft with the policy the gateway enforces now, read from the connected "
                                     "database's deployments."),
        m_pages));
    layout->addWidget(m_pages);
    connect(m_mode, &QComboBox::currentIndexChanged, m_pages, &QStackedWidget::setCurrentIndex);
    if (!draftPath.isEmpty())
        m_mode->setCurrentIndex(gatewayConnected ? 2 : 1);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("Review"));
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);
}

ReviewController::Mode ReviewDialog::mode() const
{
    return static_cast<ReviewController::Mode>(m_mode->currentIndex());
}

QString ReviewDialog::oldFile() const
{
    return m_oldFile->text();
}

QString ReviewDialog::newFile() const
{
    return m_newFile->text();
}

QString ReviewDialog::revision() const
{
    return m_revision->text().trimmed();
}

} // namespace writ::ui
