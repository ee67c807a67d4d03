// SPDX-License-Identifier: Apache-2.0
// The engine around the rules: messages that name the rule and the fix, the decision cache, context
// checks that must never be cached, and concurrent use.

#include "decide_fixture.h"

#include "policy/source_map.h"
#include "sql/analyzer.h"

#include <thread>

using namespace writ;
using decide::Verdict;

class TestDecisionEngine : public QObject
{
    Q_OBJECT

private:
    std::shared_ptr<const policy::Policy> m_policy = test::loadRulesPolicy();
    std::shared_ptr<const catalog::Catalog> m_catalog = test::loadRulesCatalog();

    static decide::TaskContext summarizer() { return test::summarizerContext(); }

private slots:
    void denialNamesTheColumnTheAllowedOnesAndThePolicyItem()
    {
        decide::DecisionEngine engine(m_policy, m_catalog, "v1");
        const auto d = engine.decide("SELECT name, phone FROM public.customers", summarizer());
        QCOMPARE(d->verdict, Verdict::Deny);
        const auto &r = d->deciding();
        QCOMPARE(QString::fromStdString(r.rule), QString(decide::rule::Column));
        QVERIFY2(r.message.find("public.customers.phone") != std::string::npos, r.message.c_str());
        QVERIFY2(r.message.find("summarizer/summarize") != std::string::npos, r.message.c_str());
        QVERIFY2(r.message.find("allowed: email, id, name") != std::string::npos, r.message.c_str());
        QVERIFY2(!r.fix.empty(), "a column denial says how to fix it");
        QCOMPARE(r.policyPath, policy::scopePath("summarizer", "summarize", "public.customers"));
        QVERIFY(r.location >= 0);
    }

    void stepUpDenialExplainsHowToMakeItApprovable()
    {
        decide::DecisionEngine engine(m_policy, m_catalog, "v1");
        decide::TaskContext c;
        c.agent = "clerk";
        c.taskType = "triage";
        const auto d = engine.decide("COPY tickets (id) TO STDOUT", c);
        QCOMPARE(d->verdict, Verdict::Deny);
        QVERIFY2(d->deciding().fix.find("add export to the task's step_up") != std::string::npos, d->deciding().fix.c_str());
    }

    void approvalCarriesItsClass()
    {
        decide::DecisionEngine engine(m_policy, m_catalog, "v1");
        const auto d = engine.decide("COPY tickets (id) TO STDOUT", summarizer());
        QCOMPARE(d->verdict, Verdict::ApprovalRequired);
        QCOMPARE(d->approvalClass, std::optional(policy::StepUpClass::Export));
    }

    void rowLimitTravelsWithTheDecision()
    {
        decide::DecisionEngine engine(m_policy, m_catalog, "v1");
        const auto d = engine.decide("SELECT id FROM tickets LIMIT 5", summarizer());
        QCOMPARE(d->verdict, Verdict::Allow);
        QCOMPARE(d->rowsPerStatement, std::optional<std::int64_t>(500));
    }

    void repeatedTextIsServedFromTheCache()
    {
        decide::DecisionEngine engine(m_policy, m_catalog, "v1");
        const auto first = engine.decide("SELECT id FROM tickets LIMIT 5", summarizer());
        const auto second = engine.decide("SELECT id FROM tickets LIMIT 5", summarizer());
        QCOMPARE(first.get(), second.get());
        QCOMPARE(engine.cacheSize(), std::size_t(1));
        // Another task type, or the same text from a Parse message, is a different entry.
        decide::TaskContext other;
        other.agent = "clerk";
        other.taskType = "triage";
        const auto third = engine.decide("SELECT id FROM tickets LIMIT 5", other);
        QVERIFY(third.get() != first.get());
        const auto fourth = engine.decide("SELECT id FROM tickets LIMIT 5", summarizer(), false);
        QVERIFY(fourth.get() != first.get());
        QCOMPARE(engine.cacheSize(), std::size_t(3));
    }

