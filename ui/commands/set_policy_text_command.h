// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QElapsedTimer>
#include <QString>
#include <QUndoCommand>

namespace writ::ui {

class PolicyDocument;

/// One change of the policy text, before and after in full, so undo restores the exact bytes.
/// Typing commands merge while the keystrokes come less than a second apart.
class SetPolicyTextCommand : public QUndoCommand
{
public:
    enum { Id = 1001 };

    SetPolicyTextCommand(PolicyDocument *document, QString before, QString after, const QString &description, bool typing);

    void undo() override;
    void redo() override;
    int id() const override { return m_typing ? Id : -1; }
    bool mergeWith(const QUndoCommand *other) override;

private:
    PolicyDocument *m_document;
    QString m_before;
    QString m_after;
    bool m_typing;
    QElapsedTimer m_lastEdit;
};

} // namespace writ::ui
