// SPDX-License-Identifier: Apache-2.0
#pragma once

// The Review document tab: what changes if the new version is published. The semantic diff as a
// tree (each change coloured by its risk), the blast radius of every changed task before → after,
// the compiled floor SQL of both versions side by side with the changed lines marked, and the impact
// replay of an audit file. Everything comes from core/review, as `writ diff` prints it; "Export as
// Markdown…" writes exactly `writ diff --format markdown`.

#include "ui/canvas/review_marks.h"
#include "ui/review/review_version.h"

#include "review/review.h"

#include <QList>
#include <QString>
#include <QWidget>

#include <memory>

class QAction;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;
class QTableWidget;
class QTreeWidget;
class QTreeWidgetItem;
class QsciScintilla;

namespace writ::catalog {
struct Catalog;
}

namespace writ::ui {

class ReviewDocument : public QWidget
{
    Q_OBJECT

public:
    explicit ReviewDocument(QWidget *parent = nullptr);
    ~ReviewDocument() override;

    /// Loads both versions and shows their review. False (and `error` says why, naming the version)
    /// when either does not load; the document then shows the problem. `catalog` may be null.
    bool setVersions(const ReviewVersion &oldVersion, const ReviewVersion &newVersion,
        std::shared_ptr<const catalog::Catalog> catalog, QString *error = nullptr);

    const review::Review &review() const { return m_review; }
    QString title() const;
    /// What `writ diff --format markdown` writes for the same two versions (and audit file).
    QString markdown() const;
    bool exportMarkdown(const QString &path, QString *error = nullptr);
    /// Export as Markdown… with a file dialog.
    void chooseAndExport();

    /// Replays the last `limit` decision records of `auditFile` with both versions, off the UI thread;
    /// impactFinished() reports the outcome.
    void replayAudit(const QString &auditFile, int limit);

    /// The marks the scope canvas of `agent`'s task type `task` draws for this review.
    ReviewMarks canvasMarks(const QString &agent, const QString &task) const;
    /// The review's new version, as loaded; null before setVersions() succeeded.
    const policy::Policy *newPolicy() const { return m_newPolicy.get(); }
    /// "Show on Canvas": the canvas of the task type the selected change or group belongs to, with
    /// this review drawn over it. Enabled while a task's group or change is selected.
    QAction *showOnCanvasAction() const { return m_showOnCanvas; }
    /// Selects the group of `agent`'s task type `task` in the change tree; false when it has none.
    bool selectTask(const QString &agent, const QString &task);

    QTreeWidget *changeTree() const { return m_tree; }
    QTreeWidget *blastTree() const { return m_blast; }
    QsciScintilla *oldSqlView() const { return m_oldSql; }
    QsciScintilla *newSqlView() const { return m_newSql; }
    QTableWidget *impactTable() const { return m_impactTable; }
    QList<int> oldChangedLines() const { return m_oldChanged; }
    QList<int> newChangedLines() const { return m_newChanged; }
    QString summaryText() const;

signals:
    /// A change was double-clicked: the canvas of that task shows the relation.
    void changeActivated(const QString &agent, const QString &task, const QString &relation);
    /// Show on Canvas was triggered for the task type of the selection (`relation` empty for a group).
    void showOnCanvasRequested(const QString &agent, const QString &task, const QString &relation);
    void impactFinished(bool ok, const QString &message);

private:
    QWidget *createImpactPane();
    /// The change a tree item shows; null for group headings.
    const review::Change *changeOf(const QTreeWidgetItem *item) const;
    /// The task group a tree item is or belongs to; null outside task groups.
    const review::ReviewGroup *taskGroupOf(const QTreeWidgetItem *item) const;
    void fillTree();
    void fillBlast();
    void fillSql();
    void fillImpact();

    review::Review m_review;
    std::shared_ptr<const policy::Policy> m_oldPolicy;
    std::shared_ptr<const policy::Policy> m_newPolicy;
    policy::SourceMap m_oldSources;
    policy::SourceMap m_newSources;
    std::shared_ptr<const catalog::Catalog> m_catalog;

    QAction *m_showOnCanvas = nullptr;
    QLabel *m_summary = nullptr;
    QTreeWidget *m_tree = nullptr;
    QTreeWidget *m_blast = nullptr;
    QsciScintilla *m_oldSql = nullptr;
    QsciScintilla *m_newSql = nullptr;
    QLabel *m_sqlNote = nullptr;
    QLineEdit *m_auditFile = nullptr;
    QSpinBox *m_auditLimit = nullptr;
    QPushButton *m_replay = nullptr;
    QLabel *m_impactSummary = nullptr;
    QTableWidget *m_impactTable = nullptr;
    QList<int> m_oldChanged;
    QList<int> m_newChanged;
    int m_replayGeneration = 0;
};

} // namespace writ::ui