    void textsThatDifferInInertConstantsShareOneAllow()
    {
        decide::DecisionEngine engine(m_policy, m_catalog, "v1");
        const auto first = engine.decide("SELECT id, status FROM tickets WHERE id = 1 AND status = 'open'", summarizer());
        QCOMPARE(first->verdict, Verdict::Allow);
        for (int i = 2; i <= 100; ++i) {
            const auto d = engine.decide("SELECT id, status FROM tickets WHERE id = " + std::to_string(i * 7919) + " AND status = 's" + std::to_string(i) + "'",
                                         summarizer());
            QCOMPARE(d.get(), first.get());
        }
        QCOMPARE(engine.cacheSize(), std::size_t(1));
        // Another spelling is another shape; a number where a string was is another shape.
        QVERIFY(engine.decide("SELECT id, status FROM tickets WHERE id = 5 AND status = 'open' ", summarizer()).get() != first.get());
        QVERIFY(engine.decide("SELECT id, status FROM tickets WHERE id = 5 AND status = 5", summarizer()).get() != first.get());
        QCOMPARE(engine.cacheSize(), std::size_t(3));
        // What the analyzer refuses whatever the structure, a constant can carry: such a text is
        // decided on its own (and refused), never by its shape.
        const auto invalidUtf8 = engine.decide("SELECT id, status FROM tickets WHERE id = 1 AND status = 'op\xff'", summarizer());
        QCOMPARE(invalidUtf8->verdict, Verdict::Deny);
        QCOMPARE(invalidUtf8->deciding().rule, std::string(decide::rule::Unparseable));
        const auto huge = engine.decide("SELECT id, status FROM tickets WHERE id = 1 AND status = '" + std::string(sql::kMaxAnalyzeBytes, 'o') + "'",
                                        summarizer());
        QCOMPARE(huge->verdict, Verdict::Deny);
        QCOMPARE(huge->deciding().rule, std::string(decide::rule::Unparseable));
    }

    void constantsTheDecisionReadsKeepTextsApart()
    {
        decide::DecisionEngine engine(m_policy, m_catalog, "v1");
        // The setting's name decides: each text is its own entry, and the protected one is refused.
        QCOMPARE(engine.decide("SELECT current_setting('application_name')", summarizer())->verdict, Verdict::Allow);
        QCOMPARE(engine.decide("SELECT set_config('application_name', 'a', false)", summarizer())->verdict, Verdict::Allow);
        const auto role = engine.decide("SELECT set_config('role', 'a', false)", summarizer());
        QCOMPARE(role->verdict, Verdict::Deny);
        QCOMPARE(role->deciding().rule, std::string(decide::rule::ProtectedSetting));
        QCOMPARE(engine.cacheSize(), std::size_t(3));
        // A denial is kept by its text only: its message points into it.
        const auto denied = engine.decide("SELECT phone FROM public.customers WHERE id = 1", summarizer());
        const auto deniedToo = engine.decide("SELECT phone FROM public.customers WHERE id = 2", summarizer());
        QCOMPARE(denied->verdict, Verdict::Deny);
        QVERIFY(denied.get() != deniedToo.get());
        QCOMPARE(engine.cacheSize(), std::size_t(5));
    }

    void cacheKeysOnTheWholeTextNotAHash()
    {
        decide::DecisionEngine engine(m_policy, m_catalog, "v1");
        QCOMPARE(engine.decide("SELECT id FROM tickets LIMIT 5", summarizer())->verdict, Verdict::Allow);
        QCOMPARE(engine.decide("SELECT id FROM tickets LIMIT 5 ", summarizer())->verdict, Verdict::Allow);
        QCOMPARE(engine.decide("SELECT phone FROM public.customers", summarizer())->verdict, Verdict::Deny);
    }

    void contextIsCheckedBeforeTheCache()
    {
        decide::DecisionEngine engine(m_policy, m_catalog, "v1");
        auto c = summarizer();
        QCOMPARE(engine.decide("SELECT id FROM tickets LIMIT 5", c)->verdict, Verdict::Allow);
        c.statementsSoFar = 200;
        const auto d = engine.decide("SELECT id FROM tickets LIMIT 5", c);
        QCOMPARE(d->verdict, Verdict::Deny);
        QCOMPARE(QString::fromStdString(d->deciding().rule), QString(decide::rule::StatementLimit));
        c.statementsSoFar = 0;
        c.expiresAt = c.now - std::chrono::seconds(1);
        QCOMPARE(engine.decide("SELECT id FROM tickets LIMIT 5", c)->deciding().rule, std::string(decide::rule::TaskExpired));
    }

