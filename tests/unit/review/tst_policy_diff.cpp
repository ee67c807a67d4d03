// SPDX-License-Identifier: Apache-2.0
// The semantic diff as a decision table: the demo policy (tests/data/review/base.writ.yaml) against
// copies with one change each, every row naming the exact changes expected with their risk.
#include "policy/policy_writer.h"
#include "review/filter_compare.h"
#include "review/policy_diff.h"
#include "review_fixtures.h"

#include <QtTest>

using namespace writ;
using namespace writ::review;

namespace {

/// "agent/task/relation field[ target] kind risk[ item, item]" — one line per change.
QString line(const Change &c)
{
    QStringList where;
    for (const auto *part : {&c.agent, &c.task, &c.relation})
        if (!part->empty())
            where << QString::fromStdString(*part);
    QString out = (where.isEmpty() ? QStringLiteral("policy") : where.join('/')) + ' ' + QString::fromStdString(c.field);
    if (!c.target.empty())
        out += ' ' + QString::fromStdString(c.target);
    out += ' ' + QLatin1String(toString(c.kind)) + ' ' + QLatin1String(toString(c.risk));
    QStringList items;
    for (const auto &i : c.items)
        items << QString::fromStdString(i);
    if (!items.isEmpty())
        out += ' ' + items.join(QStringLiteral(", "));
    return out;
}

QStringList lines(const PolicyDiff &d)
{
    QStringList out;
    for (const auto &c : d.changes)
        out << line(c);
    return out;
}

const Change *findChange(const PolicyDiff &d, const std::string &field)
{
    for (const auto &c : d.changes)
        if (c.field == field)
            return &c;
    return nullptr;
}

} // namespace

