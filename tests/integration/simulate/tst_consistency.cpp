// SPDX-License-Identifier: Apache-2.0
// The request-time engine and the compiled floor agree (ARCHITECTURE §5, last point): over the corpus
// tests/data/consistency/*.cases.yaml, every statement the engine allows succeeds natively as the task's
// JIT role, and every denial the floor owns (relation-scope, column-scope, operation-scope,
// update-columns) also fails natively with SQLSTATE 42501. Statements run in the sandbox, on a private
// copy of the demo database with the demo policy deployed (so the engine sees the catalog a gateway
// would). Known exceptions are stated in the corpus with `native:` and a `reason:`, and are checked too.
// Every disagreement is listed with the statement and both answers.
//
// Needs the sandbox: scripts/pg-sandbox start && load-demo, eval "$(scripts/pg-sandbox env)".
#include "simulate_db.h"

#include "decide/decision_engine.h"
#include "simulate/policy_test_runner.h"
#include "simulate/policy_tests.h"
#include "simulate/sandbox.h"

#include "../../support/diagnostics_text.h"

#include <QtTest>

using namespace simtest;
using namespace writ;

namespace {

constexpr const char *kCopy = "writ_tst_consistency";

/// Rules whose denials PostgreSQL's own privileges enforce: grants per relation, column and command.
const std::set<std::string> kFloorRules = {decide::rule::Relation, decide::rule::Column, decide::rule::Operation,
                                           decide::rule::UpdateColumn};

/// What the floor must do given the engine's decision, or nullopt when the engine's reason is not one
/// the floor owns (approvals, dangerous functions, ...).
std::optional<simulate::NativeExpectation> derivedNative(const decide::Decision &d)
{
    if (d.verdict == decide::Verdict::Allow)
        return simulate::NativeExpectation {true, {}};
    if (d.verdict != decide::Verdict::Deny || d.reasons.empty())
        return std::nullopt;
    for (const auto &r : d.reasons)
        if (!kFloorRules.count(r.rule))
            return std::nullopt;
    return simulate::NativeExpectation {false, "42501"};
}

std::string nativeText(const simulate::SandboxResult &s)
{
    switch (s.outcome) {
    case simulate::SandboxResult::Outcome::Succeeded: return "succeeded (" + std::to_string(s.visibleRows) + " rows)";
    case simulate::SandboxResult::Outcome::Failed: return "failed " + s.sqlstate + ": " + s.error;
    case simulate::SandboxResult::Outcome::NotRun: return "not run: " + s.error;
    }
    return {};
}

} // namespace

class TestConsistency : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<DatabaseCopy> m_copy;

private slots:
    void initTestCase()
    {
        m_copy = std::make_unique<DatabaseCopy>(requiredDsn("WRIT_TEST_ADMIN_DSN"), kCopy);
        QString error;
        QVERIFY2(m_copy->create("supportdesk", &error), qPrintable(error));
        const CliResult applied = apply(demoPolicy(), m_copy->dsn());
        QVERIFY2(applied.exitCode == 0, cliText(applied));
    }

    void cleanupTestCase() { m_copy.reset(); }

    void engineAndFloorAgree()
    {
        const QString corpus = QStringLiteral(WRIT_TEST_DATA_DIR "/consistency/supportdesk.cases.yaml");
        const simulate::TestFileLoad loaded = simulate::loadPolicyTestsFile(corpus.toStdString());
        QVERIFY2(loaded.ok(), qPrintable(describe(loaded.diagnostics)));

        const auto policy = loadPolicy(demoPolicy());
        const auto catalog = introspect(m_copy->dsn());
        const decide::DecisionEngine engine(policy, catalog, "consistency");
        simulate::Sandbox sandbox(m_copy->dsn().toStdString(), policy, catalog);
        Session su(m_copy->dsn());
        const QString before = persistentState(su);

        QStringList disagreements;
        std::map<std::string, int> floorDenials; // rule -> cases where the floor confirmed it
        int allowedAndRan = 0, deniedAndRefused = 0, exceptions = 0;
        for (const simulate::TestCase &c : loaded.tests.cases) {
            decide::TaskContext context;
            context.agent = c.agent;
            context.taskType = c.task;
            context.values = c.context;
            decide::Decision decision = *engine.decide(c.sql, context);
            simulate::SandboxOptions options;
            options.countWithoutPolicy = false;
            options.maxRows = 0;
            options.explain = decision.needsRowEstimate;
            const simulate::SandboxResult native = sandbox.run({c.agent, c.task, c.context, c.environment, c.sql}, options);
            if (decision.needsRowEstimate && native.estimatedRows)
                decision = decide::applyRowEstimate(decision, *native.estimatedRows);

            const QString where = QString::fromStdString(c.name + " [" + c.agent + "/" + c.task + "]: " + c.sql);
            auto disagree = [&](const std::string &what) {
                disagreements << where + "\n    engine: " + QString::fromStdString(simulate::describeDecision(decision))
                                     + "\n    native: " + QString::fromStdString(nativeText(native)) + "\n    " + QString::fromStdString(what);
            };

            // The corpus states the engine's verdict: a change there is a finding too.
            if (decision.verdict != c.expect)
                disagree(std::string("the corpus expects the engine to ") + decide::toString(c.expect));
            else if (!c.rule.empty()
                     && std::none_of(decision.reasons.begin(), decision.reasons.end(), [&](const auto &r) { return r.rule == c.rule; }))
                disagree("the corpus expects rule " + c.rule);

            const auto derived = derivedNative(decision);
            if (c.native && (!derived || *c.native != *derived)) {
                // A stated exception: it must say why, and it must still hold.
                ++exceptions;
                if (c.reason.empty())
                    disagree("the case states native: " + simulate::toString(*c.native) + " without a reason");
                if (!simulate::nativeMatches(*c.native, native))
                    disagree("the corpus says the floor does: " + simulate::toString(*c.native));
                continue;
            }
            const auto expected = c.native ? c.native : derived;
            if (!expected)
                continue;
            if (!simulate::nativeMatches(*expected, native)) {
                disagree(expected->succeed ? "the engine allows it, the floor does not run it"
                                           : "the engine denies it by a rule the floor owns, the floor does not refuse it with 42501");
                continue;
            }
            if (c.rows && native.visibleRows != *c.rows)
                disagree("the corpus expects " + std::to_string(*c.rows) + " rows");
            if (expected->succeed) {
                ++allowedAndRan;
            } else {
                ++deniedAndRefused;
                for (const auto &r : decision.reasons)
                    ++floorDenials[r.rule];
            }
        }
        qInfo("%d statements: %d allowed and ran natively, %d floor denials confirmed with 42501, %d stated exceptions",
              int(loaded.tests.cases.size()), allowedAndRan, deniedAndRefused, exceptions);
        QVERIFY2(disagreements.isEmpty(),
                 qPrintable(QString("%1 disagreement(s):\n").arg(disagreements.size()) + disagreements.join("\n\n")));

        // The corpus is not vacuous: allowed statements ran, every floor rule was confirmed natively, and the
        // stated exceptions were exercised.
        QVERIFY2(allowedAndRan >= 15, qPrintable(QString::number(allowedAndRan)));
        for (const auto &rule : kFloorRules)
            QVERIFY2(floorDenials[rule] >= 2, rule.c_str());
        QVERIFY(exceptions >= 3);

        const QString after = persistentState(su);
        QVERIFY2(after == before, firstDifference(before, after));
    }
};

QTEST_GUILESS_MAIN(TestConsistency)
#include "tst_consistency.moc"