    void executeDependsOnTheSessionAndIsNotCached()
    {
        decide::DecisionEngine engine(m_policy, m_catalog, "v1");
        auto c = summarizer();
        QCOMPARE(engine.decide("EXECUTE q", c)->verdict, Verdict::Deny);
        c.preparedStatements.insert("q");
        QCOMPARE(engine.decide("EXECUTE q", c)->verdict, Verdict::Allow);
        QCOMPARE(engine.cacheSize(), std::size_t(0));
    }

    void fullCacheStartsOver()
    {
        decide::EngineOptions options;
        options.cacheCapacity = 4;
        decide::DecisionEngine engine(m_policy, m_catalog, "v1", options);
        for (int i = 0; i < 20; ++i)
            QCOMPARE(engine.decide("SELECT id FROM tickets LIMIT " + std::to_string(i + 1), summarizer())->verdict, Verdict::Allow);
        QVERIFY(engine.cacheSize() <= 4);
        QVERIFY(engine.cacheSize() >= 1);
    }

    void concurrentDecisionsAgree()
    {
        decide::DecisionEngine engine(m_policy, m_catalog, "v1");
        const std::vector<std::pair<std::string, Verdict>> cases = {
            {"SELECT id FROM tickets LIMIT 5", Verdict::Allow},
            {"SELECT phone FROM public.customers", Verdict::Deny},
            {"COPY tickets (id) TO STDOUT", Verdict::ApprovalRequired},
            {"COMMIT; DROP TABLE tickets", Verdict::Deny},
        };
        std::atomic<int> wrong{0};
        std::vector<std::thread> threads;
        for (int t = 0; t < 4; ++t)
            threads.emplace_back([&] {
                for (int i = 0; i < 2000; ++i) {
                    const auto &[sql, verdict] = cases[static_cast<std::size_t>(i) % cases.size()];
                    if (engine.decide(sql, summarizer())->verdict != verdict)
                        ++wrong;
                }
            });
        for (auto &t : threads)
            t.join();
        QCOMPARE(wrong.load(), 0);
        QCOMPARE(engine.cacheSize(), cases.size());
    }

    void rowEstimateOnlyTurnsAllowsIntoApprovals()
    {
        decide::Decision d;
        d.verdict = Verdict::Allow;
        d.needsRowEstimate = true;
        d.bulkReadRows = 100;
        d.reasons.push_back({decide::rule::Allowed, "ok", "", "", 0, -1});
        QCOMPARE(decide::applyRowEstimate(d, 100).verdict, Verdict::Allow);
        const auto over = decide::applyRowEstimate(d, 101);
        QCOMPARE(over.verdict, Verdict::ApprovalRequired);
        QCOMPARE(over.approvalClass, std::optional(policy::StepUpClass::BulkRead));
        QVERIFY(over.deciding().message.find("101 rows") != std::string::npos);
        QCOMPARE(decide::applyRowEstimate(d, std::nan("")).verdict, Verdict::ApprovalRequired);
        d.verdict = Verdict::Deny;
        QCOMPARE(decide::applyRowEstimate(d, 1e9).verdict, Verdict::Deny);
    }

    void maskedTasksSearchTheirViewSchemaFirst()
    {
        decide::DecisionEngine engine(m_policy, m_catalog, "v1");
        const auto path = engine.searchPathFor("summarizer", "summarize");
        QCOMPARE(path.front(), compile::viewSchemaName("summarizer", "summarize"));
        QCOMPARE(engine.searchPathFor("clerk", "triage"), std::vector<std::string>{"public"});
    }
};

QTEST_GUILESS_MAIN(TestDecisionEngine)
#include "tst_decision_engine.moc"
