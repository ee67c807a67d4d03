// SPDX-License-Identifier: Apache-2.0
#include "ui/sqleditor/sql_lexer.h"

#include <Qsci/qscilexersql.h>

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

} // namespace writ::ui
