// SPDX-License-Identifier: Apache-2.0
#include "ui/canvas/filter_panel.h"

#include "ui/canvas/filter_check.h"
#include "ui/sqleditor/sql_line_edit.h"

#include <QGridLayout>
#include <QLabel>
#include <QMenu>
#include <QToolButton>

namespace writ::ui {

FilterPanel::FilterPanel(QWidget *parent)
    : QWidget(parent)
    , m_rows(new SqlLineEdit(this))
    , m_check(new SqlLineEdit(this))
    , m_title(new QLabel(this))
    , m_problem(new QLabel(this))
    , m_templates(new QToolButton(this))
{
    auto *grid = new QGridLayout(this);
    grid->setContentsMargins(8, 4, 8, 4);
    grid->setVerticalSpacing(3);
    grid->addWidget(m_title, 0, 0, 1, 3);
    grid->addWidget(new QLabel(tr("Rows"), this), 1, 0);
    grid->addWidget(m_rows, 1, 1);
    grid->addWidget(m_templates, 1, 2);
    grid->addWidget(new QLabel(tr("Check"), this), 2, 0);
    grid->addWidget(m_check, 2, 1, 1, 2);
    grid->addWidget(m_problem, 3, 1, 1, 2);
    grid->setColumnStretch(1, 1);
    m_rows->setToolTip(tr("Row filter (USING): which rows the task may see, e.g. customer_id = $customer_id. Enter applies, Esc "
                          "restores, Ctrl+Space completes."));
    m_check->setToolTip(tr("Check (WITH CHECK): what written rows must satisfy; for insert and update. Enter applies."));
    m_problem->setWordWrap(true);
    m_templates->setText(tr("Templates"));
    m_templates->setPopupMode(QToolButton::InstantPopup);
    m_templates->setMenu(new QMenu(m_templates));
    connect(m_rows, &SqlLineEdit::edited, this, &FilterPanel::recheck);
    connect(m_check, &SqlLineEdit::edited, this, &FilterPanel::recheck);
    connect(
        m_rows, &SqlLineEdit::committed, this, [this](const QString &text) { emit rowsCommitted(m_relation, text.trimmed()); });
    connect(
        m_check, &SqlLineEdit::committed, this, [this](const QString &text) { emit checkCommitted(m_relation, text.trimmed()); });
    setScope({}, {}, {}, false, {}, {}, nullptr);
}

void FilterPanel::setScope(const QString &relation, const QString &rows, const QString &check, bool writes,
    const QStringList &columns, const QStringList &contextKeys, std::shared_ptr<const catalog::Catalog> catalog)
{
    m_relation = relation;
    m_columns = columns;
    m_contextKeys = contextKeys;
    m_catalog = std::move(catalog);
    QStringList words = columns;
    for (const QString &k : contextKeys)
        words << QLatin1Char('$') + k;
    m_rows->setCompletions(words);
    m_check->setCompletions(words);
    m_rows->setCommittedText(rows);
    m_check->setCommittedText(check);
    setEnabled(!relation.isEmpty());
    m_check->setEnabled(writes);
    m_title->setText(relation.isEmpty() ? tr("<i>Select a card to edit its row filter and check.</i>")
                                        : tr("<b>%1</b> — row filter and check").arg(relation.toHtmlEscaped()));
    fillTemplates();
    recheck();
}

void FilterPanel::fillTemplates()
{
    QMenu *menu = m_templates->menu();
    menu->clear();
    for (const QString &key : m_contextKeys) {
        // "Belongs to the task's customer": a column named like the key, or the key's row itself.
        QString column;
        if (m_columns.contains(key))
            column = key;
        else if (key.endsWith(QLatin1String("_id")) && m_relation.section(QLatin1Char('.'), 1).startsWith(key.chopped(3))
            && m_columns.contains(QLatin1String("id")))
            column = QStringLiteral("id");
        if (!column.isEmpty()) {
            const QString text = QStringLiteral("%1 = $%2").arg(column, key);
            menu->addAction(tr("Belongs to the task's %1: %2").arg(key.chopped(key.endsWith(QLatin1String("_id")) ? 3 : 0), text),
                this, [this, text] {
                    m_rows->setText(text);
                    m_rows->setFocus();
                });
        }
    }
    if (m_columns.contains(QLatin1String("created_at"))) {
        const QString recent = QStringLiteral("created_at > now() - interval '30 days'");
        menu->addAction(tr("Recent: %1").arg(recent), this, [this, recent] {
            m_rows->setText(recent);
            m_rows->setFocus();
        });
    }
    m_templates->setEnabled(!menu->isEmpty());
}

void FilterPanel::recheck()
{
    QStringList problems;
    for (SqlLineEdit *edit : {m_rows, m_check}) {
        const auto problem = checkFilter(edit->text(), m_relation, m_contextKeys, m_catalog.get());
        edit->showError(problem ? problem->column : -1);
        if (problem)
            problems << tr("%1, column %2: %3")
                            .arg(edit == m_rows ? tr("Rows") : tr("Check"))
                            .arg(problem->column + 1)
                            .arg(problem->message);
    }
    m_problem->setVisible(!problems.isEmpty());
    QStringList escaped;
    for (const QString &p : problems)
        escaped << p.toHtmlEscaped();
    m_problem->setText(QStringLiteral("<span style='color:#d64545'>%1</span>").arg(escaped.join(QStringLiteral("<br>"))));
    m_problemText = problems.join(QLatin1Char('\n'));
}

} // namespace writ::ui
