// SPDX-License-Identifier: Apache-2.0
// The compiler and planner as pure functions: the demo policy against the demo catalog snapshot,
// and hand-built live states for drift.
#include "catalog/catalog_json.h"
#include "compile/compiler.h"
#include "compile/deployment.h"
#include "compile/naming.h"
#include "compile/planner.h"
#include "policy/policy_loader.h"

#include <QtTest>

using namespace writ;
using namespace writ::compile;

namespace {

struct Demo
{
    policy::LoadResult loaded;
    catalog::Catalog catalog;
    CompileResult compiled;
};

Demo compileDemo()
{
    Demo d;
    d.loaded = policy::loadPolicyFile(WRIT_SOURCE_DIR "/resources/demo/supportdesk.writ.yaml");
    d.catalog = catalog::loadCatalogFile(WRIT_TEST_DATA_DIR "/catalog/supportdesk.json");
    d.compiled = compilePolicy(d.loaded.policy, d.loaded.sources, d.catalog);
    return d;
}

bool hasGrant(const DesiredState &s, const std::string &role, const std::string &relation, const std::string &column,
              const std::string &privilege)
{
    return std::any_of(s.grants.begin(), s.grants.end(), [&](const GrantFact &g) {
        return g.role == role && g.relation == relation && g.column == column && g.privilege == privilege;
    });
}

const std::string kSummarizer = "writ_support-summarizer/summarize-tickets";
const std::string kRefund = "writ_refund-bot/refund-payment";
const std::string kReporter = "writ_analytics-reporter/weekly-report";

} // namespace

class TestPlanner : public QObject
{
    Q_OBJECT

private slots:
    void demoCompilesWithoutErrors()
    {
        const Demo d = compileDemo();
        QVERIFY(d.loaded.ok());
        for (const auto &diag : d.compiled.diagnostics.items())
            QVERIFY2(diag.severity != Severity::Error, formatDiagnostic(diag).c_str());
        QCOMPARE(d.compiled.state.roles.size(), std::size_t(3));
    }

    void maskedColumnIsNeverGrantedOnBaseTable()
    {
        const Demo d = compileDemo();
        const DesiredState &s = d.compiled.state;
        QVERIFY(hasGrant(s, kSummarizer, "customers", "name", "SELECT"));
        QVERIFY(!hasGrant(s, kSummarizer, "customers", "email", "SELECT"));
        QVERIFY(hasGrant(s, kViewOwnerRole, "customers", "email", "SELECT")); // the view owner reads it for the mask
        const std::string schema = viewSchemaName("support-summarizer", "summarize-tickets");
        QCOMPARE(s.views.size(), std::size_t(1));
        QCOMPARE(s.views.front().schema, schema);
        QVERIFY(s.views.front().definitionSql.find("writ.mask_email(\"email\"::text) AS \"email\"") != std::string::npos);
        QVERIFY(s.views.front().definitionSql.find("WHERE (id = (SELECT writ.ctx('customer_id'))::integer)") != std::string::npos);
        QVERIFY(std::none_of(s.grants.begin(), s.grants.end(), [](const GrantFact &g) {
            return g.role == kSummarizer && g.schema == "public" && g.relation == "customers" && g.column.empty();
        })); // no table-wide SELECT on the base table either
        QVERIFY(std::any_of(s.grants.begin(), s.grants.end(),
                            [&](const GrantFact &g) { return g.role == kSummarizer && g.schema == schema && g.relation == "customers"; }));
    }

    void updateColumnsOnlyForUpdateAndDeleteOnlyWhereAsked()
    {
        const Demo d = compileDemo();
        const DesiredState &s = d.compiled.state;
        QVERIFY(hasGrant(s, kRefund, "payments", "status", "UPDATE"));
        QVERIFY(!hasGrant(s, kRefund, "payments", "amount_cents", "UPDATE"));
        QVERIFY(hasGrant(s, kRefund, "payments", "amount_cents", "SELECT"));
        QVERIFY(hasGrant(s, kRefund, "refunds", "payment_id", "INSERT"));
        QVERIFY(!hasGrant(s, kRefund, "refunds", "payment_id", "SELECT"));
        QVERIFY(std::none_of(s.grants.begin(), s.grants.end(), [](const GrantFact &g) { return g.privilege == "DELETE"; }));
        QVERIFY(!hasGrant(s, kReporter, "tickets", "subject", "SELECT"));
    }

    void rowFiltersBecomePoliciesPerRoleAndCommand()
    {
        const Demo d = compileDemo();
        const DesiredState &s = d.compiled.state;
        const auto policy = std::find_if(s.policies.begin(), s.policies.end(), [](const PolicyFact &p) {
            return p.relation == "payments" && p.role == kRefund && p.command == "UPDATE";
        });
        QVERIFY(policy != s.policies.end());
        QCOMPARE(policy->usingSql, std::string("id = (SELECT writ.ctx('payment_id'))::bigint"));
        QCOMPARE(policy->checkSql, std::string("status IN ('refund_pending', 'refunded')"));
        // The reporter has no filter, but RLS is on for tickets: it needs USING (true) or it would see nothing.
        const auto reporter = std::find_if(s.policies.begin(), s.policies.end(), [](const PolicyFact &p) {
            return p.relation == "tickets" && p.role == kReporter;
        });
        QVERIFY(reporter != s.policies.end());
        QCOMPARE(reporter->usingSql, std::string("true"));
        for (const char *rel : {"customers", "tickets", "messages", "payments", "refunds"})
            QVERIFY2(std::any_of(s.rls.begin(), s.rls.end(), [&](const RlsFact &r) { return r.relation == rel; }), rel);
        QVERIFY(std::none_of(s.rls.begin(), s.rls.end(), [](const RlsFact &r) { return r.relation == "accounts"; }));
    }

