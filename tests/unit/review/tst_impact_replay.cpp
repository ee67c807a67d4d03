// SPDX-License-Identifier: Apache-2.0
// The impact replay: decision records written with the gateway's audit writer are decided again by
// the demo policy (base.writ.yaml) and by impact.writ.yaml, which takes public.messages away from the
// summarizer and gives it tickets.account_id. Exactly the statements on those move, grouped by agent
// and rule; everything else stays, and records that are not decisions or carry no text are skipped.
#include "review_fixtures.h"

#include "audit/audit_writer.h"
#include "catalog/catalog_json.h"
#include "review/impact_replay.h"
#include "review/review.h"
#include "review/review_format.h"

#include <QTemporaryDir>

using namespace writ;

namespace {

audit::AuditEvent decision(const std::string &agent, const std::string &taskType, const std::string &query, const std::string &verdict,
    const std::string &rule)
{
    audit::AuditEvent e;
    e.kind = audit::EventKind::Decision;
    e.agent = agent;
    e.taskType = taskType;
    e.task = "task-1";
    e.query = query;
    e.verdict = verdict;
    e.rule = rule;
    return e;
}

const std::string kSummarizer = "support-summarizer";
const std::string kSummarize = "summarize-tickets";

std::shared_ptr<const policy::Policy> policyOf(const QString &fixture)
{
    return std::make_shared<const policy::Policy>(loadFixture(fixture).policy);
}

std::shared_ptr<const catalog::Catalog> demoCatalog()
{
    auto cat = std::make_shared<catalog::Catalog>(catalog::loadCatalogFile(WRIT_TEST_DATA_DIR "/catalog/supportdesk.json"));
    cat->reindex();
    return cat;
}

} // namespace

