// SPDX-License-Identifier: Apache-2.0
#include "ui/shell/command_palette.h"

#include <QCoreApplication>
#include <QKeyEvent>
#include <QLineEdit>
#include <QListWidget>
#include <QVBoxLayout>

#include <algorithm>

namespace writ::ui {

namespace {
constexpr int kMaxShown = 200;
constexpr int kEntryRole = Qt::UserRole + 1;
} // namespace

CommandPalette::CommandPalette(QWidget *parent)
    : QDialog(parent, Qt::Popup | Qt::FramelessWindowHint)
    , m_input(new QLineEdit(this))
    , m_list(new QListWidget(this))
{
    setObjectName(QStringLiteral("command-palette"));
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);
    m_input->setPlaceholderText(tr("Type an action, a relation or an agent…"));
    m_input->installEventFilter(this);
    layout->addWidget(m_input);
    layout->addWidget(m_list);
    resize(560, 380);
    connect(m_input, &QLineEdit::textChanged, this, &CommandPalette::refilter);
    connect(m_input, &QLineEdit::returnPressed, this, &CommandPalette::runCurrent);
    connect(m_list, &QListWidget::itemActivated, this, [this] { runCurrent(); });
}

void CommandPalette::setEntries(QVector<Entry> entries)
{
    m_entries = std::move(entries);
    m_input->clear();
    refilter();
}

int CommandPalette::score(const QString &text, const QString &query)
{
    if (query.isEmpty())
        return 0;
    const int at = text.indexOf(query, 0, Qt::CaseInsensitive);
    if (at >= 0)
        return 1000 - at;
    // The query's letters in order, anywhere.
    int pos = 0;
    int gaps = 0;
    for (QChar c : query) {
        if (c.isSpace())
            continue;
        const int found = text.indexOf(c, pos, Qt::CaseInsensitive);
        if (found < 0)
            return -1;
        gaps += found - pos;
        pos = found + 1;
    }
    return std::max(1, 500 - gaps);
}

void CommandPalette::refilter()
{
    const QString query = m_input->text().trimmed();
    QVector<QPair<int, int>> ranked; // score, entry
    for (int i = 0; i < m_entries.size(); ++i) {
        const int s = score(m_entries[i].text, query);
        if (s >= 0)
            ranked.push_back({s, i});
    }
    std::stable_sort(ranked.begin(), ranked.end(), [](const auto &a, const auto &b) { return a.first > b.first; });
    m_list->clear();
    for (int i = 0; i < ranked.size() && i < kMaxShown; ++i) {
        const Entry &e = m_entries[ranked[i].second];
        QString label = e.text;
        if (!e.kind.isEmpty() || !e.shortcut.isEmpty())
            label += QStringLiteral("    ") + QStringList {e.kind, e.shortcut}.join(QStringLiteral("  ")).trimmed();
        auto *item = new QListWidgetItem(label, m_list);
        item->setData(kEntryRole, ranked[i].second);
        item->setToolTip(e.text);
    }
    if (m_list->count())
        m_list->setCurrentRow(0);
}

QStringList CommandPalette::visibleTexts() const
{
    QStringList texts;
    for (int i = 0; i < m_list->count(); ++i)
        texts << m_entries[m_list->item(i)->data(kEntryRole).toInt()].text;
    return texts;
}

bool CommandPalette::runCurrent()
{
    QListWidgetItem *item = m_list->currentItem();
    if (!item)
        return false;
    const Entry entry = m_entries[item->data(kEntryRole).toInt()];
    accept();
    if (entry.run)
        entry.run();
    return true;
}

bool CommandPalette::eventFilter(QObject *watched, QEvent *event)
{
    // Up and down move in the list while typing goes on in the box.
    if (watched == m_input && event->type() == QEvent::KeyPress) {
        const int key = static_cast<QKeyEvent *>(event)->key();
        if (key == Qt::Key_Down || key == Qt::Key_Up || key == Qt::Key_PageDown || key == Qt::Key_PageUp) {
            QCoreApplication::sendEvent(m_list, event);
            return true;
        }
    }
    return QDialog::eventFilter(watched, event);
}

} // namespace writ::ui
