// SPDX-License-Identifier: Apache-2.0
// Blast radius per task type against the supportdesk catalog snapshot (never analyzed: no row
// estimates) and against a copy with the reltuples of the loaded demo database
// (tests/data/review/supportdesk-analyzed.catalog.json).
#include "catalog/catalog_json.h"
#include "review/blast_radius.h"
#include "review_fixtures.h"

#include <QtTest>

using namespace writ;
using namespace writ::review;

namespace {

catalog::Catalog snapshot()
{
    return catalog::loadCatalogFile(WRIT_TEST_DATA_DIR "/catalog/supportdesk.json");
}

catalog::Catalog analyzed()
{
    return catalog::loadCatalogFile(WRIT_TEST_DATA_DIR "/review/supportdesk-analyzed.catalog.json");
}

BlastRadius radius(const policy::Policy &p, const std::string &agent, const std::string &task, const catalog::Catalog *cat)
{
    const policy::Agent *a = p.findAgent(agent);
    const policy::TaskType *t = p.findTask(agent, task);
    if (!a || !t)
        qFatal("no task %s/%s", agent.c_str(), task.c_str());
    return blastRadius(p, *t, *a, cat);
}

QStringList classified(const BlastRadius &b)
{
    QStringList out;
    for (const auto &c : b.classified)
        out << QString::fromStdString(c.column + " " + c.label) + (c.suggested ? " suggested" : "") + (c.masked ? " masked" : "")
                + (c.readable ? "" : " write-only");
    return out;
}

QStringList strings(const std::vector<std::string> &v)
{
    QStringList out;
    for (const auto &s : v)
        out << QString::fromStdString(s);
    return out;
}

} // namespace

class TestBlastRadius : public QObject
{
    Q_OBJECT

private slots:
    void summarizerAgainstTheSnapshot()
    {
        const catalog::Catalog cat = snapshot();
        const BlastRadius b = radius(loadFixture("base").policy, "support-summarizer", "summarize-tickets", &cat);
        QCOMPARE(b.relations.size(), std::size_t(3));
        QCOMPARE(b.columnCount, std::size_t(15)); // tickets 7 + messages 5 + customers 3
        QVERIFY(b.columnsExact);
        QCOMPARE(classified(b), QStringList({"public.customers.email pii masked"}));
        QVERIFY(!b.rows.has_value()); // the snapshot was never analyzed
        QVERIFY(b.rowsUpperBound); // every scope has a row filter
        QVERIFY(b.inserts.empty() && b.updates.empty() && b.deletes.empty());
    }

    void rowEstimatesAreSummedAndMarkedAsUpperBoundUnderAFilter()
    {
        const catalog::Catalog cat = analyzed();
        const policy::Policy p = loadFixture("base").policy;
        const BlastRadius summarizer = radius(p, "support-summarizer", "summarize-tickets", &cat);
        QCOMPARE(summarizer.rows.value_or(-1), 285174.0); // tickets 40,000 + messages 240,174 + customers 5,000
        QVERIFY(summarizer.rowsUpperBound);

        const BlastRadius report = radius(p, "analytics-reporter", "weekly-report", &cat);
        QCOMPARE(report.rows.value_or(-1), 66000.0); // tickets 40,000 + accounts 6,000 + payments 20,000
        QVERIFY(!report.rowsUpperBound); // no filter: every row
        QCOMPARE(report.columnCount, std::size_t(14));
        QVERIFY(report.classified.empty()); // the report reads no personal column
    }

    void writeCapabilityAndInsertOnlyScopes()
    {
        const catalog::Catalog cat = analyzed();
        const BlastRadius b = radius(loadFixture("base").policy, "refund-bot", "refund-payment", &cat);
        QCOMPARE(strings(b.inserts), QStringList({"public.refunds"}));
        QCOMPARE(strings(b.updates), QStringList({"public.payments"}));
        QVERIFY(b.deletes.empty());
        QCOMPARE(strings(b.relations[0].updateColumns), QStringList({"status"}));
        QCOMPARE(b.columnCount, std::size_t(9));
        // refunds is insert-only: it exposes no existing row, so only payments counts.
        QCOMPARE(b.rows.value_or(-1), 20000.0);
        QVERIFY(b.rowsUpperBound);
    }