class TestImpactReplay : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    std::string m_audit;

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_audit = m_dir.filePath("audit.jsonl").toStdString();
        audit::AuditWriter writer(m_audit);
        audit::AuditEvent connect;
        connect.kind = audit::EventKind::Connect;
        connect.agent = kSummarizer;
        QVERIFY(writer.append(connect));
        const std::string messages = "SELECT id, body FROM public.messages WHERE ticket_id = $1";
        QVERIFY(writer.append(decision(kSummarizer, kSummarize, messages, "allow", "allowed")));
        QVERIFY(writer.append(decision(kSummarizer, kSummarize, "SELECT id, subject FROM public.tickets WHERE customer_id = $1", "allow", "allowed")));
        QVERIFY(writer.append(decision(kSummarizer, kSummarize, messages, "allow", "allowed")));
        QVERIFY(writer.append(decision(kSummarizer, kSummarize, "SELECT account_id FROM public.tickets WHERE id = $1", "deny", "column-scope")));
        QVERIFY(writer.append(decision(kSummarizer, kSummarize, "SELECT phone FROM public.customers", "deny", "column-scope")));
        // Text that did not parse is logged by hash only: nothing to replay.
        QVERIFY(writer.append(decision(kSummarizer, kSummarize, "", "deny", "unparseable")));
        QVERIFY(writer.append(decision("analytics-reporter", "weekly-report", "SELECT count(*) FROM public.tickets", "allow", "allowed")));
        QVERIFY(writer.flush());
    }

    void readsOnlyDecisionRecordsWithText()
    {
        const review::AuditSample sample = review::readAuditStatements(m_audit);
        QVERIFY2(sample.error.empty(), sample.error.c_str());
        QCOMPARE(sample.statements.size(), std::size_t {6});
        QCOMPARE(sample.withoutQuery, std::size_t {1});
        QCOMPARE(sample.statements.front().query, std::string("SELECT id, body FROM public.messages WHERE ticket_id = $1"));
        QCOMPARE(sample.statements.back().agent, std::string("analytics-reporter"));
        QCOMPARE(sample.statements.back().taskType, std::string("weekly-report"));
    }

    void limitKeepsTheMostRecentRecords()
    {
        const review::AuditSample sample = review::readAuditStatements(m_audit, 3);
        // The last three decisions: phone, the unparseable one (skipped), the weekly report.
        QCOMPARE(sample.statements.size(), std::size_t {2});
        QCOMPARE(sample.statements.front().query, std::string("SELECT phone FROM public.customers"));
        QCOMPARE(sample.withoutQuery, std::size_t {1});
    }

    void missingFileIsAnError()
    {
        const review::AuditSample sample = review::readAuditStatements(m_dir.filePath("none.jsonl").toStdString());
        QVERIFY(!sample.error.empty());
    }

    void exactlyTheStatementsWhoseVerdictMovesAreReported()
    {
        const review::ImpactReplay impact
            = review::replayImpact(review::readAuditStatements(m_audit), policyOf("base"), policyOf("impact"), demoCatalog());
        QVERIFY(impact.catalogUsed);
        QCOMPARE(impact.replayed, std::size_t {6});
        QCOMPARE(impact.unchanged, std::size_t {3});
        QCOMPARE(impact.withoutQuery, std::size_t {1});
        QCOMPARE(impact.changes.size(), std::size_t {2});

        const review::VerdictChange &broken = impact.changes.at(0);
        QCOMPARE(broken.agent, kSummarizer);
        QCOMPARE(broken.taskType, kSummarize);
        QCOMPARE(broken.oldVerdict, std::string("allow"));
        QCOMPARE(broken.newVerdict, std::string("deny"));
        QCOMPARE(broken.newRule, std::string("relation-scope"));
        QCOMPARE(broken.count, std::size_t {2});
        QCOMPARE(broken.distinct, std::size_t {1});
        QCOMPARE(broken.example, std::string("SELECT id, body FROM public.messages WHERE ticket_id = $1"));
        QVERIFY2(broken.message.find("public.messages") != std::string::npos, broken.message.c_str());
        QVERIFY(broken.breaks());

        const review::VerdictChange &opened = impact.changes.at(1);
        QCOMPARE(opened.oldVerdict, std::string("deny"));
        QCOMPARE(opened.oldRule, std::string("column-scope"));
        QCOMPARE(opened.newVerdict, std::string("allow"));
        QCOMPARE(opened.count, std::size_t {1});
        QCOMPARE(opened.example, std::string("SELECT account_id FROM public.tickets WHERE id = $1"));
        QVERIFY(!opened.breaks());

        QCOMPARE(review::impactSummary(impact), std::string("3 of 6 statements change verdict: 2 no longer allowed, 1 newly allowed"));
    }

    void sameVersionsChangeNothing()
    {
        const review::ImpactReplay impact
            = review::replayImpact(review::readAuditStatements(m_audit), policyOf("base"), policyOf("base"), demoCatalog());
        QVERIFY(impact.changes.empty());
        QCOMPARE(impact.unchanged, std::size_t {6});
        QCOMPARE(review::impactSummary(impact), std::string("no verdict changes in 6 statements"));
    }

    void everyFormatCarriesTheImpact()
    {
        const auto oldVersion = loadFixture("base");
        const auto newVersion = loadFixture("impact");
        review::Review r = review::reviewVersions(
            oldVersion.policy, oldVersion.sources, "base.writ.yaml", newVersion.policy, newVersion.sources, "impact.writ.yaml", nullptr);
        r.impact = review::replayImpact(review::readAuditStatements(m_audit), policyOf("base"), policyOf("impact"), demoCatalog());
        r.impact->file = "audit.jsonl";

        const std::string text = review::formatText(r);
        QVERIFY2(text.find("impact replay (audit audit.jsonl)\n  3 of 6 statements change verdict") != std::string::npos, text.c_str());
        QVERIFY2(text.find("    allow → deny [relation-scope]  2 statements (1 distinct), e.g. SELECT id, body FROM public.messages") != std::string::npos,
            text.c_str());
        QVERIFY2(text.find("    deny [column-scope] → allow  1 statement, e.g. SELECT account_id FROM public.tickets WHERE id = $1")
                != std::string::npos,
            text.c_str());

        const std::string md = review::formatMarkdown(r);
        QVERIFY2(md.find("### Impact replay") != std::string::npos, md.c_str());
        QVERIFY2(md.find("| `support-summarizer` / `summarize-tickets` | **allow → deny [relation-scope]** | 2 statements (1 distinct) |")
                != std::string::npos,
            md.c_str());

        const std::string json = review::formatJson(r);
        QVERIFY2(json.find("\"impact\": {\n    \"audit\": \"audit.jsonl\"") != std::string::npos, json.c_str());
        QVERIFY2(json.find("\"changed\": 3") != std::string::npos, json.c_str());
        r.impact.reset();
        QVERIFY(review::formatJson(r).find("\"impact\": null") != std::string::npos);
    }
};

QTEST_GUILESS_MAIN(TestImpactReplay)
#include "tst_impact_replay.moc"
