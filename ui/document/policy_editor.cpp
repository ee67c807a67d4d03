// SPDX-License-Identifier: Apache-2.0
#include "ui/document/policy_editor.h"

#include "ui/document/policy_document.h"

#include <Qsci/qscicommand.h>
#include <Qsci/qscicommandset.h>
#include <Qsci/qscilexeryaml.h>

#include <QFontDatabase>

namespace writ::ui {

PolicyEditor::PolicyEditor(PolicyDocument *document, QWidget *parent)
    : QsciScintilla(parent)
    , m_document(document)
{
    const QFont mono = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    auto *lexer = new QsciLexerYAML(this);
    lexer->setDefaultFont(mono);
    lexer->setFont(mono);
    setLexer(lexer);
    setUtf8(true);
    setMarginLineNumbers(0, true);
    setMarginWidth(0, QStringLiteral("00000"));
    setMarginWidth(1, 14);
    setMarginSensitivity(1, false);
    setIndentationsUseTabs(false);
    setTabWidth(2);
    setAutoIndent(true);
    setCaretLineVisible(true);
    setCaretLineBackgroundColor(palette().color(QPalette::AlternateBase));
    setWrapMode(QsciScintilla::WrapNone);
    m_errorMarker = markerDefine(QsciScintilla::Circle);
    setMarkerBackgroundColor(QColor(0xd6, 0x45, 0x45), m_errorMarker);
    m_warningMarker = markerDefine(QsciScintilla::Circle);
    setMarkerBackgroundColor(QColor(0xe0, 0x8a, 0x1e), m_warningMarker);
    m_errorIndicator = indicatorDefine(QsciScintilla::SquiggleIndicator);
    setIndicatorForegroundColor(QColor(0xd6, 0x45, 0x45), m_errorIndicator);

    // The document's QUndoStack is the only undo history: Scintilla must neither record nor handle
    // Ctrl+Z / Ctrl+Y itself, or the window's Undo action would never see them.
    SendScintilla(SCI_SETUNDOCOLLECTION, 0L);
    for (QsciCommand *command : standardCommands()->commands()) {
        if (command->command() == QsciCommand::Undo || command->command() == QsciCommand::Redo) {
            command->setKey(0);
            command->setAlternateKey(0);
        }
    }

    setText(m_document->text());
    showDiagnostics();
    connect(this, &QsciScintilla::textChanged, this, &PolicyEditor::onEditorChanged);
    connect(m_document, &PolicyDocument::textChanged, this, &PolicyEditor::onDocumentTextChanged);
    connect(m_document, &PolicyDocument::diagnosticsChanged, this, &PolicyEditor::showDiagnostics);
}

void PolicyEditor::onEditorChanged()
{
    if (m_updating)
        return;
    m_updating = true;
    m_document->editText(text(), PolicyDocument::EditKind::Typing);
    m_updating = false;
}

void PolicyEditor::onDocumentTextChanged()
{
    if (m_updating)
        return;
    m_updating = true;
    int line = 0, index = 0;
    getCursorPosition(&line, &index);
    const int firstVisible = firstVisibleLine();
    setText(m_document->text());
    setCursorPosition(std::min(line, std::max(0, lines() - 1)), index);
    setFirstVisibleLine(firstVisible);
    m_updating = false;
    showDiagnostics();
}

void PolicyEditor::showDiagnostics()
{
    markerDeleteAll();
    clearIndicatorRange(0, 0, std::max(0, lines() - 1), std::max(0, lineLength(std::max(0, lines() - 1))), m_errorIndicator);
    for (const Diagnostic &d : m_document->diagnostics().items()) {
        if (d.location.line <= 0)
            continue;
        const int line = d.location.line - 1;
        markerAdd(line, d.severity == Severity::Error ? m_errorMarker : m_warningMarker);
        if (d.severity == Severity::Error) {
            const int from = std::max(0, d.location.column - 1);
            const int length = lineLength(line);
            // Underline from the reported column to the end of the word.
            const QString lineText = text(line);
            int to = from;
            while (to < lineText.size() && !lineText[to].isSpace() && lineText[to] != QLatin1Char('"'))
                ++to;
            fillIndicatorRange(line, from, line, std::min(std::max(to, from + 1), std::max(length, from + 1)), m_errorIndicator);
        }
    }
}

void PolicyEditor::goToLine(int line, int column)
{
    const int l = std::max(0, line - 1);
    setCursorPosition(l, std::max(0, column - 1));
    ensureLineVisible(l);
    setFocus();
}

int PolicyEditor::currentLineNumber() const
{
    int line = 0, index = 0;
    getCursorPosition(&line, &index);
    return line + 1;
}

} // namespace writ::ui
