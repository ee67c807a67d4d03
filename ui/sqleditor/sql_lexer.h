// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QFont>

class QObject;
class QsciLexer;
class QsciScintilla;
class QWidget;

namespace writ::ui {

/// PostgreSQL highlighting for the studio's SQL views, in `font`; `$context` keys count as words.
QsciLexer *makeSqlLexer(QObject *parent, const QFont &font);

/// A read-only SQL view in the system's fixed font, with line numbers and no wrapping: compiled floors,
/// plans, and the two sides of a review.
QsciScintilla *makeReadOnlySqlView(QWidget *parent);

} // namespace writ::ui
