// SPDX-License-Identifier: Apache-2.0
#include "ui/commands/set_policy_text_command.h"

#include "ui/document/policy_document.h"

namespace writ::ui {

namespace {
constexpr qint64 kTypingMergeWindowMs = 1000;
}

SetPolicyTextCommand::SetPolicyTextCommand(
    PolicyDocument *document, QString before, QString after, const QString &description, bool typing)
    : QUndoCommand(description)
    , m_document(document)
    , m_before(std::move(before))
    , m_after(std::move(after))
    , m_typing(typing)
{
    m_lastEdit.start();
}

void SetPolicyTextCommand::undo()
{
    m_document->applyText(m_before);
}

void SetPolicyTextCommand::redo()
{
    m_document->applyText(m_after);
}

bool SetPolicyTextCommand::mergeWith(const QUndoCommand *other)
{
    const auto *next = static_cast<const SetPolicyTextCommand *>(other);
    if (!m_typing || !next->m_typing || m_lastEdit.elapsed() > kTypingMergeWindowMs)
        return false;
    m_after = next->m_after;
    m_lastEdit.restart();
    return true;
}

} // namespace writ::ui
