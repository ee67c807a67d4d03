// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QFont>

class QObject;
class QsciLexer;

namespace writ::ui {

/// PostgreSQL highlighting for the studio's SQL views, in `font`; `$context` keys count as words.
QsciLexer *makeSqlLexer(QObject *parent, const QFont &font);

} // namespace writ::ui
