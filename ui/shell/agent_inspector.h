// SPDX-License-Identifier: Apache-2.0
#pragma once

// The Inspector for an agent or one of its task types, editable: owner, description, identities;
// TTL and max TTL, approval, context keys, limits, step-up classes. Each field commits on Enter or
// when it loses focus, as one undo step through the document.

#include <QWidget>

class QCheckBox;
class QFormLayout;
class QGroupBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;

namespace writ::ui {

class PolicyDocument;

class AgentInspector : public QWidget
{
    Q_OBJECT

public:
    explicit AgentInspector(PolicyDocument *document, QWidget *parent = nullptr);

    /// Shows `agent` (and `task`, when not empty). False when the policy has no such agent or task.
    bool inspect(const QString &agent, const QString &task = {});
    QString agent() const { return m_agent; }
    QString task() const { return m_task; }

    QLineEdit *ownerEdit() const { return m_owner; }
    QLineEdit *descriptionEdit() const { return m_description; }
    QPlainTextEdit *identitiesEdit() const { return m_identities; }
    QLineEdit *ttlEdit() const { return m_ttl; }
    QLineEdit *maxTtlEdit() const { return m_maxTtl; }
    QCheckBox *approvalBox() const { return m_approval; }
    QLineEdit *contextEdit() const { return m_context; }
    QLineEdit *rowsPerStatementEdit() const { return m_rowsPerStatement; }
    QLineEdit *statementsEdit() const { return m_statements; }
    /// The last refusal ("'7x' is not a duration …"), empty after a good edit.
    QString errorText() const;

    /// Applies every field of the form (what Enter in one of them does for that field).
    void commitAgent();
    void commitTask();

private:
    void reload();
    void showError(const QString &text);

    PolicyDocument *m_document;
    QString m_agent;
    QString m_task;
    QLabel *m_title = nullptr;
    QLabel *m_error = nullptr;
    QLineEdit *m_owner = nullptr;
    QLineEdit *m_description = nullptr;
    QPlainTextEdit *m_identities = nullptr;
    QPushButton *m_applyIdentities = nullptr;
    QGroupBox *m_taskBox = nullptr;
    QLineEdit *m_taskDescription = nullptr;
    QLineEdit *m_ttl = nullptr;
    QLineEdit *m_maxTtl = nullptr;
    QCheckBox *m_approval = nullptr;
    QLineEdit *m_context = nullptr;
    QLineEdit *m_rowsPerStatement = nullptr;
    QLineEdit *m_statements = nullptr;
    QCheckBox *m_stepUpDefault = nullptr;
    QList<QCheckBox *> m_stepUp;
    bool m_loading = false;
};

} // namespace writ::ui
