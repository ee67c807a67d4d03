// SPDX-License-Identifier: Apache-2.0
#include "ui/sqleditor/sql_line_edit.h"

#include "ui/sqleditor/sql_lexer.h"

#include <QFontDatabase>
#include <QFontMetrics>
#include <QKeyEvent>

namespace writ::ui {

namespace {
constexpr int kUserListId = 1;

bool isWordChar(QChar c)
{
    return c.isLetterOrNumber() || c == QLatin1Char('_') || c == QLatin1Char('$');
}
} // namespace

SqlLineEdit::SqlLineEdit(QWidget *parent)
    : QsciScintilla(parent)
{
    const QFont mono = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    setLexer(makeSqlLexer(this, mono));
    setUtf8(true);
    setMarginWidth(0, 0);
    setMarginWidth(1, 0);
    setWrapMode(QsciScintilla::WrapNone);
    setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    SendScintilla(SCI_SETHSCROLLBAR, 0L);
    setFixedHeight(QFontMetrics(mono).height() + 12);
    setFrameShape(QFrame::StyledPanel);
    m_errorIndicator = indicatorDefine(QsciScintilla::SquiggleIndicator);
    setIndicatorForegroundColor(QColor(0xd6, 0x45, 0x45), m_errorIndicator);
    setAutoCompletionCaseSensitivity(false);
    connect(this, &QsciScintilla::textChanged, this, [this] {
        if (m_settingText)
            return;
        emit edited();
        complete(false);
    });
    connect(this, &QsciScintilla::userListActivated, this, [this](int id, const QString &word) {
        if (id != kUserListId)
            return;
        int line = 0, index = 0;
        getCursorPosition(&line, &index);
        setSelection(0, wordStart(), 0, index);
        replaceSelectedText(word);
    });
}

void SqlLineEdit::setCommittedText(const QString &text)
{
    m_committed = text;
    if (text == this->text())
        return;
    m_settingText = true;
    setText(text);
    m_settingText = false;
}

int SqlLineEdit::wordStart() const
{
    int line = 0, index = 0;
    getCursorPosition(&line, &index);
    const QString t = text(0);
    int start = std::min<int>(index, int(t.size()));
    while (start > 0 && isWordChar(t[start - 1]))
        --start;
    return start;
}

QStringList SqlLineEdit::matchingCompletions() const
{
    int line = 0, index = 0;
    getCursorPosition(&line, &index);
    const QString prefix = text(0).mid(wordStart(), index - wordStart());
    QStringList matches;
    for (const QString &w : m_completions) {
        if (w.startsWith(prefix, Qt::CaseInsensitive) && w != prefix)
            matches << w;
    }
    return matches;
}

void SqlLineEdit::complete(bool explicitly)
{
    int line = 0, index = 0;
    getCursorPosition(&line, &index);
    if (!explicitly && index - wordStart() < 1)
        return;
    const QStringList matches = matchingCompletions();
    if (!matches.isEmpty() && hasFocus())
        showUserList(kUserListId, matches);
}

void SqlLineEdit::showError(int column)
{
    m_errorColumn = column;
    clearIndicatorRange(0, 0, 0, std::max(1, int(text().size())), m_errorIndicator);
    if (column < 0)
        return;
    const QString t = text();
    int to = column;
    while (to < t.size() && isWordChar(t[to]))
        ++to;
    fillIndicatorRange(0, std::min<int>(column, int(t.size())), 0, std::max(to, column + 1), m_errorIndicator);
}

void SqlLineEdit::keyPressEvent(QKeyEvent *event)
{
    const bool listOpen = isListActive();
    if ((event->key() == Qt::Key_Return || event->key() == Qt::Key_Enter) && !listOpen) {
        m_committed = text();
        emit committed(m_committed);
        event->accept();
        return;
    }
    if (event->key() == Qt::Key_Escape && !listOpen) {
        setCommittedText(m_committed);
        emit edited();
        event->accept();
        return;
    }
    if (event->key() == Qt::Key_Space && (event->modifiers() & Qt::ControlModifier)) {
        complete(true);
        event->accept();
        return;
    }
    QsciScintilla::keyPressEvent(event);
}

void SqlLineEdit::focusOutEvent(QFocusEvent *event)
{
    QsciScintilla::focusOutEvent(event);
    if (text() != m_committed && !isListActive()) {
        m_committed = text();
        emit committed(m_committed);
    }
}

} // namespace writ::ui