    void enablingRlsKeepsExistingUsersWorking()
    {
        const Demo d = compileDemo();
        const DesiredState &s = d.compiled.state;
        for (const char *command : {"SELECT", "INSERT", "UPDATE", "DELETE"})
            QVERIFY2(std::any_of(s.policies.begin(), s.policies.end(),
                                 [&](const PolicyFact &p) {
                                     return p.passThrough && p.relation == "tickets" && p.role == "helpdesk_app" && p.command == command;
                                 }),
                     command);
        QVERIFY(std::any_of(d.compiled.diagnostics.items().begin(), d.compiled.diagnostics.items().end(),
                            [](const Diagnostic &x) { return x.code == "compile.pass-through"; }));
    }

    void publicGrantsAreReplacedEvenOutsideAnyScope()
    {
        const Demo d = compileDemo();
        const auto &r = d.compiled.state.publicReplacements;
        const auto notes = std::find_if(r.begin(), r.end(), [](const PublicReplacementFact &p) { return p.relation == "internal_notes"; });
        QVERIFY(notes != r.end());
        QCOMPARE(notes->privilege, std::string("SELECT"));
        QVERIFY(std::find(notes->grantees.begin(), notes->grantees.end(), "helpdesk_app") != notes->grantees.end());
        QVERIFY(std::none_of(notes->grantees.begin(), notes->grantees.end(), [](const std::string &g) { return isManagedName(g); }));
    }

    void compilingTwiceGivesTheSameState()
    {
        QVERIFY(compileDemo().compiled.state == compileDemo().compiled.state);
        const Plan a = planFromScratch(compileDemo().compiled.state);
        QVERIFY(a.runtimeChange);
        QCOMPARE(a.sql(), planFromScratch(compileDemo().compiled.state).sql());
    }

    void privilegedWritRoleIsAnError()
    {
        Demo d = compileDemo();
        catalog::Role r;
        r.name = kSummarizer;
        r.bypassRls = true;
        d.catalog.roles.push_back(r);
        const CompileResult c = compilePolicy(d.loaded.policy, d.loaded.sources, d.catalog);
        QVERIFY(!c.ok());
        QVERIFY(std::any_of(c.diagnostics.items().begin(), c.diagnostics.items().end(),
                            [](const Diagnostic &x) { return x.code == "compile.privileged-writ-role"; }));
    }

    void handAddedGrantIsDriftWhileARemovedTaskIsAChange()
    {
        // Live: a Writ task-type role holding a SELECT the last deployment never granted.
        catalog::Catalog live;
        live.database = "d";
        live.schemas = {{"writ", "postgres", {}}, {"public", "postgres", {}}};
        catalog::Role role;
        role.name = "writ_a/t";
        role.comment = "writ:managed a/t";
        live.roles.push_back(role);
        catalog::Relation t;
        t.schema = "public";
        t.name = "t";
        t.owner = "postgres";
        t.columns = {{"id", "integer", 1, true, {}}, {"secret", "text", 2, false, {{"writ_a/t", "postgres", "SELECT", false}}}};
        t.acl = {{"postgres", "postgres", "SELECT", false}};
        live.relations.push_back(t);
        live.reindex();

        Deployment last;
        last.runtimeSha256 = runtimeSha256();
        last.state.roles = {{"writ_a/t", "a/t"}};
        const DesiredState desired; // the task type was removed from the policy
        const Plan plan = planChanges(desired, live, last);
        QVERIFY(!plan.runtimeChange);
        QCOMPARE(plan.steps.size(), std::size_t(2));
        QCOMPARE(plan.steps[0].sql, std::string("REVOKE SELECT (\"secret\") ON TABLE \"public\".\"t\" FROM \"writ_a/t\";"));
        QVERIFY(plan.steps[0].drift);
        QVERIFY(plan.steps[0].why.find("drift") == 0);
        QVERIFY(plan.steps[1].sql.find("DROP ROLE \"writ_a/t\"") != std::string::npos);
        QVERIFY(!plan.steps[1].drift);
        QCOMPARE(plan.driftCount(), std::size_t(1));
    }

    void objectsWithoutTheManagedMarkAreNeverTouched()
    {
        catalog::Catalog live;
        live.schemas = {{"writ", "postgres", {}}};
        catalog::Role lookalike;
        lookalike.name = "writ_someone_elses"; // prefix, but no writ:managed comment
        live.roles.push_back(lookalike);
        Deployment last;
        last.runtimeSha256 = runtimeSha256();
        QVERIFY(planChanges(DesiredState{}, live, last).empty());
    }

    void deploymentStateRoundTripsThroughJson()
    {
        Deployment d;
        d.runtimeSha256 = runtimeSha256();
        d.state = compileDemo().compiled.state;
        d.recorded["policy:public.t.p"] = {"a\nb", "(a)\n(b)"};
        const Deployment back = deploymentFromJson(deploymentStateJson(d));
        QVERIFY(back.state == d.state);
        QCOMPARE(back.recorded.at("policy:public.t.p").live, std::string("(a)\n(b)"));
        QVERIFY_THROWS_EXCEPTION(std::runtime_error, deploymentFromJson("{not json"));
    }
};

QTEST_APPLESS_MAIN(TestPlanner)
#include "tst_planner.moc"