class TestPolicyDiff : public QObject
{
    Q_OBJECT

private slots:
    void changeKinds_data()
    {
        QTest::addColumn<QString>("oldName");
        QTest::addColumn<QString>("newName");
        QTest::addColumn<QStringList>("expected");
        const QString s = QStringLiteral("support-summarizer/summarize-tickets");
        const QString r = QStringLiteral("refund-bot/refund-payment");
        const QString a = QStringLiteral("analytics-reporter/weekly-report");
        auto row = [](const char *name, const char *oldName, const char *newName, QStringList expected) {
            QTest::newRow(name) << QString::fromLatin1(oldName) << QString::fromLatin1(newName) << expected;
        };
        // Scopes.
        row("op added widens", "base", "scope-op-added", {s + "/public.tickets ops added widens update"});
        row("op removed narrows", "base", "scope-op-removed", {r + "/public.payments ops removed narrows select"});
        row("column added widens", "base", "scope-columns-added", {s + "/public.tickets columns added widens account_id"});
        row("column removed narrows", "base", "scope-columns-removed", {s + "/public.tickets columns removed narrows body"});
        row("column list to all widens", "base", "scope-columns-all", {a + "/public.accounts columns changed widens"});
        row("all columns to a list narrows", "scope-columns-all", "base", {a + "/public.accounts columns changed narrows"});
        row("update column added widens", "base", "update-columns-added",
            {r + "/public.payments update_columns added widens amount_cents"});
        row("update_columns dropped: every scope column widens", "base", "update-columns-all",
            {r + "/public.payments update_columns added widens amount_cents, currency, customer_id, id"});
        row("filter widened to true widens", "base", "rows-true", {s + "/public.tickets rows changed widens"});
        row("filter widened to a range widens", "base", "rows-range", {s + "/public.tickets rows changed widens"});
        row("filter AND more narrows", "base", "rows-strengthened", {s + "/public.tickets rows changed narrows"});
        row("filter without its extra condition widens", "rows-strengthened", "base",
            {s + "/public.tickets rows changed widens"});
        row("filter written differently is neutral", "base", "rows-reformatted", {s + "/public.tickets rows changed neutral"});
        row("filter removed widens", "base", "rows-removed", {s + "/public.tickets rows removed widens"});
        row("filter added narrows", "base", "rows-added", {a + "/public.tickets rows added narrows"});
        row("check widened widens", "base", "check-widened", {r + "/public.payments check changed widens"});
        row("check removed widens", "base", "check-removed", {r + "/public.payments check removed widens"});
        row("mask added narrows", "base", "mask-added", {s + "/public.customers mask name added narrows"});
        row("mask removed widens", "base", "mask-removed", {s + "/public.customers mask email removed widens"});
        row("mask to redact narrows", "base", "mask-redact", {s + "/public.customers mask email changed narrows"});
        row("redact to a partial mask widens", "mask-redact", "base", {s + "/public.customers mask email changed widens"});
        row("reason is neutral", "base", "reason-changed", {s + "/public.tickets reason changed neutral"});
        row("scope added widens", "base", "scope-added", {s + "/public.internal_notes scope added widens"});
        row("scope removed narrows", "base", "scope-removed", {s + "/public.messages scope removed narrows"});
        // Task types.
        row("ttl up widens", "base", "ttl-up", {s + " ttl changed widens"});
        row("ttl down narrows", "base", "ttl-down", {s + " ttl changed narrows"});
        row("ttl falling back to a longer default widens", "base", "ttl-default", {s + " ttl changed widens"});
        row("max_ttl below the default narrows", "base", "max-ttl-set", {s + " max_ttl changed narrows"});
        row("approval required to none widens", "base", "approval-none", {r + " approval changed widens"});
        row("approval none to required narrows", "base", "approval-required", {a + " approval changed narrows"});
        row("context key is neutral", "base", "task-context-added", {s + " context added neutral payment_id"});
        row("any environment to a list narrows", "base", "environments-prod", {s + " environments changed narrows"});
        row("environment added widens", "environments-prod", "environments-prod-staging",
            {s + " environments added widens staging"});
        row("environment list to any widens", "environments-prod-staging", "base", {s + " environments changed widens"});
        row("allow_labels added widens", "base", "allow-labels-pii", {s + " allow_labels added widens pii"});
        row("step_up class removed widens", "base", "step-up-removed", {a + " step_up removed widens ddl"});
        row("step_up class added narrows", "base", "step-up-added", {a + " step_up added narrows bulk_read"});
        row("step_up spelled out as the defaults is neutral", "base", "step-up-spelled-out", {s + " step_up changed neutral"});
        row("allowlist mode narrows", "base", "statements-allowlist", {s + " statements changed narrows"});
        row("allowlist gone widens", "statements-allowlist", "base", {s + " statements changed widens"});
        row("limit raised widens", "base", "limit-raised", {s + " limits.rows_per_statement changed widens"});
        row("limit removed widens", "base", "limit-removed", {s + " limits.rows_per_statement removed widens"});
        row("limit added narrows", "limit-removed", "base", {s + " limits.rows_per_statement added narrows"});
        row("limit lowered narrows", "base", "limit-lowered", {s + " limits.statements changed narrows"});
        row("task added widens", "base", "task-added", {"analytics-reporter/monthly-churn task added widens"});
        row("task removed narrows", "base", "task-removed", {r + " task removed narrows"});
        row("task description is neutral", "base", "task-description", {s + " description changed neutral"});
        // Agents.
        row("identity added widens", "base", "identity-added",
            {"support-summarizer identity added widens oidc https://auth.example.com summarizer-ci"});
        row("identity removed narrows", "identity-added", "base",
            {"support-summarizer identity removed narrows oidc https://auth.example.com summarizer-ci"});
        row("last network range removed widens", "base", "network-anywhere",
            {"refund-bot network oidc https://auth.example.com refund-bot changed widens"});
        row("network restriction added narrows", "network-anywhere", "base",
            {"refund-bot network oidc https://auth.example.com refund-bot changed narrows"});
        row("network range added widens", "base", "network-more",
            {"refund-bot network oidc https://auth.example.com refund-bot added widens 10.30.0.0/16"});
        row("one of two ranges removed narrows", "network-more", "base",
            {"refund-bot network oidc https://auth.example.com refund-bot removed narrows 10.30.0.0/16"});
        row("owner is neutral", "base", "owner-changed", {"support-summarizer owner changed neutral"});
        row("agent added widens", "base", "agent-added", {"triage-bot agent added widens"});
        row("agent removed narrows", "base", "agent-removed", {"analytics-reporter agent removed narrows"});
        // Policy.
        row("classified column narrows", "base", "classify-added", {"policy classify public.customers.name added narrows"});
        row("unclassified column widens", "base", "classify-removed", {"policy classify public.customers.phone removed widens"});
        row("label a task allows widens", "allow-labels-pii", "classify-label-allowed",
            {"policy classify public.internal_notes.body changed widens"});
        row("label no task allows narrows", "classify-label-allowed", "allow-labels-pii",
            {"policy classify public.internal_notes.body changed narrows"});
        row("context type is neutral", "base", "context-type-changed", {"policy context customer_id changed neutral"});
        row("default ttl up widens", "base", "defaults-ttl", {"policy defaults.ttl changed widens"});
        row("default step_up class removed widens", "base", "defaults-step-up",
            {"policy defaults.step_up removed widens bulk_read"});
        row("bulk_read_rows raised widens", "base", "defaults-bulk-read", {"policy defaults.bulk_read_rows changed widens"});
        row("policy description is neutral", "base", "policy-description", {"policy description changed neutral"});
        // Equality.
        row("identical", "base", "base", {});
        row("formatting, comments, key and list order", "base", "formatted", {});
    }

