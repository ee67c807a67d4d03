// SPDX-License-Identifier: Apache-2.0
#include "ui/review/review_document.h"

#include "ui/review/line_diff.h"
#include "ui/review/review_canvas_marks.h"
#include "ui/review/review_colors.h"
#include "ui/sqleditor/floor_sql.h"
#include "ui/sqleditor/sql_lexer.h"

#include "catalog/catalog.h"
#include "policy/policy_loader.h"
#include "review/format_util.h"
#include "review/impact_replay.h"
#include "review/review_format.h"

#include <Qsci/qsciscintilla.h>

#include <QAction>
#include <QFileDialog>
#include <QFutureWatcher>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPointer>
#include <QPushButton>
#include <QSaveFile>
#include <QSpinBox>
#include <QSplitter>
#include <QTableWidget>
#include <QToolButton>
#include <QTreeWidget>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

namespace writ::ui {

namespace {

constexpr int kChangedLineMarker = 1;

QString q(const std::string &s)
{
    return QString::fromStdString(s);
}

std::string identity(const std::string &s)
{
    return s;
}

QsciScintilla *makeSqlView(QWidget *parent)
{
    QsciScintilla *view = makeReadOnlySqlView(parent);
    view->markerDefine(QsciScintilla::Background, kChangedLineMarker);
    view->setMarkerBackgroundColor(QColor(0xf5, 0x9e, 0x0b, 70), kChangedLineMarker);
    return view;
}

void showSql(QsciScintilla *view, const QString &text, const QList<int> &changed)
{
    view->setReadOnly(false);
    view->setText(text);
    view->setReadOnly(true);
    view->markerDeleteAll(kChangedLineMarker);
    for (const int line : changed)
        view->markerAdd(line, kChangedLineMarker);
}

struct ReplayOutcome
{
    review::ImpactReplay impact;
    QString error;
};

QString groupHeading(const review::ReviewGroup &g)
{
    switch (g.level()) {
    case review::Level::Policy: return QObject::tr("policy");
    case review::Level::Agent: return QObject::tr("agent %1").arg(q(g.agent));
    default: return QStringLiteral("%1 ▸ %2").arg(q(g.agent), q(g.task));
    }
}

/// The compiled floor of one version, or why there is none.
FloorSql floorOf(const policy::Policy &policy, const policy::SourceMap &sources, const catalog::Catalog *catalog)
{
    if (!catalog) {
        FloorSql none;
        none.problem = QObject::tr("connect to a database to compile both versions");
        return none;
    }
    return compiledSql(policy, sources, *catalog);
}

} // namespace

ReviewDocument::ReviewDocument(QWidget *parent) : QWidget(parent)
{
    setObjectName(QStringLiteral("review-document"));
    auto *layout = new QVBoxLayout(this);
    auto *top = new QHBoxLayout;
    m_summary = new QLabel(this);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_summary->setWordWrap(true);
    auto *exportButton = new QPushButton(tr("Export as Markdown…"), this);
    exportButton->setObjectName(QStringLiteral("review-export"));
    connect(exportButton, &QPushButton::clicked, this, &ReviewDocument::chooseAndExport);
    m_showOnCanvas = new QAction(tr("Show on &Canvas"), this);
    m_showOnCanvas->setObjectName(QStringLiteral("review-show-on-canvas"));
    m_showOnCanvas->setToolTip(tr("Draw this review over the scope canvas of the selected task: added green, removed red, changed amber"));
    m_showOnCanvas->setEnabled(false);
    connect(m_showOnCanvas, &QAction::triggered, this, [this] {
        const QTreeWidgetItem *item = m_tree->currentItem();
        const review::ReviewGroup *group = taskGroupOf(item);
        if (!group)
            return;
        const review::Change *change = changeOf(item);
        emit showOnCanvasRequested(q(group->agent), q(group->task), change ? q(change->relation) : QString());
    });
    auto *showButton = new QToolButton(this);
    showButton->setDefaultAction(m_showOnCanvas);
    showButton->setToolButtonStyle(Qt::ToolButtonTextOnly);
    top->addWidget(m_summary, 1);
    top->addWidget(showButton);
    top->addWidget(exportButton);
    layout->addLayout(top);

    m_tree = new QTreeWidget(this);
    m_tree->setObjectName(QStringLiteral("review-changes"));
    m_tree->setHeaderLabels({tr("Change"), tr("Risk"), tr("Why")});
    m_tree->setRootIsDecorated(true);
    m_tree->setContextMenuPolicy(Qt::ActionsContextMenu);
    m_tree->addAction(m_showOnCanvas);
    connect(m_tree, &QTreeWidget::itemDoubleClicked, this, [this](QTreeWidgetItem *item) {
        if (const review::Change *c = changeOf(item))
            emit changeActivated(q(c->agent), q(c->task), q(c->relation));
    });
    connect(m_tree, &QTreeWidget::currentItemChanged, this,
        [this](QTreeWidgetItem *current) { m_showOnCanvas->setEnabled(taskGroupOf(current) != nullptr); });
    m_blast = new QTreeWidget(this);
    m_blast->setObjectName(QStringLiteral("review-blast-radius"));
    m_blast->setHeaderLabels({tr("Blast radius"), tr("Before"), tr("After")});

    auto *upper = new QSplitter(Qt::Horizontal, this);
    upper->addWidget(m_tree);
    upper->addWidget(m_blast);
    upper->setStretchFactor(0, 3);
    upper->setStretchFactor(1, 2);

    auto *sqlPane = new QWidget(this);
    auto *sqlLayout = new QVBoxLayout(sqlPane);
    sqlLayout->setContentsMargins(0, 0, 0, 0);
    m_sqlNote = new QLabel(tr("SQL plan difference: the compiled floor of each version; changed lines are marked"), sqlPane);
    m_sqlNote->setWordWrap(true);
    auto *sqlSplit = new QSplitter(Qt::Horizontal, sqlPane);
    m_oldSql = makeSqlView(sqlSplit);
    m_oldSql->setObjectName(QStringLiteral("review-old-sql"));
    m_newSql = makeSqlView(sqlSplit);
    m_newSql->setObjectName(QStringLiteral("review-new-sql"));
    sqlLayout->addWidget(m_sqlNote);
    sqlLayout->addWidget(sqlSplit, 1);

    auto *split = new QSplitter(Qt::Vertical, this);
    split->addWidget(upper);
    split->addWidget(sqlPane);
    split->addWidget(createImpactPane());
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    split->setStretchFactor(2, 2);
    layout->addWidget(split, 1);
}

ReviewDocument::~ReviewDocument() = default;

QWidget *ReviewDocument::createImpactPane()
{
    auto *pane = new QWidget(this);
    auto *layout = new QVBoxLayout(pane);
    layout->setContentsMargins(0, 0, 0, 0);
    auto *row = new QHBoxLayout;
    row->addWidget(new QLabel(tr("Impact replay — audit file:"), pane));
    m_auditFile = new QLineEdit(pane);
    m_auditFile->setObjectName(QStringLiteral("review-audit-file"));
    m_auditFile->setPlaceholderText(tr("the gateway's audit.file (JSON lines)"));
    auto *browse = new QPushButton(tr("Browse…"), pane);
    connect(browse, &QPushButton::clicked, this, [this] {
        const QString file = QFileDialog::getOpenFileName(this, tr("Audit File"), m_auditFile->text());
        if (!file.isEmpty())
            m_auditFile->setText(file);
    });
    m_auditLimit = new QSpinBox(pane);
    m_auditLimit->setRange(1, 10000000);
    m_auditLimit->setValue(int(review::kDefaultAuditLimit));
    m_auditLimit->setPrefix(tr("last "));
    m_auditLimit->setSuffix(tr(" statements"));
    m_replay = new QPushButton(tr("Replay"), pane);
    m_replay->setObjectName(QStringLiteral("review-replay"));
    connect(m_replay, &QPushButton::clicked, this, [this] { replayAudit(m_auditFile->text(), m_auditLimit->value()); });
    row->addWidget(m_auditFile, 1);
    row->addWidget(browse);
    row->addWidget(m_auditLimit);
    row->addWidget(m_replay);
    layout->addLayout(row);
    m_impactSummary = new QLabel(tr("Statements from the audit log whose verdict would change, by agent and rule."), pane);
    m_impactSummary->setWordWrap(true);
    layout->addWidget(m_impactSummary);
    m_impactTable = new QTableWidget(0, 5, pane);
    m_impactTable->setObjectName(QStringLiteral("review-impact"));
    m_impactTable->setHorizontalHeaderLabels({tr("Agent / task"), tr("Verdict"), tr("Statements"), tr("Example"), tr("Why")});
    m_impactTable->horizontalHeader()->setStretchLastSection(true);
    m_impactTable->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_impactTable->verticalHeader()->hide();
    layout->addWidget(m_impactTable, 1);
    return pane;
}

bool ReviewDocument::setVersions(const ReviewVersion &oldVersion, const ReviewVersion &newVersion,
    std::shared_ptr<const catalog::Catalog> catalog, QString *error)
{
    QString problem;
    const std::string oldText = oldVersion.text.toStdString(), newText = newVersion.text.toStdString();
    policy::LoadResult oldLoad = policy::loadPolicy(oldText, oldVersion.label.toStdString());
    policy::LoadResult newLoad = policy::loadPolicy(newText, newVersion.label.toStdString());
    if (!oldVersion.ok())
        problem = oldVersion.error;
    else if (!newVersion.ok())
        problem = newVersion.error;
    else if (!oldLoad.ok())
        problem = tr("%1 has errors; fix them first: a policy that does not load has no meaning to compare").arg(oldVersion.label);
    else if (!newLoad.ok())
        problem = tr("%1 has errors; fix them first: a policy that does not load has no meaning to compare").arg(newVersion.label);
    if (!problem.isEmpty()) {
        m_summary->setText(problem);
        if (error)
            *error = problem;
        return false;
    }
    m_catalog = std::move(catalog);
    m_oldSources = oldLoad.sources;
    m_newSources = newLoad.sources;
    m_oldPolicy = std::make_shared<const policy::Policy>(std::move(oldLoad.policy));
    m_newPolicy = std::make_shared<const policy::Policy>(std::move(newLoad.policy));
    m_review = review::reviewVersions(*m_oldPolicy, m_oldSources, oldVersion.label.toStdString(), *m_newPolicy, m_newSources,
        newVersion.label.toStdString(), m_catalog.get());
    ++m_replayGeneration; // a replay of the previous pair must not land on this one
    m_summary->setText(QStringLiteral("<b>%1</b> → <b>%2</b>: %3")
                           .arg(oldVersion.label.toHtmlEscaped(), newVersion.label.toHtmlEscaped(), summaryText().toHtmlEscaped()));
    fillTree();
    fillBlast();
    fillSql();
    fillImpact();
    return true;
}

const review::Change *ReviewDocument::changeOf(const QTreeWidgetItem *item) const
{
    if (!item || !item->parent())
        return nullptr;
    const int group = m_tree->indexOfTopLevelItem(item->parent());
    const int index = item->parent()->indexOfChild(const_cast<QTreeWidgetItem *>(item));
    if (group < 0 || group >= int(m_review.groups.size()) || index < 0
        || index >= int(m_review.groups[std::size_t(group)].changes.size()))
        return nullptr;
    return &m_review.groups[std::size_t(group)].changes[std::size_t(index)];
}

const review::ReviewGroup *ReviewDocument::taskGroupOf(const QTreeWidgetItem *item) const
{
    if (!item)
        return nullptr;
    const int group = m_tree->indexOfTopLevelItem(const_cast<QTreeWidgetItem *>(item->parent() ? item->parent() : item));
    if (group < 0 || group >= int(m_review.groups.size()))
        return nullptr;
    const review::ReviewGroup &g = m_review.groups[std::size_t(group)];
    return g.level() == review::Level::Task ? &g : nullptr;
}

bool ReviewDocument::selectTask(const QString &agent, const QString &task)
{
    for (std::size_t i = 0; i < m_review.groups.size(); ++i) {
        const review::ReviewGroup &g = m_review.groups[i];
        if (g.level() == review::Level::Task && q(g.agent) == agent && q(g.task) == task) {
            m_tree->setCurrentItem(m_tree->topLevelItem(int(i)));
            return true;
        }
    }
    return false;
}

ReviewMarks ReviewDocument::canvasMarks(const QString &agent, const QString &task) const
{
    if (!m_oldPolicy || !m_newPolicy)
        return {};
    return reviewCanvasMarks(m_review, *m_oldPolicy, *m_newPolicy, agent.toStdString(), task.toStdString());
}

QString ReviewDocument::summaryText() const
{
    return q(review::summaryLine(m_review.diff));
}

QString ReviewDocument::title() const
{
    return tr("Review: %1").arg(m_review.policyName.empty() ? tr("policy") : q(m_review.policyName));
}

void ReviewDocument::fillTree()
{
    m_tree->clear();
    for (const review::ReviewGroup &g : m_review.groups) {
        auto *group = new QTreeWidgetItem(m_tree, {groupHeading(g)});
        QFont bold = group->font(0);
        bold.setBold(true);
        group->setFont(0, bold);
        for (const review::Change &c : g.changes) {
            QString text = QString::fromLatin1(review::detail::marker(c.kind)) + QLatin1Char(' ');
            if (!c.relation.empty())
                text += q(c.relation) + QLatin1Char(' ');
            text += q(review::detail::changeLabel(c)) + QStringLiteral(": ") + q(review::detail::changeValue(c, identity));
            auto *item = new QTreeWidgetItem(group, {text, QString::fromLatin1(review::toString(c.risk)), q(c.why)});
            const QColor color = riskColor(c.risk);
            item->setForeground(0, color);
            item->setForeground(1, color);
            item->setToolTip(0, c.location.isKnown()
                    ? QStringLiteral("%1:%2:%3").arg(q(c.location.file)).arg(c.location.line).arg(c.location.column)
                    : QString());
        }
    }
    m_tree->expandAll();
    m_tree->resizeColumnToContents(0);
}

void ReviewDocument::fillBlast()
{
    m_blast->clear();
    for (const review::ReviewGroup &g : m_review.groups) {
        if (g.level() != review::Level::Task)
            continue;
        auto *task = new QTreeWidgetItem(m_blast, {groupHeading(g)});
        auto field = [](const std::optional<review::BlastRadius> &b, auto &&text) { return b ? q(text(*b)) : QStringLiteral("—"); };
        auto row = [&](const QString &name, const QString &before, const QString &after) {
            auto *item = new QTreeWidgetItem(task, {name, before, after});
            if (before != after)
                for (int column : {1, 2})
                    item->setForeground(column, riskColor(review::Risk::Widens).darker(110));
            return item;
        };
        const auto count = [](auto member) { return [member](const review::BlastRadius &b) { return std::to_string((b.*member).size()); }; };
        row(tr("relations"), field(g.before, count(&review::BlastRadius::relations)), field(g.after, count(&review::BlastRadius::relations)));
        row(tr("columns"), field(g.before, review::detail::columnsText), field(g.after, review::detail::columnsText));
        auto *classified = row(tr("classified"), field(g.before, count(&review::BlastRadius::classified)),
            field(g.after, count(&review::BlastRadius::classified)));
        for (const auto &line : review::detail::classifiedDifference(g.before, g.after))
            new QTreeWidgetItem(classified, {QStringLiteral("+ ") + q(line)});
        for (const auto &line : review::detail::classifiedDifference(g.after, g.before))
            new QTreeWidgetItem(classified, {QStringLiteral("- ") + q(line)});
        const bool catalogUsed = m_review.catalogUsed;
        const auto rows = [catalogUsed](const review::BlastRadius &b) { return review::detail::rowsText(b, catalogUsed); };
        row(tr("rows"), field(g.before, rows), field(g.after, rows));
        row(tr("writes"), field(g.before, review::detail::writesText), field(g.after, review::detail::writesText));
    }
    m_blast->expandAll();
    m_blast->resizeColumnToContents(0);
}

void ReviewDocument::fillSql()
{
    const FloorSql before = floorOf(*m_oldPolicy, m_oldSources, m_catalog.get());
    const FloorSql after = floorOf(*m_newPolicy, m_newSources, m_catalog.get());
    const QString oldText = before.sql.isEmpty() ? QStringLiteral("-- ") + before.problem : before.sql;
    const QString newText = after.sql.isEmpty() ? QStringLiteral("-- ") + after.problem : after.sql;
    const LineDiff diff = diffLines(oldText.split(QLatin1Char('\n')), newText.split(QLatin1Char('\n')));
    m_oldChanged = diff.oldChanged;
    m_newChanged = diff.newChanged;
    showSql(m_oldSql, oldText, m_oldChanged);
    showSql(m_newSql, newText, m_newChanged);
    m_sqlNote->setText(tr("SQL plan difference: the compiled floor of each version; %1 lines only before, %2 only after")
                           .arg(m_oldChanged.size())
                           .arg(m_newChanged.size()));
}

void ReviewDocument::fillImpact()
{
    m_impactTable->setRowCount(0);
    if (!m_review.impact)
        return;
    const review::ImpactReplay &impact = *m_review.impact;
    QString summary = q(review::impactSummary(impact));
    if (!impact.catalogUsed)
        summary += tr(" (decided without a catalog: connect to a database for the gateway's decisions)");
    m_impactSummary->setText(summary);
    for (const review::VerdictChange &c : impact.changes) {
        const int row = m_impactTable->rowCount();
        m_impactTable->insertRow(row);
        const QStringList cells = {QStringLiteral("%1 / %2").arg(q(c.agent), q(c.taskType)), q(review::detail::verdictChangeText(c)),
            q(review::detail::statementCountText(c)), q(c.example), q(c.message)};
        for (int column = 0; column < cells.size(); ++column) {
            auto *item = new QTableWidgetItem(cells[column]);
            if (column == 1)
                item->setForeground(c.breaks() ? riskColor(review::Risk::Narrows) : riskColor(review::Risk::Widens));
            m_impactTable->setItem(row, column, item);
        }
    }
    m_impactTable->resizeColumnsToContents();
}

void ReviewDocument::replayAudit(const QString &auditFile, int limit)
{
    if (!m_oldPolicy || auditFile.isEmpty()) {
        emit impactFinished(false, tr("choose the gateway's audit file first"));
        return;
    }
    m_auditFile->setText(auditFile);
    m_auditLimit->setValue(limit);
    m_replay->setEnabled(false);
    m_impactSummary->setText(tr("Replaying %1…").arg(auditFile));
    const int generation = m_replayGeneration;
    auto *watcher = new QFutureWatcher<ReplayOutcome>(this);
    connect(watcher, &QFutureWatcher<ReplayOutcome>::finished, this, [this, watcher, generation] {
        watcher->deleteLater();
        m_replay->setEnabled(true);
        if (generation != m_replayGeneration)
            return;
        ReplayOutcome outcome = watcher->result();
        if (!outcome.error.isEmpty()) {
            m_impactSummary->setText(outcome.error);
            emit impactFinished(false, outcome.error);
            return;
        }
        m_review.impact = std::move(outcome.impact);
        fillImpact();
        emit impactFinished(true, m_impactSummary->text());
    });
    const std::string file = auditFile.toStdString();
    auto oldPolicy = m_oldPolicy, newPolicy = m_newPolicy;
    auto catalog = m_catalog;
    watcher->setFuture(QtConcurrent::run([file, limit, oldPolicy, newPolicy, catalog] {
        ReplayOutcome outcome;
        const review::AuditSample sample = review::readAuditStatements(file, std::size_t(limit));
        if (!sample.error.empty())
            outcome.error = tr("cannot read the audit file %1: %2").arg(q(file), q(sample.error));
        else
            outcome.impact = review::replayImpact(sample, oldPolicy, newPolicy, catalog);
        return outcome;
    }));
}

QString ReviewDocument::markdown() const
{
    return q(review::formatMarkdown(m_review));
}

bool ReviewDocument::exportMarkdown(const QString &path, QString *error)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(markdown().toUtf8()) < 0 || !file.commit()) {
        if (error)
            *error = tr("cannot write %1: %2").arg(path, file.errorString());
        return false;
    }
    return true;
}

void ReviewDocument::chooseAndExport()
{
    const QString path = QFileDialog::getSaveFileName(this, tr("Export Review as Markdown"), QStringLiteral("review.md"),
        tr("Markdown (*.md);;All files (*)"));
    if (path.isEmpty())
        return;
    QString error;
    if (!exportMarkdown(path, &error))
        m_summary->setText(error);
}

} // namespace writ::ui
