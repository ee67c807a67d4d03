// SPDX-License-Identifier: Apache-2.0
// docs/cli.md is the CLI reference: every command `writ --help` lists (and every subcommand of those)
// has a section there, and every option the built executable accepts is named in its command's section.
// A new command or flag without documentation fails here, so the reference cannot fall behind.

#include "cli_runner.h"

#include <QFile>
#include <QRegularExpression>

namespace {

/// The names under "Subcommands:" in a --help text.
QStringList subcommandsIn(const QString &help)
{
    QStringList out;
    const int at = help.indexOf("Subcommands:");
    if (at < 0)
        return out;
    static const QRegularExpression line("^  ([a-z][a-z-]*)\\s", QRegularExpression::MultilineOption);
    for (auto it = line.globalMatch(help.mid(at)); it.hasNext();)
        out << it.next().captured(1);
    return out;
}

/// Each option's names ("-o", "--output") under "Options:", without --help.
QList<QStringList> optionsIn(const QString &help)
{
    QList<QStringList> out;
    const int at = help.indexOf("Options:");
    if (at < 0)
        return out;
    const int end = help.indexOf("Subcommands:", at);
    static const QRegularExpression line("^  (-[^ ]+)", QRegularExpression::MultilineOption);
    for (auto it = line.globalMatch(help.mid(at, end < 0 ? -1 : end - at)); it.hasNext();) {
        const QStringList names = it.next().captured(1).split(',', Qt::SkipEmptyParts);
        if (!names.contains("--help") && !names.contains("-h"))
            out << names;
    }
    return out;
}

} // namespace

class TestCliReference : public QObject
{
    Q_OBJECT

private:
    QString m_reference;
    QMap<QString, QString> m_sections; ///< heading line -> section text

    /// The text of every section whose heading names `writ <command>`.
    QString sectionsFor(const QString &command) const
    {
        QString text;
        const QString needle = "`writ " + command;
        for (auto it = m_sections.begin(); it != m_sections.end(); ++it) {
            const int at = it.key().indexOf(needle);
            if (at >= 0) {
                const QChar next = at + needle.size() < it.key().size() ? it.key().at(at + needle.size()) : QChar(' ');
                if (next == ' ' || next == '`')
                    text += it.key() + "\n" + it.value();
            }
        }
        return text;
    }

private slots:
    void initTestCase()
    {
        QFile f(QStringLiteral(WRIT_SOURCE_DIR "/docs/cli.md"));
        QVERIFY(f.open(QIODevice::ReadOnly));
        m_reference = QString::fromUtf8(f.readAll());
        QString heading;
        for (const QString &line : m_reference.split('\n')) {
            if (line.startsWith("## ") || line.startsWith("### "))
                heading = line;
            else if (!heading.isEmpty())
                m_sections[heading] += line + "\n";
        }
        QVERIFY(m_sections.size() > 10);
    }

    void everyCommandAndOptionIsDocumented()
    {
        QStringList pending = subcommandsIn(runWrit({"--help"}).out);
        QVERIFY2(pending.size() >= 20, qPrintable(pending.join(' ')));
        QStringList missing;
        int options = 0;
        while (!pending.isEmpty()) {
            const QString command = pending.takeFirst();
            const CliResult help = runWrit(command.split(' ') << "--help");
            QCOMPARE(help.exitCode, 0);
            const QStringList children = subcommandsIn(help.out);
            for (const auto &child : children)
                pending << command + " " + child;
            if (!children.isEmpty() && optionsIn(help.out).isEmpty())
                continue; // a group such as `writ task`: its subcommands carry the options
            const QString section = sectionsFor(command);
            if (section.isEmpty()) {
                missing << "writ " + command + ": no section in docs/cli.md";
                continue;
            }
            for (const QStringList &names : optionsIn(help.out)) {
                ++options;
                const bool named = std::any_of(names.begin(), names.end(), [&](const QString &n) {
                    return QRegularExpression(QRegularExpression::escape(n) + "(?![a-z-])").match(section).hasMatch();
                });
                if (!named)
                    missing << "writ " + command + " " + names.join(',') + ": not in its section of docs/cli.md";
            }
        }
        QVERIFY2(missing.isEmpty(), qPrintable(missing.join('\n')));
        QVERIFY(options > 60); // the walk really read the options
    }

    void exitCodesAreTheDocumentedOnes()
    {
        for (const char *code : {"| 0 |", "| 1 |", "| 2 |", "| 3 |", "| 64 |"})
            QVERIFY2(m_reference.contains(code), code);
        QCOMPARE(runWrit({"no-such-command"}).exitCode, 64);
        QCOMPARE(runWrit({"check", "/nonexistent/policy.yaml"}).exitCode, 1);
        QCOMPARE(runWrit({"check", QStringLiteral(WRIT_SOURCE_DIR "/resources/demo/supportdesk.writ.yaml"), "--catalog", "/nonexistent.json"}).exitCode, 3);
    }
};

QTEST_GUILESS_MAIN(TestCliReference)
#include "tst_cli_reference.moc"