    void changeKinds()
    {
        QFETCH(QString, oldName);
        QFETCH(QString, newName);
        QFETCH(QStringList, expected);
        const auto o = loadFixture(oldName);
        const auto n = loadFixture(newName);
        const PolicyDiff d = diffPolicies(o.policy, n.policy);
        QCOMPARE(lines(d), expected);
        for (const auto &c : d.changes) // every change explains its risk
            QVERIFY2(!c.why.empty(), qPrintable(line(c)));
    }

    void formattingOnlyIsEqualEvenThoughTheModelOrderDiffers()
    {
        const auto o = loadFixture("base");
        const auto n = loadFixture("formatted");
        QVERIFY(!(o.policy == n.policy)); // agents, scopes and lists are in another order ...
        QVERIFY(diffPolicies(o.policy, n.policy).empty()); // ... which means nothing
        QVERIFY(diffPolicies(n.policy, o.policy).empty());
    }

    void canonicalRewriteIsEqual()
    {
        const auto o = loadFixture("base");
        const policy::LoadResult rewritten = policy::loadPolicy(policy::writePolicy(o.policy), "canonical.yaml");
        QVERIFY2(rewritten.ok(), qPrintable(describe(rewritten.diagnostics)));
        QVERIFY(diffPolicies(o.policy, rewritten.policy).empty());
    }

    void changedValuesAreShownInPolicyNotation()
    {
        const PolicyDiff rows = diffPolicies(loadFixture("base").policy, loadFixture("rows-range").policy);
        QCOMPARE(rows.changes.size(), std::size_t(1));
        QCOMPARE(rows.changes[0].before, std::string("customer_id = $customer_id"));
        QCOMPARE(rows.changes[0].after, std::string("customer_id BETWEEN $customer_id AND $customer_id + 10"));

        const PolicyDiff ttl = diffPolicies(loadFixture("base").policy, loadFixture("ttl-default").policy);
        QCOMPARE(ttl.changes[0].before, std::string("5m"));
        QCOMPARE(ttl.changes[0].after, std::string("default (10m)"));

        const PolicyDiff net = diffPolicies(loadFixture("base").policy, loadFixture("network-anywhere").policy);
        QCOMPARE(net.changes[0].before, std::string("[10.20.0.0/16]"));
        QCOMPARE(net.changes[0].after, std::string("anywhere"));

        const PolicyDiff all = diffPolicies(loadFixture("base").policy, loadFixture("scope-columns-all").policy);
        QCOMPARE(all.changes[0].before, std::string("[created_at, id, plan, status]"));
        QCOMPARE(all.changes[0].after, std::string("every column"));
    }

    void changesPointIntoTheRightFile()
    {
        const auto o = loadFixture("base");
        const auto n = loadFixture("rows-true");
        PolicyDiff d = diffPolicies(o.policy, n.policy);
        locateChanges(d, o.sources, n.sources);
        const Change *rows = findChange(d, "rows");
        QVERIFY(rows);
        QCOMPARE(rows->path, policy::scopePath("support-summarizer", "summarize-tickets", "public.tickets") + "/rows");
        QCOMPARE(rows->location.file, std::string("rows-true.writ.yaml"));
        QCOMPARE(rows->location.line, 37); // the fixture's header comment shifts base.writ.yaml's line 36 by one
        QCOMPARE(rows->location.column, 20); // the first character of the filter text, inside the quotes

        // A removal lives in the old file only.
        const auto gone = loadFixture("scope-removed");
        PolicyDiff removed = diffPolicies(o.policy, gone.policy);
        locateChanges(removed, o.sources, gone.sources);
        QCOMPARE(removed.changes.size(), std::size_t(1));
        QCOMPARE(removed.changes[0].location.file, std::string("base.writ.yaml"));
        QCOMPARE(removed.changes[0].location.line, 38);
    }

