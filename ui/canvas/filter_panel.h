// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QWidget>

#include <memory>

class QLabel;
class QToolButton;

namespace writ::catalog {
struct Catalog;
}

namespace writ::ui {

class SqlLineEdit;

/// Under the scope canvas: the row filter and the check of the selected card, each an inline SQL
/// line with completion of the relation's columns and the task's `$context` keys, quick templates,
/// and the parse error at its exact position as you type. Enter commits (one undo step).
class FilterPanel : public QWidget
{
    Q_OBJECT

public:
    explicit FilterPanel(QWidget *parent = nullptr);

    /// Shows `relation`'s filter and check; an empty relation disables the panel.
    void setScope(const QString &relation, const QString &rows, const QString &check, bool writes, const QStringList &columns,
        const QStringList &contextKeys, std::shared_ptr<const catalog::Catalog> catalog);

    SqlLineEdit *rowsEdit() const { return m_rows; }
    SqlLineEdit *checkEdit() const { return m_check; }
    /// The live problem shown ("" when the text is fine).
    QString problemText() const { return m_problemText; }

signals:
    void rowsCommitted(const QString &relation, const QString &text);
    void checkCommitted(const QString &relation, const QString &text);

private:
    void recheck();
    void fillTemplates();

    SqlLineEdit *m_rows = nullptr;
    SqlLineEdit *m_check = nullptr;
    QLabel *m_title = nullptr;
    QLabel *m_problem = nullptr;
    QToolButton *m_templates = nullptr;
    QString m_relation;
    QString m_problemText;
    QStringList m_columns;
    QStringList m_contextKeys;
    std::shared_ptr<const catalog::Catalog> m_catalog;
};

} // namespace writ::ui
