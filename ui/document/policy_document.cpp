// SPDX-License-Identifier: Apache-2.0
#include "ui/document/policy_document.h"

#include "ui/commands/set_policy_text_command.h"

#include "catalog/catalog.h"
#include "check/policy_checker.h"
#include "policy/policy_loader.h"
#include "policy/policy_writer.h"
#include "policy/yaml_comments.h"

#include <QFile>
#include <QFileInfo>
#include <QFileSystemWatcher>
#include <QSaveFile>
#include <QUndoStack>

namespace writ::ui {

namespace {

const char *const kNewPolicyText = "writ: 1\n"
                                   "name: new-policy\n"
                                   "database: postgres\n";

} // namespace

PolicyDocument::PolicyDocument(QObject *parent)
    : QObject(parent)
    , m_undoStack(new QUndoStack(this))
    , m_watcher(new QFileSystemWatcher(this))
{
    connect(m_undoStack, &QUndoStack::cleanChanged, this, [this](bool clean) { emit modifiedChanged(!clean); });
    connect(m_watcher, &QFileSystemWatcher::fileChanged, this, &PolicyDocument::onFileChanged);
    applyText(QString::fromLatin1(kNewPolicyText));
}

PolicyDocument::~PolicyDocument() = default;

void PolicyDocument::newDocument()
{
    m_undoStack->clear();
    setFilePath(QString());
    m_bytesOnDisk.clear();
    applyText(QString::fromLatin1(kNewPolicyText));
    m_undoStack->setClean();
    emit modifiedChanged(false);
}

bool PolicyDocument::load(const QString &path, QString *error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        if (error)
            *error = tr("Cannot open %1: %2. Check that the file exists and that you may read it.").arg(path, file.errorString());
        return false;
    }
    if (file.size() > qint64(policy::kMaxPolicyBytes)) {
        if (error)
            *error = tr("%1 is larger than %2 MiB; a policy file that big is refused.")
                         .arg(path)
                         .arg(policy::kMaxPolicyBytes / (1024 * 1024));
        return false;
    }
    const QByteArray bytes = file.readAll();
    m_undoStack->clear();
    m_bytesOnDisk = bytes;
    setFilePath(QFileInfo(path).absoluteFilePath());
    applyText(QString::fromUtf8(bytes));
    m_undoStack->setClean();
    emit modifiedChanged(false);
    return true;
}

bool PolicyDocument::reload(QString *error)
{
    if (isUntitled())
        return false;
    return load(m_filePath, error);
}

bool PolicyDocument::save(QString *error)
{
    if (isUntitled()) {
        if (error)
            *error = tr("This policy has no file yet; use Save As.");
        return false;
    }
    return saveAs(m_filePath, error);
}

bool PolicyDocument::saveAs(const QString &path, QString *error)
{
    if (m_valid) {
        const QString canonical = QString::fromStdString(policy::writePolicy(m_policy));
        if (canonical != m_text)
            m_undoStack->push(new SetPolicyTextCommand(this, m_text, canonical, tr("Format on save"), false));
    }
    const QByteArray bytes = m_text.toUtf8();
    // Whatever the watcher reports for our own write must not look like someone else's change.
    if (!m_watcher->files().isEmpty())
        m_watcher->removePaths(m_watcher->files());
    if (!writeFile(path, bytes, error)) {
        watch(m_filePath);
        return false;
    }
    m_bytesOnDisk = bytes;
    const QString absolute = QFileInfo(path).absoluteFilePath();
    setFilePath(absolute);
    watch(absolute); // the save replaced the file, so watch the new one
    m_undoStack->setClean();
    return true;
}

bool PolicyDocument::writeFile(const QString &path, const QByteArray &bytes, QString *error)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size() || !file.commit()) {
        if (error)
            *error = tr("Cannot write %1: %2. Choose another place with Save As, or check the directory's permissions.")
                         .arg(path, file.errorString());
        return false;
    }
    return true;
}

QString PolicyDocument::displayName() const
{
    return isUntitled() ? tr("Untitled") : QFileInfo(m_filePath).fileName();
}

bool PolicyDocument::isModified() const
{
    return !m_undoStack->isClean();
}

int PolicyDocument::commentCount() const
{
    return policy::countYamlComments(m_text.toStdString());
}

void PolicyDocument::setCatalog(std::shared_ptr<const catalog::Catalog> catalog)
{
    m_catalog = std::move(catalog);
    reparse();
}

void PolicyDocument::editText(const QString &newText, EditKind kind)
{
    if (newText == m_text)
        return;
    const bool typing = kind == EditKind::Typing;
    m_undoStack->push(new SetPolicyTextCommand(this, m_text, newText, typing ? tr("Typing") : tr("Edit text"), typing));
}

void PolicyDocument::replacePolicy(const policy::Policy &policy, const QString &description)
{
    const QString canonical = QString::fromStdString(policy::writePolicy(policy));
    if (canonical == m_text)
        return;
    m_undoStack->push(new SetPolicyTextCommand(this, m_text, canonical, description, false));
}

void PolicyDocument::applyText(const QString &text)
{
    const bool changed = text != m_text;
    m_text = text;
    reparse();
    if (changed)
        emit textChanged();
}

void PolicyDocument::reparse()
{
    const std::string fileName = isUntitled() ? std::string("Untitled") : QFileInfo(m_filePath).fileName().toStdString();
    policy::LoadResult loaded = policy::loadPolicy(m_text.toStdString(), fileName);
    m_valid = loaded.ok();
    m_diagnostics = std::move(loaded.diagnostics);
    m_sources = std::move(loaded.sources);
    if (m_valid) {
        m_policy = std::move(loaded.policy);
        if (m_catalog)
            m_diagnostics.append(check::checkPolicyAgainstCatalog(m_policy, m_sources, *m_catalog));
    }
    m_diagnostics.sortByLocation();
    emit diagnosticsChanged();
}

void PolicyDocument::setFilePath(const QString &path)
{
    if (path == m_filePath)
        return;
    m_filePath = path;
    watch(path);
    emit filePathChanged(path);
}

void PolicyDocument::watch(const QString &path)
{
    if (!m_watcher->files().isEmpty())
        m_watcher->removePaths(m_watcher->files());
    if (!path.isEmpty())
        m_watcher->addPath(path);
}

void PolicyDocument::onFileChanged(const QString &path)
{
    // Editors that save by rename replace the file, which drops it from the watcher.
    if (!m_watcher->files().contains(path) && QFile::exists(path))
        m_watcher->addPath(path);
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return; // deleted or being replaced; the next change event tells more
    const QByteArray bytes = file.readAll();
    if (bytes == m_bytesOnDisk)
        return;
    if (isModified()) {
        emit fileChangedOnDisk();
        return;
    }
    if (reload())
        emit reloadedFromDisk();
}

} // namespace writ::ui