    void mixedOperationChangeIsSplitByDirection()
    {
        const auto o = loadFixture("base");
        policy::Policy n = o.policy;
        auto &scope = n.agents[0].tasks[0].access[0]; // support-summarizer / summarize-tickets / public.tickets
        scope.ops = {policy::Operation::Delete};
        const QStringList got = lines(diffPolicies(o.policy, n));
        QCOMPARE(got,
            QStringList({"support-summarizer/summarize-tickets/public.tickets ops added widens delete",
                "support-summarizer/summarize-tickets/public.tickets ops removed narrows select"}));
    }

    void maskOnAColumnThatIsNotReadableIsNeutral()
    {
        const auto o = loadFixture("base");
        policy::Policy n = o.policy;
        auto &customers = n.agents[0].tasks[0].access[2];
        QCOMPARE(customers.relation.name, std::string("customers"));
        customers.columns = std::vector<std::string> {"id", "name"}; // email no longer readable ...
        customers.masks.clear(); // ... so dropping its mask exposes nothing
        const QStringList got = lines(diffPolicies(o.policy, n));
        QCOMPARE(got,
            QStringList({"support-summarizer/summarize-tickets/public.customers columns removed narrows email",
                "support-summarizer/summarize-tickets/public.customers mask email removed neutral"}));
    }

    void countsByRisk()
    {
        const auto o = loadFixture("base");
        policy::Policy n = loadFixture("rows-true").policy;
        n.agents[0].tasks[0].ttl = std::chrono::minutes(2);
        n.agents[0].owner = "someone-else@example.com";
        const PolicyDiff d = diffPolicies(o.policy, n);
        QCOMPARE(d.changes.size(), std::size_t(3));
        QCOMPARE(d.count(Risk::Widens), std::size_t(1));
        QCOMPARE(d.count(Risk::Narrows), std::size_t(1));
        QCOMPARE(d.count(Risk::Neutral), std::size_t(1));
    }

    void filterComparison_data()
    {
        QTest::addColumn<QString>("oldFilter");
        QTest::addColumn<QString>("newFilter");
        QTest::addColumn<int>("expected");
        const int same = int(FilterRelation::Same), stronger = int(FilterRelation::Stronger),
                  weaker = int(FilterRelation::Weaker), different = int(FilterRelation::Different);
        QTest::newRow("whitespace and parentheses") << "customer_id = $customer_id"
                                                    << "( customer_id=$customer_id )" << same;
        QTest::newRow("keyword case") << "status in ('a', 'b')"
                                      << "status IN ('a','b')" << same;
        QTest::newRow("AND terms reordered") << "a = 1 AND b = 2"
                                             << "b = 2 AND a = 1" << same;
        QTest::newRow("AND one more term") << "customer_id = $customer_id"
                                           << "customer_id = $customer_id AND status <> 'x'" << stronger;
        QTest::newRow("nested AND") << "a = 1 AND b = 2"
                                    << "(a = 1 AND c = 3) AND b = 2" << stronger;
        QTest::newRow("true to anything") << "true"
                                          << "a = 1" << stronger;
        QTest::newRow("term dropped") << "a = 1 AND b = 2"
                                      << "a = 1" << weaker;
        QTest::newRow("to true") << "a = 1"
                                 << "true" << weaker;
        QTest::newRow("OR more") << "a = 1"
                                 << "a = 1 OR b = 2" << different;
        QTest::newRow("another parameter") << "customer_id = $customer_id"
                                           << "customer_id = $account_id" << different;
        QTest::newRow("another constant") << "a = 1"
                                          << "a = 2" << different;
        QTest::newRow("does not parse") << "a = 1"
                                        << "a = = 1" << different;
        QTest::newRow("escapes the parentheses") << "a = 1"
                                                 << "a = 1) UNION (SELECT 1 WHERE true" << different;
    }

    void filterComparison()
    {
        QFETCH(QString, oldFilter);
        QFETCH(QString, newFilter);
        QFETCH(int, expected);
        QCOMPARE(int(compareFilters(oldFilter.toStdString(), newFilter.toStdString())), expected);
    }
};

QTEST_GUILESS_MAIN(TestPolicyDiff)
#include "tst_policy_diff.moc"
