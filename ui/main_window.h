// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QMainWindow>

class QListWidget;
class QLabel;
class QsciScintilla;

namespace writ::ui {

/// The studio's main window. This first cut opens a policy file, shows it and lists its problems;
/// the explorer, canvases and grants matrix dock into it as they arrive.
class MainWindow : public QMainWindow
{
    Q_OBJECT

public:
    explicit MainWindow(QWidget *parent = nullptr);

    bool openPolicy(const QString &path);
    int problemCount() const;

private:
    void chooseAndOpen();
    void showEmptyState();

    QsciScintilla *m_editor = nullptr;
    QListWidget *m_problems = nullptr;
    QLabel *m_status = nullptr;
};

} // namespace writ::ui
