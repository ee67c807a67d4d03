// SPDX-License-Identifier: Apache-2.0
#include "ui/sqleditor/sql_lexer.h"

#include <Qsci/qscilexersql.h>
#include <Qsci/qsciscintilla.h>

#include <QFontDatabase>

namespace writ::ui {

namespace {

class PostgresLexer : public QsciLexerSQL
{
public:
    using QsciLexerSQL::QsciLexerSQL;
    // `$customer_id` is one word, so completion and double-click take the whole key.
    const char *wordCharacters() const override { return "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_$"; }
};

} // namespace

QsciLexer *makeSqlLexer(QObject *parent, const QFont &font)
{
    auto *lexer = new PostgresLexer(parent);
    lexer->setDefaultFont(font);
    lexer->setFont(font);
    lexer->setFoldComments(false);
    return lexer;
}

QsciScintilla *makeReadOnlySqlView(QWidget *parent)
{
    auto *view = new QsciScintilla(parent);
    const QFont mono = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    view->setLexer(makeSqlLexer(view, mono));
    view->setUtf8(true);
    view->setReadOnly(true);
    view->setMarginLineNumbers(0, true);
    view->setMarginWidth(0, QStringLiteral("00000"));
    view->setWrapMode(QsciScintilla::WrapNone);
    return view;
}

} // namespace writ::ui
