// SPDX-License-Identifier: Apache-2.0
// Qualified names of a masked relation pointed at the task's masked view: which spellings change,
// which texts are left as sent, and that a rewritten text is itself allowed.

#include "decide_fixture.h"

#include "compile/sql_quote.h"
#include "decide/masked_view_rewrite.h"
#include "decide/task_index.h"

#include <random>

using namespace writ;

class TestMaskedViewRewrite : public QObject
{
    Q_OBJECT

private:
    std::shared_ptr<const policy::Policy> m_policy = test::loadRulesPolicy();
    std::shared_ptr<const catalog::Catalog> m_catalog = test::loadRulesCatalog();
    decide::DecisionEngine m_engine{m_policy, m_catalog, "v1"};
    const QString m_view = QString::fromStdString(compile::quoteIdent(compile::viewSchemaName("summarizer", "summarize")));

    static decide::TaskContext summarizer() { return test::summarizerContext(); }

    QString rewritten(const QString &sql, bool simpleQuery = true) const
    {
        const auto text = m_engine.readThroughMaskedViews(sql.toStdString(), summarizer(), simpleQuery);
        return text ? QString::fromStdString(*text) : QString();
    }

    /// `sql` with VIEW standing for the quoted view schema.
    QString expected(QString sql) const { return sql.replace("VIEW", m_view); }

private slots:
    void qualifiedMaskedReadsPointAtTheView_data()
    {
        QTest::addColumn<QString>("sql");
        QTest::addColumn<QString>("expected");
        QTest::newRow("column") << "SELECT email FROM public.customers" << "SELECT email FROM VIEW.customers";
        QTest::newRow("schema.table.column") << "SELECT public.customers.email FROM public.customers"
                                             << "SELECT VIEW.customers.email FROM VIEW.customers";
        QTest::newRow("join on schema.table.column")
            << "SELECT public.customers.email, t.subject FROM public.customers JOIN public.tickets t ON t.customer_id = public.customers.id"
            << "SELECT VIEW.customers.email, t.subject FROM VIEW.customers JOIN public.tickets t ON t.customer_id = VIEW.customers.id";
        QTest::newRow("alias") << "SELECT c.email FROM public.customers c WHERE c.id = 42"
                               << "SELECT c.email FROM VIEW.customers c WHERE c.id = 42";
        QTest::newRow("quoted and upper case") << "SELECT email FROM \"public\".customers, PUBLIC.customers x"
                                               << "SELECT email FROM VIEW.customers, VIEW.customers x";
        QTest::newRow("in a WHERE only") << "SELECT id FROM public.customers WHERE email LIKE '%@example.com'"
                                         << "SELECT id FROM VIEW.customers WHERE email LIKE '%@example.com'";
        QTest::newRow("subquery, join") << "SELECT t.id, (SELECT email FROM public.customers WHERE id = t.customer_id) FROM public.tickets t"
                                        << "SELECT t.id, (SELECT email FROM VIEW.customers WHERE id = t.customer_id) FROM public.tickets t";
        // Strings and comments that spell the name are text, not names: only the names change.
        QTest::newRow("literal and comment") << "SELECT email, 'public.customers' /* public.customers */ FROM public.customers"
                                             << "SELECT email, 'public.customers' /* public.customers */ FROM VIEW.customers";
        QTest::newRow("two statements") << "SELECT 1; SELECT email FROM public.customers"
                                        << "SELECT 1; SELECT email FROM VIEW.customers";
    }

    void qualifiedMaskedReadsPointAtTheView()
    {
        QFETCH(QString, sql);
        QFETCH(QString, expected);
        const auto before = m_engine.decide(sql.toStdString(), summarizer());
        QVERIFY2(before->allowed() && before->readsMaskedColumns, qPrintable(sql));
        QCOMPARE(rewritten(sql), this->expected(expected));
        // The rewritten text is decided on its own: allowed, every masked column read through the view.
        const auto after = m_engine.decide(rewritten(sql).toStdString(), summarizer());
        QVERIFY(after->allowed());
        QVERIFY(!after->readsMaskedColumns);
    }

    void preparedStatementsAreRewrittenToo()
    {
        QCOMPARE(rewritten("SELECT email FROM public.customers WHERE id = $1", false),
                 expected("SELECT email FROM VIEW.customers WHERE id = $1"));
    }

    void textsThatNeedNoRewriteAreLeftAsSent_data()
    {
        QTest::addColumn<QString>("sql");
        QTest::newRow("unqualified: already the view") << "SELECT email FROM customers";
        QTest::newRow("no masked column") << "SELECT id, name FROM public.customers";
        QTest::newRow("another relation") << "SELECT subject FROM public.tickets";
        QTest::newRow("not allowed at all") << "SELECT phone FROM public.customers";
        // `*` over the base table is every column of the table, phone included: denied, not rewritten
        // (through the view it would be fewer columns than the statement asked for).
        QTest::newRow("star over the base table") << "SELECT * FROM public.customers";
        QTest::newRow("schema.table.* over the base table") << "SELECT public.customers.* FROM public.customers";
        QTest::newRow("garbage") << "SELEKT email FROM public.customers";
    }

