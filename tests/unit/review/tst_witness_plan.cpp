// SPDX-License-Identifier: Apache-2.0
// Planning witnesses without a database: which widenings get one, the exact read-only SQL (context
// values as parameters, the filters as checked), and the refusals. tst_review_db runs them.
#include "catalog/catalog_json.h"
#include "review/witness.h"
#include "review_fixtures.h"

#include <QtTest>

using namespace writ;
using namespace writ::review;

namespace {

const catalog::Catalog &snapshot()
{
    static const catalog::Catalog cat = catalog::loadCatalogFile(WRIT_TEST_DATA_DIR "/catalog/supportdesk.json");
    return cat;
}

std::vector<Witness> plan(const policy::Policy &o, const policy::Policy &n, const std::map<std::string, std::string> &ctx = {})
{
    return planWitnesses(o, n, snapshot(), ctx);
}

std::vector<Witness> plan(const char *oldName, const char *newName, const std::map<std::string, std::string> &ctx = {})
{
    return plan(loadFixture(oldName).policy, loadFixture(newName).policy, ctx);
}

QStringList columnNames(const Witness &w)
{
    QStringList out;
    for (const auto &c : w.columns)
        out << QString::fromStdString(c.name) + (c.label.empty() ? "" : " " + QString::fromStdString(c.label));
    return out;
}

} // namespace

class TestWitnessPlan : public QObject
{
    Q_OBJECT

private slots:
    void widenedFilterCountsNewAndNotOldWithBoundContext()
    {
        const auto w = plan("base", "rows-range", {{"customer_id", "42"}});
        QCOMPARE(w.size(), std::size_t(1));
        QCOMPARE(w[0].kind, Witness::Kind::Rows);
        QCOMPARE(w[0].status, Witness::Status::Pending);
        QCOMPARE(w[0].relation, std::string("public.tickets"));
        QCOMPARE(w[0].contextKeys, std::vector<std::string>({"customer_id"}));
        QVERIFY(!w[0].newScope);
        QCOMPARE(w[0].countSql,
            std::string("SELECT count(*) FROM \"public\".\"tickets\" WHERE (customer_id BETWEEN (($1::text)::integer) AND "
                        "(($1::text)::integer) + 10)\n AND NOT COALESCE((customer_id = (($1::text)::integer)), false)\n"));
        QCOMPARE(w[0].exampleSql,
            std::string("SELECT \"id\"::text FROM \"public\".\"tickets\" WHERE (customer_id BETWEEN (($1::text)::integer) AND "
                        "(($1::text)::integer) + 10)\n AND NOT COALESCE((customer_id = (($1::text)::integer)), false)\n "
                        "ORDER BY \"public\".\"tickets\".\"id\" LIMIT 1"));
        QVERIFY2(w[0].countSql.find("42") == std::string::npos, "a context value is bound, never spliced");
    }

    void missingContextIsReportedNotGuessed()
    {
        const auto w = plan("base", "rows-range");
        QCOMPARE(w.size(), std::size_t(1));
        QCOMPARE(w[0].status, Witness::Status::NeedsContext);
        QCOMPARE(w[0].missingContext, std::vector<std::string>({"customer_id"}));
        QVERIFY(w[0].countSql.empty());
        QVERIFY(w[0].message.find("--ctx customer_id=") != std::string::npos);
    }

    void removedFilterAdmitsEveryRowTheOldOneDidNot()
    {
        const auto w = plan("base", "rows-removed", {{"customer_id", "7"}});
        QCOMPARE(w.size(), std::size_t(1));
        QVERIFY(!w[0].newFilter.has_value());
        QCOMPARE(w[0].countSql,
            std::string("SELECT count(*) FROM \"public\".\"tickets\" WHERE true\n AND NOT "
                        "COALESCE((customer_id = (($1::text)::integer)), false)\n"));
    }

