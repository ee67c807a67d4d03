// SPDX-License-Identifier: Apache-2.0
#pragma once

// A scope canvas document tab: the drawing (ScopeCanvasView), the row filter and check of the
// selected card (FilterPanel) and the blast-radius bar, all following one PolicyDocument.

#include "ui/canvas/review_marks.h"

#include <QWidget>

#include <memory>

class QLabel;
class QTimer;
class QToolButton;
template<typename T>
class QFutureWatcher;

namespace writ::catalog {
struct Catalog;
}

namespace writ::ui {

class BlastRadiusBar;
class FilterPanel;
class PolicyDocument;
class ScopeCanvasView;
struct TaskRowEstimate;

class ScopeCanvas : public QWidget
{
    Q_OBJECT

public:
    ScopeCanvas(PolicyDocument *document, const QString &agent, const QString &task, QWidget *parent = nullptr);
    ~ScopeCanvas() override;

    /// `conninfo` (may be empty: a snapshot) lets the planner estimate the rows one task reaches.
    void setCatalog(std::shared_ptr<const catalog::Catalog> catalog, const QString &conninfo = {});
    QString agent() const;
    QString task() const;
    /// "support-summarizer ▸ summarize-tickets"
    QString title() const;

    ScopeCanvasView *view() const { return m_view; }
    FilterPanel *filters() const { return m_filters; }
    BlastRadiusBar *blastRadius() const { return m_bar; }

    bool isEstimating() const;

    /// Draws what a review changes (added green, removed red, changed amber) over the canvas, with
    /// a legend above it, until cleared (the legend's Clear, or clearReviewMarks()).
    void setReviewMarks(const ReviewMarks &marks);
    void clearReviewMarks();
    const ReviewMarks &reviewMarks() const;
    bool hasReviewMarks() const { return !reviewMarks().isEmpty(); }
    QWidget *reviewLegend() const { return m_legend; }
    /// Selects the relation's card and blinks it and `column`'s chip; false when it has no card here.
    bool flashRelation(const QString &relation, const QString &column = {});

signals:
    void relationSelected(const QString &relation);
    /// The planner's row estimate arrived (BlastRadiusBar::plannerRows()).
    void rowsEstimated();
    void reviewMarksChanged();

private:
    void refresh();
    void showSelected();
    void showMessage(const QString &text);
    void showState(const QString &text);
    void estimateRows();
    QWidget *createLegend();

    PolicyDocument *m_document;
    std::shared_ptr<const catalog::Catalog> m_catalog;
    ScopeCanvasView *m_view = nullptr;
    FilterPanel *m_filters = nullptr;
    BlastRadiusBar *m_bar = nullptr;
    QLabel *m_banner = nullptr;
    QWidget *m_legend = nullptr;
    QLabel *m_legendText = nullptr;
    bool m_bannerShowsState = false; ///< the banner says why the canvas cannot be edited (not a passing message)
    QString m_conninfo;
    QFutureWatcher<TaskRowEstimate> *m_estimate = nullptr;
    bool m_estimateAgain = false; ///< the policy changed while an estimate ran
    QTimer *m_estimateDelay = nullptr; ///< a burst of edits asks the database once
};

} // namespace writ::ui
