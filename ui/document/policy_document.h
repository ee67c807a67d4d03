// SPDX-License-Identifier: Apache-2.0
#pragma once

// The studio's document: one policy file. It owns the YAML text (what the editor shows and what is
// saved), the Policy value parsed from it, the diagnostics of that text (and of the text against the
// connected database's catalog), the file state and the QUndoStack every edit goes through.
// Views never change the text or the policy themselves: they call editText() or replacePolicy(),
// which push one undoable command each.

#include "common/diagnostic.h"
#include "policy/policy.h"
#include "policy/source_map.h"

#include <QByteArray>
#include <QObject>
#include <QString>

#include <memory>

class QFileSystemWatcher;
class QUndoStack;

namespace writ::catalog {
struct Catalog;
}

namespace writ::ui {

class PolicyDocument : public QObject
{
    Q_OBJECT

public:
    /// How an edit reached the document: typing merges into one undo step, a paste does not.
    enum class EditKind { Typing, Replace };

    explicit PolicyDocument(QObject *parent = nullptr);
    ~PolicyDocument() override;

    /// Starts an untitled document with a minimal valid policy.
    void newDocument();
    /// Reads `path`; on failure the document is unchanged and `error` says why.
    bool load(const QString &path, QString *error = nullptr);
    /// Writes the canonical form (policy::writePolicy) when the text parses without errors, the text as
    /// typed otherwise (so nothing is lost). Formatting on save is one undo step.
    bool save(QString *error = nullptr);
    bool saveAs(const QString &path, QString *error = nullptr);
    /// Drops the undo history and reads the file again.
    bool reload(QString *error = nullptr);

    QString filePath() const { return m_filePath; }
    /// "supportdesk.writ.yaml", or "Untitled" for a new document.
    QString displayName() const;
    bool isUntitled() const { return m_filePath.isEmpty(); }
    bool isModified() const;
    QUndoStack *undoStack() const { return m_undoStack; }

    const QString &text() const { return m_text; }
    const policy::Policy &policy() const { return m_policy; }
    const policy::SourceMap &sources() const { return m_sources; }
    /// Loader diagnostics plus, with a catalog, the checks against it; sorted by line.
    const Diagnostics &diagnostics() const { return m_diagnostics; }
    /// False when the text has errors: then policy() is the last value that loaded.
    bool isValid() const { return m_valid; }
    /// YAML comments in the text: the canonical writer drops them on save.
    int commentCount() const;

    /// The catalog policy checks run against; null when not connected.
    void setCatalog(std::shared_ptr<const catalog::Catalog> catalog);
    std::shared_ptr<const catalog::Catalog> catalog() const { return m_catalog; }

    /// Replaces the whole text, as one undo step (consecutive Typing edits merge).
    void editText(const QString &newText, EditKind kind = EditKind::Replace);
    /// Replaces the policy; the text becomes its canonical form. For model editors (scope canvas).
    void replacePolicy(const policy::Policy &policy, const QString &description);

    /// Used by the undo commands only: sets the text without pushing a command.
    void applyText(const QString &text);

signals:
    /// The text changed (an edit, undo/redo, load or reload).
    void textChanged();
    /// The parsed policy or its diagnostics changed.
    void diagnosticsChanged();
    void filePathChanged(const QString &path);
    void modifiedChanged(bool modified);
    /// The file changed on disk while the document has unsaved edits: the window asks what to do.
    void fileChangedOnDisk();
    /// The file changed on disk and was reloaded because there were no edits to lose.
    void reloadedFromDisk();

private:
    void reparse();
    void setFilePath(const QString &path);
    void watch(const QString &path);
    void onFileChanged(const QString &path);
    bool writeFile(const QString &path, const QByteArray &bytes, QString *error);

    QUndoStack *m_undoStack = nullptr;
    QFileSystemWatcher *m_watcher = nullptr;
    QString m_filePath;
    QString m_text;
    QByteArray m_bytesOnDisk; ///< what we last read or wrote, to ignore our own saves in the watcher
    policy::Policy m_policy;
    policy::SourceMap m_sources;
    Diagnostics m_diagnostics;
    bool m_valid = true;
    std::shared_ptr<const catalog::Catalog> m_catalog;
};

} // namespace writ::ui
