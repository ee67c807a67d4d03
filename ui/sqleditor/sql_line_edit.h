// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <Qsci/qsciscintilla.h>

#include <QStringList>

namespace writ::ui {

/// A one-line SQL expression editor (row filters, checks): SQL highlighting, completion of the
/// words it is given (column names, `$context` keys) as you type or on Ctrl+Space, and an error
/// underlined at its exact column. Enter or leaving the field commits; Esc restores.
class SqlLineEdit : public QsciScintilla
{
    Q_OBJECT

public:
    explicit SqlLineEdit(QWidget *parent = nullptr);

    void setCompletions(const QStringList &words) { m_completions = words; }
    QStringList completions() const { return m_completions; }
    /// The words the completion list would offer for the word before the cursor.
    QStringList matchingCompletions() const;
    /// Underlines from `column` (0-based) to the end of the word; -1 clears.
    void showError(int column);
    int errorColumn() const { return m_errorColumn; }
    /// Sets the text without reporting an edit (the committed value changed elsewhere).
    void setCommittedText(const QString &text);
    QString committedText() const { return m_committed; }

signals:
    /// The text changed by typing.
    void edited();
    /// Enter was pressed or the field lost focus with a changed text.
    void committed(const QString &text);

protected:
    void keyPressEvent(QKeyEvent *event) override;
    void focusOutEvent(QFocusEvent *event) override;

private:
    void complete(bool explicitly);
    int wordStart() const;

    QStringList m_completions;
    QString m_committed;
    int m_errorIndicator = 0;
    int m_errorColumn = -1;
    bool m_settingText = false;
};

} // namespace writ::ui
