// SPDX-License-Identifier: Apache-2.0
// Decision tables in the style of PgBouncer's hba_test: tests/data/decide/*.table list statements with
// the verdict and deciding rule expected for a task (format: tests/data/decide/README.md).

#include "decide_fixture.h"

#include "sql/literal_shape.h"

#include <QDir>
#include <QFile>

#include <random>
#include <set>

using namespace writ;
using decide::Verdict;

namespace {

struct Row
{
    QString file;
    int line = 0;
    decide::TaskContext context;
    bool extended = false;
    std::string sql;
    Verdict verdict = Verdict::Deny;
    std::string rule;
    std::optional<double> estimate;
    std::optional<bool> needsEstimate;
    std::optional<bool> masked;
};

decide::TaskContext parseTaskLine(const QStringList &words, bool &extended)
{
    decide::TaskContext c;
    const QStringList at = words.value(1).split('/');
    c.agent = at.value(0).toStdString();
    c.taskType = at.value(1).toStdString();
    extended = false;
    for (int i = 2; i < words.size(); ++i) {
        const QString w = words[i];
        if (w.startsWith("env="))
            c.environment = w.mid(4).toStdString();
        else if (w == "expired")
            c.expiresAt = c.now - std::chrono::seconds(1);
        else if (w.startsWith("statements="))
            c.statementsSoFar = w.mid(11).toLongLong();
        else if (w.startsWith("prepared="))
            for (const QString &name : w.mid(9).split(','))
                c.preparedStatements.insert(name.toStdString());
        else if (w == "extended")
            extended = true;
        else
            qFatal("unknown task flag %s", qPrintable(w));
    }
    return c;
}

std::vector<Row> loadTables()
{
    std::vector<Row> rows;
    const QDir dir(WRIT_TEST_DATA_DIR "/decide");
    for (const QString &name : dir.entryList({"*.table"}, QDir::Files, QDir::Name)) {
        QFile f(dir.filePath(name));
        if (!f.open(QIODevice::ReadOnly))
            qFatal("cannot read %s", qPrintable(name));
        decide::TaskContext context;
        bool extended = false;
        int lineNo = 0;
        while (!f.atEnd()) {
            const QString line = QString::fromUtf8(f.readLine()).trimmed();
            ++lineNo;
            if (line.isEmpty() || line.startsWith('#'))
                continue;
            if (line.startsWith("task ")) {
                context = parseTaskLine(line.split(' ', Qt::SkipEmptyParts), extended);
                continue;
            }
            const int bar = line.indexOf('|');
            if (bar < 0)
                qFatal("%s:%d: missing |", qPrintable(name), lineNo);
            Row r;
            r.file = name;
            r.line = lineNo;
            r.context = context;
            r.extended = extended;
            r.sql = line.mid(bar + 1).trimmed().toStdString();
            const QStringList words = line.left(bar).split(' ', Qt::SkipEmptyParts);
            const auto verdict = decide::parseVerdict(words.value(0).toStdString());
            if (!verdict)
                qFatal("%s:%d: bad verdict", qPrintable(name), lineNo);
            r.verdict = *verdict;
            for (int i = 1; i < words.size(); ++i) {
                const QString w = words[i];
                if (w.startsWith("estimate="))
                    r.estimate = w.mid(9).toDouble();
                else if (w == "needs-estimate" || w == "no-estimate")
                    r.needsEstimate = w == "needs-estimate";
                else if (w == "masked" || w == "unmasked")
                    r.masked = w == "masked";
                else if (r.rule.empty())
                    r.rule = w.toStdString();
                else
                    qFatal("%s:%d: unknown flag %s", qPrintable(name), lineNo, qPrintable(w));
            }
            if (r.verdict != Verdict::Allow && r.rule.empty())
                qFatal("%s:%d: deny and approval_required rows name their rule", qPrintable(name), lineNo);
            rows.push_back(std::move(r));
        }
    }
    return rows;
}

std::string describe(const decide::Decision &d)
{
    std::string out = std::string(decide::toString(d.verdict));
    for (const auto &r : d.reasons)
        out += "\n    [" + r.rule + "] " + r.message + (r.fix.empty() ? "" : " (fix: " + r.fix + ")");
    return out;
}

/// Everything a decision carries, for comparing two of them.
std::string fullDescription(const decide::Decision &d)
{
    std::string out = describe(d);
    for (const auto &r : d.reasons)
        out += "\n    at " + std::to_string(r.statementIndex) + ":" + std::to_string(r.location) + " " + r.policyPath;
    out += "\n    estimate " + std::to_string(d.needsRowEstimate) + " over " + std::to_string(d.bulkReadRows) + ", masked "
           + std::to_string(d.readsMaskedColumns) + ", rows " + (d.rowsPerStatement ? std::to_string(*d.rowsPerStatement) : "-")
           + ", class " + (d.approvalClass ? policy::toString(*d.approvalClass) : "-") + ", statements "
           + std::to_string(d.statementCount);
    return out;
}

/// Where the constant starting at `at` ends: a '...' string (doubled quotes inside) or a number.
std::size_t constantEnd(const std::string &sql, std::size_t at)
{
    std::size_t i = at + 1;
    if (sql[at] == '\'') {
        for (; i < sql.size(); ++i)
            if (sql[i] == '\'') {
                if (i + 1 < sql.size() && sql[i + 1] == '\'')
                    ++i;
                else
                    return i + 1;
            }
        return sql.size();
    }
    while (i < sql.size() && (std::isdigit(static_cast<unsigned char>(sql[i])) || sql[i] == '.' || sql[i] == 'e' || sql[i] == 'E'
                              || ((sql[i] == '+' || sql[i] == '-') && (sql[i - 1] == 'e' || sql[i - 1] == 'E'))))
        ++i;
    return i;
}

/// `sql` with each of the shape's constants replaced by another of its kind, drawn from values that
/// would change a decision if the analyzer read them: protected and harmless setting names, true and
/// false flags, tiny and huge counts, and bytes the analyzer refuses.
std::string sibling(const std::string &sql, const sql::LiteralShape &shape, std::mt19937 &random)
{
    static const std::vector<std::string> strings = {"'role'", "'search_path'", "'writ.task'", "'application_name'", "'on'",
                                                     "'off'", "''", "'x'", "'public.customers'", "'it''s'",
                                                     "'caf\xc3'" /* invalid UTF-8: the analyzer refuses the text */};
    static const std::vector<std::string> numbers = {"0", "1", "7", "100000000", "2.5", "99999999999", "1e3"};
    std::string out;
    std::size_t from = 0;
    for (const int offset : shape.offsets) {
        const auto at = static_cast<std::size_t>(offset);
        out.append(sql, from, at - from);
        const auto &pool = sql[at] == '\'' ? strings : numbers;
        out += pool[random() % pool.size()];
        from = constantEnd(sql, at);
    }
    out.append(sql, from, std::string::npos);
    return out;
}

} // namespace

