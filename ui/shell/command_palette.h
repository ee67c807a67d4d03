// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QDialog>
#include <QString>
#include <QVector>

#include <functional>

class QLineEdit;
class QListWidget;

namespace writ::ui {

/// Ctrl+K: one box over every action of the window and every object (relations, agents, task
/// types). Type a few letters of it (in order, not necessarily together), Enter runs the first.
class CommandPalette : public QDialog
{
    Q_OBJECT

public:
    struct Entry
    {
        QString text; ///< "Save", "public.customers", "support-summarizer ▸ summarize-tickets"
        QString kind; ///< "action", "relation", "task", ...
        QString shortcut; ///< shown on the right
        std::function<void()> run;
    };

    explicit CommandPalette(QWidget *parent = nullptr);

    void setEntries(QVector<Entry> entries);
    QLineEdit *input() const { return m_input; }
    /// The texts listed for the current input, best first.
    QStringList visibleTexts() const;
    /// Runs the selected entry (the first by default) and closes. False when nothing matches.
    bool runCurrent();

    /// How well `text` matches `query`: <0 no match; substring beats scattered letters, earlier beats later.
    static int score(const QString &text, const QString &query);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void refilter();

    QLineEdit *m_input = nullptr;
    QListWidget *m_list = nullptr;
    QVector<Entry> m_entries;
};

} // namespace writ::ui