    void textsThatNeedNoRewriteAreLeftAsSent()
    {
        QFETCH(QString, sql);
        QVERIFY(rewritten(sql).isEmpty());
    }

    void otherTasksAreNeverRewritten()
    {
        decide::TaskContext clerk;
        clerk.agent = "clerk";
        clerk.taskType = "triage";
        QVERIFY(!m_engine.readThroughMaskedViews("SELECT id, name FROM public.customers", clerk));
        decide::TaskContext unknown;
        unknown.agent = "nobody";
        unknown.taskType = "nothing";
        QVERIFY(!m_engine.readThroughMaskedViews("SELECT email FROM public.customers", unknown));
    }

    /// Whatever the text, a rewrite that comes back is allowed, reads no base masked column, and
    /// differs from the text sent only where a schema was spelled: texts cut, spliced and salted with
    /// quotes, comments and dots at random.
    void anyRewriteIsAllowedAndReadsOnlyThroughTheView()
    {
        const std::vector<std::string> seeds = {
            "SELECT public.customers.email FROM public.customers WHERE public.customers.id = 42",
            "SELECT c.email, t.subject FROM \"public\".customers c JOIN public.tickets t ON t.customer_id = c.id",
            "SELECT email FROM PUBLIC.customers; SELECT id FROM public.customers WHERE email <> 'public.customers'",
            "SELECT (SELECT email FROM public.customers /* public.customers */ LIMIT 1), 1"};
        const std::vector<std::string> salt = {"\"", "'", ".", "/*", "*/", "--", "\n", " public.", "customers", "$1", ";", "(", ")"};
        std::mt19937 random(20261206);
        int rewrites = 0;
        for (int i = 0; i < 4000; ++i) {
            std::string sql = seeds[random() % seeds.size()];
            for (int edits = static_cast<int>(random() % 3); edits > 0; --edits) {
                const std::size_t at = random() % (sql.size() + 1);
                if (random() % 2)
                    sql.insert(at, salt[random() % salt.size()]);
                else
                    sql.erase(at, random() % 8);
            }
            const auto text = m_engine.readThroughMaskedViews(sql, summarizer(), random() % 2);
            if (!text)
                continue;
            ++rewrites;
            const auto after = m_engine.decide(*text, summarizer());
            QVERIFY2(after->allowed() && !after->readsMaskedColumns, (sql + " -> " + *text).c_str());
            QVERIFY2(*text != sql, sql.c_str());
        }
        QVERIFY2(rewrites > 100, qPrintable(QString::number(rewrites))); // the property was exercised
    }

    void rewriteNeedsEverySpellingWhereTheAnalysisSaysItIs()
    {
        sql::Analysis analysis;
        sql::StatementFacts facts;
        sql::RelationUse r;
        r.schema = "public";
        r.name = "customers";
        r.qualified = true;
        r.found = true;
        r.access = {sql::Access::Read};
        r.readColumns = {"email"};
        r.schemaSpellings = {18};
        facts.relations.push_back(r);
        analysis.statements.push_back(facts);
        const std::string sql = "SELECT email FROM public.customers";
        decide::TaskContext c = summarizer();
        const auto task = decide::buildTaskIndex(*m_policy, *m_catalog, m_policy->agents[0], m_policy->agents[0].tasks[0]);
        QCOMPARE(task.task->id, std::string("summarize"));
        QCOMPARE(decide::pointQualifiedNamesAtMaskedViews(sql, analysis, task).value_or(""),
                 expected("SELECT email FROM VIEW.customers").toStdString());
        // Pointing anywhere but at the schema's spelling (here: at "customers"), the text is left alone.
        analysis.statements[0].relations[0].schemaSpellings = {25};
        QVERIFY(!decide::pointQualifiedNamesAtMaskedViews(sql, analysis, task));
        analysis.statements[0].relations[0].schemaSpellings = {1000};
        QVERIFY(!decide::pointQualifiedNamesAtMaskedViews(sql, analysis, task));
        // A relation that is also written is not pointed at a view, which would not take the write.
        analysis.statements[0].relations[0].schemaSpellings = {18};
        analysis.statements[0].relations[0].access.insert(sql::Access::Update);
        QVERIFY(!decide::pointQualifiedNamesAtMaskedViews(sql, analysis, task));
    }
};

QTEST_GUILESS_MAIN(TestMaskedViewRewrite)
#include "tst_masked_view_rewrite.moc"
