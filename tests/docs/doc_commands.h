// SPDX-License-Identifier: Apache-2.0
#pragma once

// The commands a markdown page shows, as tst_docs runs them:
//  - every line of a ```sh block is a command (a trailing `\` continues it, `cmd <<'EOF'` takes the lines
//    up to EOF); it must exit 0, or the status its trailing `# exit N` (or `# words; exit N`) names; `# prints TEXT` also checks
//    its whole standard output;
//  - in a plain ``` block, a line starting with `$ ` is a command of a transcript: the lines after it, up to
//    the next `$ ` line, are what it prints (standard output and error together). `...` on a line of its own
//    skips any number of lines, `...` inside a line any text.
// Lines of plain blocks without `$ ` are synopses or sample output, not commands.

#include <QList>
#include <QRegularExpression>
#include <QString>
#include <QStringList>

#include <optional>

namespace doctest {

struct Command
{
    QString text;
    int line = 0;
    int expectedExit = 0;
    std::optional<QString> expectedOutput; ///< `# prints TEXT`: the whole standard output, trimmed
    bool transcript = false;               ///< a `$ ` command: its output is `printed`, its exit status not checked
    QStringList printed;                   ///< for a transcript: the lines shown after it
};

inline bool continues(const QString &line)
{
    return line.trimmed().endsWith('\\');
}

inline QList<Command> commandsIn(const QString &markdown)
{
    QList<Command> out;
    enum class Block { None, Shell, Plain, Other } block = Block::None;
    int lineNo = 0;
    static const QRegularExpression expected(QStringLiteral("\\s+#([^#]*;)?\\s*exit\\s+(\\d+)\\s*$"));
    static const QRegularExpression prints(QStringLiteral("\\s+#\\s*prints\\s+(.*?)\\s*$"));
    static const QRegularExpression heredoc(QStringLiteral("<<-?'?([A-Z]+)'?"));
    QString heredocEnd; ///< inside `cmd <<'EOF'`: its lines belong to the command, up to this marker
    bool continuing = false;
    bool transcriptOpen = false; ///< the lines of this plain block after a `$ ` line are what it printed
    for (const QString &line : markdown.split('\n')) {
        ++lineNo;
        if (!heredocEnd.isEmpty()) {
            out.last().text += "\n" + line;
            if (line.trimmed() == heredocEnd)
                heredocEnd.clear();
            continue;
        }
        if (line.startsWith("```")) {
            if (block != Block::None)
                block = Block::None;
            else
                block = line.trimmed() == "```sh" ? Block::Shell : line.trimmed() == "```" ? Block::Plain : Block::Other;
            continuing = false;
            transcriptOpen = false;
            continue;
        }
        if (continuing) {
            out.last().text += "\n" + line;
            continuing = continues(line);
            continue;
        }
        if (block == Block::Plain) {
            if (line.startsWith("$ ")) {
                Command c{line.mid(2), lineNo};
                c.transcript = true;
                out << c;
                transcriptOpen = true;
                continuing = continues(line);
            } else if (transcriptOpen && !line.trimmed().isEmpty()) {
                out.last().printed << line;
            }
            continue;
        }
        if (block != Block::Shell || line.trimmed().isEmpty() || line.trimmed().startsWith('#'))
            continue;
        if (const auto h = heredoc.match(line); h.hasMatch()) {
            out << Command{line, lineNo};
            heredocEnd = h.captured(1);
            continue;
        }
        Command c{line, lineNo};
        if (const auto m = expected.match(line); m.hasMatch()) {
            c.expectedExit = m.captured(2).toInt();
            c.text = line.left(m.capturedStart());
        } else if (const auto p = prints.match(line); p.hasMatch()) {
            c.expectedOutput = p.captured(1);
            c.text = line.left(p.capturedStart());
        }
        out << c;
        continuing = continues(line);
    }
    return out;
}

/// What varies from run to run (durations, times, random ids) replaced by a placeholder, on both sides.
inline QString withoutVariableParts(QString line)
{
    static const QList<std::pair<QRegularExpression, QString>> rules = {
        {QRegularExpression(QStringLiteral("\\d{4}-\\d\\d-\\d\\d[T ][\\d:.]+(Z|[+-]\\d\\d(:?\\d\\d)?)?")), QStringLiteral("<time>")},
        {QRegularExpression(QStringLiteral("\\b\\d+h( \\d+m)?( \\d+s)?\\b|\\b\\d+m( \\d+s)?\\b|\\b\\d+(\\.\\d+)?\\s?(ms|µs|s)\\b")), QStringLiteral("<duration>")},
        {QRegularExpression(QStringLiteral("\\b1[6-9]\\d{8}\\b")), QStringLiteral("<epoch>")},
        {QRegularExpression(QStringLiteral("[0-9a-f]{12,}")), QStringLiteral("<id>")},
        {QRegularExpression(QStringLiteral("\\s+$")), QString()},
    };
    for (const auto &[pattern, replacement] : rules)
        line.replace(pattern, replacement);
    return line;
}

/// Empty when `actual` shows every line of `printed` in order (after withoutVariableParts), else the first
/// documented line that was not found.
inline QString missingFromOutput(const QStringList &printed, const QString &actual)
{
    QStringList lines;
    for (const QString &l : actual.split('\n'))
        lines << withoutVariableParts(l);
    qsizetype at = 0;
    for (const QString &documented : printed) {
        if (documented.trimmed() == "...")
            continue;
        QString pattern = QRegularExpression::escape(withoutVariableParts(documented));
        pattern.replace(QStringLiteral("\\.\\.\\."), QStringLiteral(".*"));
        const QRegularExpression re(QRegularExpression::anchoredPattern(pattern));
        while (at < lines.size() && !re.match(lines[at]).hasMatch())
            ++at;
        if (at == lines.size())
            return documented;
        ++at;
    }
    return {};
}

} // namespace doctest
