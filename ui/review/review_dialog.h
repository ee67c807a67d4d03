// SPDX-License-Identifier: Apache-2.0
#pragma once

// Which two versions the Review… action compares: two files, the open draft against a git
// revision of its file, or the draft against what the connected gateway enforces.

#include "ui/review/review_controller.h"

#include <QDialog>

class QComboBox;
class QLineEdit;
class QStackedWidget;

namespace writ::ui {

class ReviewDialog : public QDialog
{
    Q_OBJECT

public:
    ReviewDialog(const QString &draftPath, bool gatewayConnected, QWidget *parent = nullptr);

    ReviewController::Mode mode() const;
    QString oldFile() const;
    QString newFile() const;
    QString revision() const;

private:
    QComboBox *m_mode = nullptr;
    QStackedWidget *m_pages = nullptr;
    QLineEdit *m_oldFile = nullptr;
    QLineEdit *m_newFile = nullptr;
    QLineEdit *m_revision = nullptr;
};

} // namespace writ::ui
