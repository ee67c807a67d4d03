// SPDX-License-Identifier: Apache-2.0
#pragma once

// The Review… action (Ctrl+Shift+R): asks which two versions to compare — two files, the open draft
// against a git revision, or the draft against what the connected gateway enforces — reads them off
// the UI thread and opens a Review document tab in the window.

#include "ui/review/review_document.h"
#include "ui/review/review_version.h"

#include <QObject>
#include <QString>

#include <functional>

class QAction;

namespace writ::ui {

class GatewayClient;
class MainWindow;
class ScopeCanvas;

class ReviewController : public QObject
{
    Q_OBJECT

public:
    enum class Mode { Files, DraftAgainstGit, DraftAgainstGateway };

    ReviewController(MainWindow &window, GatewayClient &gateway, QObject *parent = nullptr);

    QAction *action() const { return m_action; }
    /// Asks for the versions (a dialog), then reviews them.
    void showDialog();

    /// Each reads its versions in the background, then opens the tab: opened() or failed().
    void reviewFiles(const QString &oldFile, const QString &newFile);
    void reviewDraftAgainstGit(const QString &revision);
    void reviewDraftAgainstGateway();

    /// Opens a tab for two versions already read. Null (after failed()) when either does not load.
    ReviewDocument *openReview(const ReviewVersion &oldVersion, const ReviewVersion &newVersion);

    /// Opens (or shows) the scope canvas of `agent`'s task type `task` with `review` drawn over it, and
    /// selects `relation`'s card when given. Null when the open policy has no such task.
    ScopeCanvas *showOnCanvas(const ReviewDocument &review, const QString &agent, const QString &task, const QString &relation = {});

signals:
    void opened(writ::ui::ReviewDocument *document);
    void failed(const QString &message);

private:
    /// The open draft as the new side: its unsaved text, named by its file.
    ReviewVersion draft() const;
    void readInBackground(std::function<ReviewVersion()> readOld, ReviewVersion newVersion);
    void readBothInBackground(std::function<ReviewVersion()> readOld, std::function<ReviewVersion()> readNew);

    MainWindow &m_window;
    GatewayClient &m_gateway;
    QAction *m_action = nullptr;
};

} // namespace writ::ui
