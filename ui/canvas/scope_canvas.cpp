// SPDX-License-Identifier: Apache-2.0
#include "ui/canvas/scope_canvas.h"

#include "ui/canvas/blast_radius_bar.h"
#include "ui/canvas/canvas_colors.h"
#include "ui/canvas/filter_panel.h"
#include "ui/canvas/row_estimator.h"
#include "ui/canvas/scope_canvas_view.h"
#include "ui/commands/scope_edits.h"
#include "ui/document/policy_document.h"

#include "catalog/catalog.h"
#include "review/blast_radius.h"

#include <QFileInfo>
#include <QFutureWatcher>
#include <QHBoxLayout>
#include <QLabel>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

namespace writ::ui {

ScopeCanvas::ScopeCanvas(PolicyDocument *document, const QString &agent, const QString &task, QWidget *parent)
    : QWidget(parent)
    , m_document(document)
    , m_view(new ScopeCanvasView(document, agent, task, this))
    , m_filters(new FilterPanel(this))
    , m_bar(new BlastRadiusBar(this))
    , m_banner(new QLabel(this))
    , m_estimate(new QFutureWatcher<TaskRowEstimate>(this))
    , m_estimateDelay(new QTimer(this))
{
    m_estimateDelay->setSingleShot(true);
    m_estimateDelay->setInterval(250);
    connect(m_estimateDelay, &QTimer::timeout, this, &ScopeCanvas::estimateRows);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    m_banner->setContentsMargins(10, 4, 10, 4);
    m_banner->setWordWrap(true);
    m_banner->setVisible(false);
    layout->addWidget(m_banner);
    layout->addWidget(createLegend());
    layout->addWidget(m_view, 1);
    layout->addWidget(m_filters);
    layout->addWidget(m_bar);

    connect(m_view, &ScopeCanvasView::relationSelected, this, [this](const QString &relation) {
        showSelected();
        emit relationSelected(relation);
    });
    connect(m_view, &ScopeCanvasView::message, this, &ScopeCanvas::showMessage);
    auto commitFilter = [this](edits::FilterKind kind) {
        return [this, kind](const QString &relation, const QString &text) {
            const auto name = policy::parseQualifiedName(relation.toStdString());
            if (!name || !m_document->isValid())
                return;
            const edits::ScopeAddress at {this->agent().toStdString(), this->task().toStdString(), *name};
            if (auto edited = edits::setFilter(m_document->policy(), at, kind, text.toStdString()))
                m_document->replacePolicy(*edited,
                    kind == edits::FilterKind::Rows ? tr("Row filter of %1").arg(relation) : tr("Check of %1").arg(relation));
        };
    };
    connect(m_filters, &FilterPanel::rowsCommitted, this, commitFilter(edits::FilterKind::Rows));
    connect(m_filters, &FilterPanel::checkCommitted, this, commitFilter(edits::FilterKind::Check));
    connect(m_document, &PolicyDocument::diagnosticsChanged, this, &ScopeCanvas::refresh);
    connect(m_estimate, &QFutureWatcher<TaskRowEstimate>::finished, this, [this] {
        if (m_estimateAgain) {
            estimateRows();
            return;
        }
        const TaskRowEstimate estimate = m_estimate->result();
        m_bar->setPlannerRows(estimate.total());
        QHash<QString, double> perRelation;
        for (const ScopeRowEstimate &scope : estimate.scopes)
            if (scope.rows)
                perRelation.insert(QString::fromStdString(scope.relation), *scope.rows);
        m_view->setPlannerRows(perRelation);
        emit rowsEstimated();
    });
    refresh();
}

ScopeCanvas::~ScopeCanvas()
{
    m_estimate->waitForFinished(); // the worker holds copies only, but reports to this object
}

QWidget *ScopeCanvas::createLegend()
{
    m_legend = new QWidget(this);
    m_legend->setObjectName(QStringLiteral("review-legend"));
    auto *row = new QHBoxLayout(m_legend);
    row->setContentsMargins(10, 3, 6, 3);
    m_legendText = new QLabel(m_legend);
    m_legendText->setTextFormat(Qt::RichText);
    auto *clear = new QToolButton(m_legend);
    clear->setObjectName(QStringLiteral("review-legend-clear"));
    clear->setText(tr("Clear"));
    clear->setToolTip(tr("Stop showing the review on this canvas"));
    connect(clear, &QToolButton::clicked, this, &ScopeCanvas::clearReviewMarks);
    row->addWidget(m_legendText, 1);
    row->addWidget(clear);
    m_legend->setVisible(false);
    return m_legend;
}

void ScopeCanvas::setReviewMarks(const ReviewMarks &marks)
{
    m_view->setReviewMarks(marks);
    const auto swatch = [](review::ChangeKind kind, const QString &text) {
        return QStringLiteral("<span style=\"color:%1\">■</span> %2").arg(canvas::reviewMarkColor(kind).name(), text.toHtmlEscaped());
    };
    const auto fileName = [](const QString &label) { return QFileInfo(label).fileName().isEmpty() ? label : QFileInfo(label).fileName(); };
    const QString versions = QStringLiteral("%1 → %2").arg(fileName(marks.oldLabel), fileName(marks.newLabel)).toHtmlEscaped();
    if (marks.isEmpty())
        m_legendText->setText(tr("<b>Review</b> %1: no change to this task type").arg(versions));
    else
        m_legendText->setText(tr("<b>Review</b> %1: %2 &nbsp; %3 &nbsp; %4")
                                  .arg(versions, swatch(review::ChangeKind::Added, tr("added")),
                                      swatch(review::ChangeKind::Removed, tr("removed (a faded card: only in the old version)")),
                                      swatch(review::ChangeKind::Changed, tr("changed"))));
    m_legend->setVisible(!marks.isEmpty() || !marks.newLabel.isEmpty());
    emit reviewMarksChanged();
}

void ScopeCanvas::clearReviewMarks()
{
    m_view->clearReviewMarks();
    m_legend->setVisible(false);
    emit reviewMarksChanged();
}

const ReviewMarks &ScopeCanvas::reviewMarks() const
{
    return m_view->reviewMarks();
}

bool ScopeCanvas::flashRelation(const QString &relation, const QString &column)
{
    return m_view->flashRelation(relation, column);
}

bool ScopeCanvas::isEstimating() const
{
    return m_estimate->isRunning() || m_estimateDelay->isActive();
}

void ScopeCanvas::estimateRows()
{
    m_estimateAgain = false;
    const policy::TaskType *task = m_document->policy().findTask(agent().toStdString(), this->task().toStdString());
    if (m_conninfo.isEmpty() || !task || !m_document->isValid()) {
        m_bar->setPlannerRows(std::nullopt);
        return;
    }
    if (m_estimate->isRunning()) {
        m_estimateAgain = true; // one estimate at a time; the newest policy wins
        return;
    }
    m_estimate->setFuture(QtConcurrent::run(estimateTaskRows, m_conninfo.toStdString(), m_document->policy(), *task));
}

QString ScopeCanvas::agent() const
{
    return m_view->agent();
}

QString ScopeCanvas::task() const
{
    return m_view->task();
}

QString ScopeCanvas::title() const
{
    return QStringLiteral("%1 ▸ %2").arg(agent(), task());
}

void ScopeCanvas::setCatalog(std::shared_ptr<const catalog::Catalog> catalog, const QString &conninfo)
{
    m_catalog = catalog;
    m_conninfo = conninfo;
    m_view->setCatalog(std::move(catalog));
    refresh();
}

void ScopeCanvas::showState(const QString &text)
{
    // A state banner stays while the state lasts; clearing it leaves a passing message alone.
    if (text.isEmpty() && !m_bannerShowsState)
        return;
    m_bannerShowsState = !text.isEmpty();
    m_banner->setText(text);
    m_banner->setVisible(!text.isEmpty());
}

void ScopeCanvas::showMessage(const QString &text)
{
    m_bannerShowsState = false;
    m_banner->setText(text);
    m_banner->setVisible(!text.isEmpty());
    if (!text.isEmpty())
        QTimer::singleShot(6000, m_banner, [banner = m_banner, text] {
            if (banner->text() == text)
                banner->setVisible(false);
        });
}

void ScopeCanvas::refresh()
{
    const policy::Policy &policy = m_document->policy();
    const policy::Agent *agent = policy.findAgent(this->agent().toStdString());
    const policy::TaskType *task = policy.findTask(this->agent().toStdString(), this->task().toStdString());
    if (!agent || !task) {
        showState(tr("%1 is not in the policy any more.").arg(title()));
        m_bar->setRadius({});
        m_filters->setEnabled(false);
        return;
    }
    showState(m_document->isValid() ? QString()
                                    : tr("The policy text has errors: the canvas shows the last valid version and takes no edits "
                                         "until they are fixed (see Problems)."));
    m_bar->setRadius(review::blastRadius(policy, *task, *agent, m_catalog.get()));
    if (m_conninfo.isEmpty()) {
        m_bar->setPlannerRows(std::nullopt);
        m_view->setPlannerRows({}); // the catalog's table sizes again
    } else {
        m_estimateDelay->start();
    }
    showSelected();
}

void ScopeCanvas::showSelected()
{
    const QString relation = m_view->selectedRelation();
    const auto name = policy::parseQualifiedName(relation.toStdString());
    const policy::Scope *scope
        = name ? edits::findScope(m_document->policy(), {agent().toStdString(), task().toStdString(), *name}) : nullptr;
    const policy::TaskType *task = m_document->policy().findTask(agent().toStdString(), this->task().toStdString());
    if (!scope || !task) {
        m_filters->setScope({}, {}, {}, false, {}, {}, m_catalog);
        return;
    }
    QStringList columns;
    if (const catalog::Relation *rel = m_catalog ? m_catalog->findRelation(name->schema, name->name) : nullptr) {
        for (const catalog::Column &c : rel->columns)
            columns << QString::fromStdString(c.name);
    } else {
        for (const auto &c : scope->columns.value_or(std::vector<std::string> {}))
            columns << QString::fromStdString(c);
    }
    QStringList keys;
    for (const auto &k : task->contextKeys)
        keys << QString::fromStdString(k);
    const bool writes = scope->ops.count(policy::Operation::Insert) || scope->ops.count(policy::Operation::Update);
    m_filters->setScope(relation, QString::fromStdString(scope->rows.value_or(std::string())),
        QString::fromStdString(scope->check.value_or(std::string())), writes, columns, keys, m_catalog);
}

} // namespace writ::ui