    void narrowingAndRewordingGetNoWitness()
    {
        QVERIFY(plan("base", "rows-strengthened", {{"customer_id", "1"}}).empty());
        QVERIFY(plan("base", "rows-reformatted", {{"customer_id", "1"}}).empty());
        QVERIFY(plan("base", "scope-columns-removed").empty());
        QVERIFY(plan("base", "mask-added").empty());
        QVERIFY(plan("base", "formatted").empty());
    }

    void newColumnsAreListedWithTheirLabels()
    {
        const auto added = plan("base", "scope-columns-added");
        QCOMPARE(added.size(), std::size_t(1));
        QCOMPARE(added[0].kind, Witness::Kind::Columns);
        QCOMPARE(added[0].status, Witness::Status::Computed);
        QCOMPARE(columnNames(added[0]), QStringList({"account_id"}));

        const auto all = plan("base", "scope-columns-all"); // accounts: every column now
        QCOMPARE(all.size(), std::size_t(1));
        QCOMPARE(all[0].relation, std::string("public.accounts"));
        QCOMPARE(columnNames(all[0]), QStringList({"customer_id"}));
    }

    void newScopeCountsEveryRowItsFilterAdmits()
    {
        const auto w = plan("base", "scope-added", {{"customer_id", "3"}});
        QCOMPARE(w.size(), std::size_t(2));
        QCOMPARE(w[0].kind, Witness::Kind::Rows);
        QVERIFY(w[0].newScope);
        QVERIFY(!w[0].oldFilter.has_value());
        QVERIFY(w[0].countSql.find("\n AND NOT false\n") != std::string::npos);
        QCOMPARE(w[1].kind, Witness::Kind::Columns);
        QCOMPARE(columnNames(w[1]), QStringList({"id", "ticket_id", "body confidential"}));
    }

    void filterThatDoesNotCheckIsRefused()
    {
        const auto o = loadFixture("base");
        policy::Policy n = o.policy;
        n.agents[0].tasks[0].access[0].rows = "no_such_column = $customer_id";
        const auto w = plan(o.policy, n, {{"customer_id", "1"}});
        QCOMPARE(w.size(), std::size_t(1));
        QCOMPARE(w[0].status, Witness::Status::Refused);
        QVERIFY2(w[0].message.find("no_such_column") != std::string::npos, w[0].message.c_str());
        QVERIFY(w[0].countSql.empty());
    }

    void filterThatCannotBeSplicedIsRefused()
    {
        const auto o = loadFixture("base");
        policy::Policy n = o.policy;
        n.agents[0].tasks[0].access[0].rows = "true) OR (customer_id = $customer_id";
        auto w = plan(o.policy, n, {{"customer_id", "1"}});
        QCOMPARE(w.size(), std::size_t(1));
        QCOMPARE(w[0].status, Witness::Status::Refused);
        QVERIFY2(w[0].message.find("')' without its '('") != std::string::npos, w[0].message.c_str());

        n.agents[0].tasks[0].access[0].rows = "true; DELETE FROM public.tickets";
        w = plan(o.policy, n, {{"customer_id", "1"}});
        QCOMPARE(w[0].status, Witness::Status::Refused);
        QVERIFY2(w[0].message.find("';'") != std::string::npos, w[0].message.c_str());
    }

    void relationMissingFromTheDatabaseIsRefused()
    {
        const auto o = loadFixture("base");
        policy::Policy n = o.policy;
        policy::Scope s;
        s.relation = {"public", "no_such_table"};
        s.ops = {policy::Operation::Select};
        n.agents[0].tasks[0].access.push_back(s);
        const auto w = plan(o.policy, n);
        QCOMPARE(w.size(), std::size_t(1));
        QCOMPARE(w[0].status, Witness::Status::Refused);
        QVERIFY(w[0].message.find("does not exist") != std::string::npos);
    }
};

QTEST_GUILESS_MAIN(TestWitnessPlan)
#include "tst_witness_plan.moc"