    void allColumnsExpandThroughTheCatalog()
    {
        const policy::Policy p = loadFixture("scope-columns-all").policy;
        const catalog::Catalog cat = snapshot();
        const BlastRadius with = radius(p, "analytics-reporter", "weekly-report", &cat);
        QCOMPARE(with.columnCount, std::size_t(15)); // accounts now brings all 5 of its columns
        QVERIFY(with.columnsExact);
        QCOMPARE(strings(with.relations[1].columns), QStringList({"id", "customer_id", "plan", "status", "created_at"}));

        const BlastRadius without = radius(p, "analytics-reporter", "weekly-report", nullptr);
        QCOMPARE(without.columnCount, std::size_t(10)); // what the other scopes name; accounts is unknown
        QVERIFY(!without.columnsExact);
        QVERIFY(!without.relations[1].columnsExpanded);
        QVERIFY(!without.rows.has_value());
    }

    void classifiedColumnsComeFromThePolicyThenFromNames()
    {
        const catalog::Catalog cat = snapshot();
        // customers.phone unclassified by the policy is still suggested as pii by its name.
        policy::Policy p = loadFixture("classify-removed").policy;
        auto &customers = p.agents[0].tasks[0].access[2];
        customers.columns = std::vector<std::string> {"id", "name", "email", "phone"};
        QCOMPARE(classified(radius(p, "support-summarizer", "summarize-tickets", &cat)),
            QStringList({"public.customers.email pii masked", "public.customers.phone pii suggested"}));
        // Without a catalog the same rules apply to the named columns.
        QCOMPARE(classified(radius(p, "support-summarizer", "summarize-tickets", nullptr)),
            QStringList({"public.customers.email pii masked", "public.customers.phone pii suggested"}));
    }

    void aNewScopeBringsItsClassifiedColumns()
    {
        const catalog::Catalog cat = snapshot();
        const BlastRadius b = radius(loadFixture("scope-added").policy, "support-summarizer", "summarize-tickets", &cat);
        QCOMPARE(b.relations.size(), std::size_t(4));
        QCOMPARE(b.columnCount, std::size_t(18));
        QCOMPARE(classified(b), QStringList({"public.customers.email pii masked", "public.internal_notes.body confidential"}));
    }

    void viewColumnsInheritTheirBaseColumnsLabel()
    {
        const catalog::Catalog cat = snapshot();
        policy::Policy p = loadFixture("base").policy;
        policy::Scope view;
        view.relation = {"public", "open_tickets"};
        view.ops = {policy::Operation::Select};
        p.agents[2].tasks[0].access.push_back(view); // every column of the dashboard view
        const BlastRadius b = radius(p, "analytics-reporter", "weekly-report", &cat);
        QCOMPARE(classified(b), QStringList({"public.open_tickets.customer_email pii"}));
    }

    void allColumnsWithoutCatalogStillCountsThePolicysLabels()
    {
        policy::Policy p = loadFixture("base").policy;
        p.agents[0].tasks[0].access[2].columns.reset(); // customers: every column, email still masked
        const BlastRadius b = radius(p, "support-summarizer", "summarize-tickets", nullptr);
        QCOMPARE(classified(b),
            QStringList({"public.customers.address_line pii", "public.customers.birth_date pii",
                "public.customers.email pii masked", "public.customers.phone pii"}));
        QVERIFY(!b.columnsExact);
    }

    void writeOnlyClassifiedColumnsAreMarked()
    {
        const catalog::Catalog cat = snapshot();
        policy::Policy p = loadFixture("base").policy;
        p.classify[{{"public", "refunds"}, "reason"}] = "confidential"; // refunds is insert-only for the refund bot
        const BlastRadius b = radius(p, "refund-bot", "refund-payment", &cat);
        QCOMPARE(classified(b), QStringList({"public.refunds.reason confidential write-only"}));
    }
};

QTEST_GUILESS_MAIN(TestBlastRadius)
#include "tst_blast_radius.moc"