class TestDecisionTable : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<decide::DecisionEngine> m_engine;
    std::vector<Row> m_rows;
    std::set<std::string> m_rulesSeen;

private slots:
    void initTestCase()
    {
        m_engine = std::make_unique<decide::DecisionEngine>(test::loadRulesPolicy(), test::loadRulesCatalog(), "v1");
        m_rows = loadTables();
        QVERIFY(m_rows.size() > 100);
    }

    void table_data()
    {
        QTest::addColumn<int>("index");
        for (std::size_t i = 0; i < m_rows.size(); ++i)
            QTest::addRow("%s:%d", qPrintable(m_rows[i].file), m_rows[i].line) << static_cast<int>(i);
    }

    void table()
    {
        QFETCH(int, index);
        const Row &r = m_rows[static_cast<std::size_t>(index)];
        decide::Decision d = *m_engine->decide(r.sql, r.context, !r.extended);
        if (r.needsEstimate)
            QVERIFY2(d.needsRowEstimate == *r.needsEstimate, (r.sql + " -> needsRowEstimate " + (d.needsRowEstimate ? "true" : "false")).c_str());
        if (r.masked)
            QVERIFY2(d.readsMaskedColumns == *r.masked, (r.sql + " -> readsMaskedColumns " + (d.readsMaskedColumns ? "true" : "false")).c_str());
        if (r.estimate) {
            QVERIFY2(d.needsRowEstimate, (r.sql + ": expected a request for a row estimate").c_str());
            d = decide::applyRowEstimate(d, *r.estimate);
        }
        QVERIFY(!d.reasons.empty());
        m_rulesSeen.insert(d.deciding().rule);
        const std::string got = describe(d);
        QVERIFY2(d.verdict == r.verdict, (r.sql + "\n  expected " + decide::toString(r.verdict) + ", got " + got).c_str());
        if (!r.rule.empty())
            QVERIFY2(d.deciding().rule == r.rule, (r.sql + "\n  expected rule " + r.rule + ", got " + got).c_str());
        // A refusal always says what is wrong; an approval names its class.
        QVERIFY(!d.deciding().message.empty());
        QCOMPARE(d.approvalClass.has_value(), d.verdict == Verdict::ApprovalRequired);
    }

    void textsOfOneShapeAreDecidedAsTheirOwn()
    {
        // A decision kept by literal shape must be exactly what the sibling text gets on its own. An
        // engine that decided the table's text first (and may serve its siblings from the shape) is
        // compared with a fresh engine per sibling, for every row with constants and some texts whose
        // constants name settings.
        std::vector<std::pair<decide::TaskContext, std::string>> texts;
        for (const Row &r : m_rows)
            if (!r.extended)
                texts.emplace_back(r.context, r.sql);
        const decide::TaskContext summarizer = test::summarizerContext();
        for (const char *sql : {"SELECT set_config('application_name', 'x', false)", "SELECT current_setting('application_name')",
                                "SELECT set_config('statement_timeout', '5s', true)", "SELECT id FROM tickets LIMIT 5",
                                "SELECT id FROM tickets WHERE id = 5", "SELECT id FROM tickets ORDER BY 1"})
            texts.emplace_back(summarizer, sql);
        std::mt19937 random(20261205);
        int siblings = 0, shared = 0;
        for (const auto &[context, sql] : texts) {
            const auto shape = sql::literalShape(sql);
            if (!shape || shape->constants == 0)
                continue;
            decide::DecisionEngine warm(test::loadRulesPolicy(), test::loadRulesCatalog(), "v1");
            const auto original = warm.decide(sql, context);
            for (int i = 0; i < 12; ++i) {
                const std::string other = sibling(sql, *shape, random);
                const auto fromWarm = warm.decide(other, context);
                decide::DecisionEngine cold(test::loadRulesPolicy(), test::loadRulesCatalog(), "v1");
                const auto own = cold.decide(other, context);
                ++siblings;
                shared += fromWarm.get() == original.get();
                QVERIFY2(fullDescription(*fromWarm) == fullDescription(*own),
                         (sql + "\n  then " + other + "\n  got      " + fullDescription(*fromWarm) + "\n  on its own "
                          + fullDescription(*own))
                             .c_str());
            }
        }
        qInfo("%d sibling texts, %d decided by their shape", siblings, shared);
        QVERIFY(siblings > 300);
        QVERIFY(shared > 0);
    }

    void everyRuleIsExercised()
    {
        // Two rules cannot be reached through this engine's input: function-call-message belongs to the
        // wire protocol (the gateway's tests cover it) and unknown-statement to a parse node the analyzer
        // has no class for (its class table covers every PostgreSQL 15 statement).
        for (const std::string_view rule : decide::allRules()) {
            if (rule == decide::rule::FunctionCallMessage || rule == decide::rule::UnknownStatement)
                continue;
            QVERIFY2(m_rulesSeen.count(std::string(rule)), ("no table row is decided by rule " + std::string(rule)).c_str());
        }
    }
};

QTEST_GUILESS_MAIN(TestDecisionTable)
#include "tst_decision_table.moc"
