// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <Qsci/qsciscintilla.h>

namespace writ::ui {

class PolicyDocument;

/// The policy's YAML in QScintilla, bound to a PolicyDocument: every change the user types becomes
/// a document edit (one undo step per burst of typing), and every document change (undo, redo,
/// a model edit, a reload) is shown here. Scintilla's own undo is off: the document's stack is the
/// only one. Diagnostics are marked in the margin and underlined at their column.
class PolicyEditor : public QsciScintilla
{
    Q_OBJECT

public:
    explicit PolicyEditor(PolicyDocument *document, QWidget *parent = nullptr);

    /// Moves the cursor to a 1-based line and column and shows it.
    void goToLine(int line, int column = 1);
    /// The 1-based line of the cursor.
    int currentLineNumber() const;

private:
    void onEditorChanged();
    void onDocumentTextChanged();
    void showDiagnostics();

    PolicyDocument *m_document;
    bool m_updating = false;
    int m_errorMarker = -1;
    int m_warningMarker = -1;
    int m_errorIndicator = -1;
};

} // namespace writ::ui
