// SPDX-License-Identifier: Apache-2.0
#include "ui/review/review_controller.h"

#include "ui/review/review_dialog.h"
#include "ui/review/review_document.h"

#include "ui/canvas/scope_canvas.h"
#include "ui/catalog/catalog_session.h"
#include "ui/document/policy_document.h"
#include "ui/operate/gateway_client.h"
#include "ui/shell/main_window.h"

#include <QAction>
#include <QFutureWatcher>
#include <QStatusBar>
#include <QTabWidget>
#include <QtConcurrent/QtConcurrentRun>

#include <utility>

namespace writ::ui {

namespace {

using VersionPair = std::pair<ReviewVersion, ReviewVersion>;

} // namespace

ReviewController::ReviewController(MainWindow &window, GatewayClient &gateway, QObject *parent)
    : QObject(parent), m_window(window), m_gateway(gateway)
{
    m_action = new QAction(tr("&Review…"), this);
    m_action->setObjectName(QStringLiteral("review-action"));
    m_action->setShortcut(QKeySequence(QStringLiteral("Ctrl+Shift+R")));
    m_action->setStatusTip(tr("What exactly changes if this is published: compare two versions of the policy"));
    connect(m_action, &QAction::triggered, this, &ReviewController::showDialog);
    connect(this, &ReviewController::failed, this, [this](const QString &message) { m_window.statusBar()->showMessage(message, 10000); });
}

void ReviewController::showDialog()
{
    ReviewDialog dialog(m_window.document()->filePath(), m_gateway.isConfigured(), &m_window);
    if (dialog.exec() != QDialog::Accepted)
        return;
    switch (dialog.mode()) {
    case Mode::Files: reviewFiles(dialog.oldFile(), dialog.newFile()); break;
    case Mode::DraftAgainstGit: reviewDraftAgainstGit(dialog.revision()); break;
    case Mode::DraftAgainstGateway: reviewDraftAgainstGateway(); break;
    }
}

ReviewVersion ReviewController::draft() const
{
    const PolicyDocument *doc = m_window.document();
    ReviewVersion v;
    v.label = doc->isUntitled() ? doc->displayName() : doc->filePath();
    v.text = doc->text();
    return v;
}

void ReviewController::reviewFiles(const QString &oldFile, const QString &newFile)
{
    readBothInBackground([oldFile] { return versionFromFile(oldFile); }, [newFile] { return versionFromFile(newFile); });
}

void ReviewController::reviewDraftAgainstGit(const QString &revision)
{
    const QString path = m_window.document()->filePath();
    if (path.isEmpty()) {
        emit failed(tr("save the policy in a git repository first: an untitled draft has no history"));
        return;
    }
    readInBackground([revision, path] { return versionFromGit(revision, path); }, draft());
}

void ReviewController::reviewDraftAgainstGateway()
{
    const QString url = m_gateway.url(), tokenFile = m_gateway.tokenFile();
    readInBackground([url, tokenFile] { return versionFromGateway(url, tokenFile); }, draft());
}

void ReviewController::readInBackground(std::function<ReviewVersion()> readOld, ReviewVersion newVersion)
{
    readBothInBackground(std::move(readOld), [newVersion] { return newVersion; });
}

void ReviewController::readBothInBackground(std::function<ReviewVersion()> readOld, std::function<ReviewVersion()> readNew)
{
    m_window.statusBar()->showMessage(tr("Reading the versions to review…"));
    auto *watcher = new QFutureWatcher<VersionPair>(this);
    connect(watcher, &QFutureWatcher<VersionPair>::finished, this, [this, watcher] {
        watcher->deleteLater();
        const VersionPair versions = watcher->result();
        m_window.statusBar()->clearMessage();
        openReview(versions.first, versions.second);
    });
    watcher->setFuture(QtConcurrent::run([readOld = std::move(readOld), readNew = std::move(readNew)] { return VersionPair {readOld(), readNew()}; }));
}

ReviewDocument *ReviewController::openReview(const ReviewVersion &oldVersion, const ReviewVersion &newVersion)
{
    auto *doc = new ReviewDocument;
    QString error;
    if (!doc->setVersions(oldVersion, newVersion, m_window.session()->catalog(), &error)) {
        delete doc;
        emit failed(error);
        return nullptr;
    }
    auto show = [this, doc](const QString &agent, const QString &task, const QString &relation) {
        showOnCanvas(*doc, agent, task, relation);
    };
    connect(doc, &ReviewDocument::changeActivated, this, show);
    connect(doc, &ReviewDocument::showOnCanvasRequested, this, show);
    QTabWidget *tabs = m_window.tabs();
    tabs->setCurrentIndex(tabs->addTab(doc, doc->title()));
    emit opened(doc);
    return doc;
}

ScopeCanvas *ReviewController::showOnCanvas(const ReviewDocument &review, const QString &agent, const QString &task, const QString &relation)
{
    ScopeCanvas *canvas = m_window.openScopeCanvas(agent, task);
    if (!canvas)
        return nullptr; // the window says the open policy has no such task
    const ReviewMarks marks = review.canvasMarks(agent, task);
    canvas->setReviewMarks(marks);
    if (!relation.isEmpty())
        canvas->flashRelation(relation);
    // The canvas draws the open policy; the marks describe the review's new version. Say so when the
    // two differ for this task, so nobody reads the marks against the wrong drawing.
    const policy::Policy *newPolicy = review.newPolicy();
    const policy::TaskType *reviewed = newPolicy ? newPolicy->findTask(agent.toStdString(), task.toStdString()) : nullptr;
    const policy::TaskType *drawn = m_window.document()->policy().findTask(agent.toStdString(), task.toStdString());
    if (!reviewed || !drawn || !(*reviewed == *drawn))
        m_window.statusBar()->showMessage(tr("The canvas draws the open policy; its %1 ▸ %2 is not the one in %3, which the marks describe.")
                                              .arg(agent, task, marks.newLabel),
            10000);
    return canvas;
}

} // namespace writ::ui
