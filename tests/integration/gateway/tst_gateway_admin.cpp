// SPDX-License-Identifier: Apache-2.0
// The gateway's admin API end to end: bearer-token authorization, status and Prometheus metrics,
// live sessions (list and kill), the step-up approval round trip (an agent's COPY asks for approval;
// approving it over the API or with `writ approve` lets the same statement run exactly once; a denial
// needs a reason), tasks (revoke ends live sessions), and the audit tail with filters.

#include "admin_http.h"

using namespace gatewaytest;

namespace {

const QByteArray kToken = "admin-token-0123456789abcdef0123456789";

} // namespace

class TestGatewayAdmin : public QObject
{
    Q_OBJECT

private:
    GatewayFixture m_gw{QStringLiteral("writ_gw_admin")};
    int m_adminPort = 0;

    HttpResult call(const QByteArray &method, const QString &path, const QByteArray &body = {},
                    const QByteArray &token = kToken)
    {
        return httpCall(m_adminPort, method, path, body, token);
    }

    CliResult psql(const GatewayTask &task, const QString &sql)
    {
        return runTool("psql", {"-X", "-At", "-v", "VERBOSITY=verbose", "-c", sql,
                                QStringLiteral("host=127.0.0.1 port=%1 dbname=writ_gw_admin user=agent sslmode=disable").arg(m_gw.port)},
                       task.credential);
    }


    QJsonObject findById(const QJsonArray &items, const QString &id)
    {
        for (const auto &v : items)
            if (v.toObject().value("id").toVariant().toString() == id)
                return v.toObject();
        return {};
    }

private slots:
    void initTestCase()
    {
        writeTokenFile(m_gw.path("admin.token"), kToken);
        m_gw.start(QStringLiteral("admin: { listen: 127.0.0.1:0, token_file: %1 }\n").arg(m_gw.path("admin.token")));
        m_adminPort = waitForAdminPort(m_gw);
        QVERIFY2(m_adminPort > 0, qPrintable(m_gw.log()));
    }

    void everyRouteNeedsTheToken_data()
    {
        QTest::addColumn<QByteArray>("token");
        QTest::newRow("none") << QByteArray();
        QTest::newRow("wrong") << QByteArray("admin-token-0123456789abcdef012345678X");
        QTest::newRow("prefix") << kToken.left(10);
    }

    void everyRouteNeedsTheToken()
    {
        QFETCH(QByteArray, token);
        for (const char *path : {"/v1/status", "/metrics", "/v1/sessions", "/v1/approvals", "/v1/audit", "/nope"}) {
            const HttpResult r = call("GET", path, {}, token);
            QCOMPARE(r.status, 401);
            QVERIFY(r.json().object().value("error").toString().contains("bearer token"));
        }
        QCOMPARE(call("DELETE", "/v1/sessions/1", {}, token).status, 401);
    }

    void statusAndMetricsDescribeTheGateway()
    {
        const HttpResult status = call("GET", "/v1/status");
        QCOMPARE(status.status, 200);
        const QJsonObject s = status.json().object();
        QVERIFY(s.value("policy_version").toInt() >= 1);
        QCOMPARE(s.value("database").toString(), QStringLiteral("writ_gw_admin"));
        QVERIFY(!s.value("version").toString().isEmpty());
        QCOMPARE(call("GET", "/nope").status, 404);

        const GatewayTask task = m_gw.startTask("support-summarizer", "summarize-tickets", {"customer_id=42"});
        Session agent(m_gw.gatewayDsn(task.credential));
        QVERIFY(agent.exec("SELECT id FROM tickets").ok);
        QVERIFY(!agent.exec("SELECT phone FROM public.customers").ok);
        const HttpResult metrics = call("GET", "/metrics");
        QCOMPARE(metrics.status, 200);
        const QString text = QString::fromUtf8(metrics.body);
        QVERIFY(text.contains("writ_gateway_up 1\n"));
        const auto counter = [&](const QString &verdict) {
            const auto m = QRegularExpression(QStringLiteral("writ_gateway_statements_total\\{verdict=\"%1\"\\} (\\d+)").arg(verdict)).match(text);
            return m.hasMatch() ? m.captured(1).toInt() : -1;
        };
        QVERIFY2(counter("allow") >= 1, qPrintable(text));
        QVERIFY2(counter("deny") >= 1, qPrintable(text));
        QVERIFY(text.contains(QRegularExpression("writ_gateway_sessions [1-9]")));
    }

    // The policy in force is served only when asked for: what a review of a draft against the gateway
    // compares with, byte for byte the deployment the gateway loaded.
    void policyTextIsServedOnRequest()
    {
        const QJsonObject plain = call("GET", "/v1/policy").json().object();
        QVERIFY(!plain.contains("text"));
        const QJsonObject full = call("GET", "/v1/policy?text=true").json().object();
        QCOMPARE(full.value("version").toInteger(), plain.value("version").toInteger());
        QCOMPARE(full.value("sha256").toString(), plain.value("sha256").toString());
        Session owner(m_gw.dsn);
        const SqlResult deployed = owner.exec(QStringLiteral("SELECT policy FROM writ.deployment WHERE version = %1").arg(full.value("version").toInteger()));
        QVERIFY2(deployed.ok && deployed.count() == 1, deployed.describe());
        QVERIFY(!full.value("text").toString().isEmpty());
        QCOMPARE(full.value("text").toString(), deployed.value());
    }

    void sessionsAreListedAndCanBeKilled()
    {
        const GatewayTask task = m_gw.startTask("support-summarizer", "summarize-tickets", {"customer_id=7"});
        Session agent(m_gw.gatewayDsn(task.credential));
        QVERIFY(agent.exec("SELECT 1").ok);
        QVERIFY(agent.exec("SELECT 2").ok);
        const HttpResult list = call("GET", "/v1/sessions");
        QCOMPARE(list.status, 200);
        QJsonObject mine;
        for (const auto &v : list.json().array())
            if (v.toObject().value("task").toString() == task.id)
                mine = v.toObject();
        QVERIFY2(!mine.isEmpty(), list.body.constData());
        QCOMPARE(mine.value("agent").toString(), QStringLiteral("support-summarizer"));
        QCOMPARE(mine.value("task_type").toString(), QStringLiteral("summarize-tickets"));
        QVERIFY(mine.value("client").toString().startsWith("127.0.0.1:"));
        QVERIFY(mine.value("task_statements").toInt() >= 2);

        const int id = mine.value("id").toInt();
        QCOMPARE(call("DELETE", QStringLiteral("/v1/sessions/%1").arg(id)).status, 200);
        QTest::qWait(300);
        const SqlResult after = agent.exec("SELECT 3");
        QVERIFY2(!after.ok, "a killed session still runs statements");
        QCOMPARE(call("DELETE", QStringLiteral("/v1/sessions/%1").arg(id)).status, 404);
        // The task itself lives on: a new session works.
        Session again(m_gw.gatewayDsn(task.credential));
        QVERIFY(again.exec("SELECT 1").ok);
    }

    void approvalRoundTripRunsTheStatementOnce()
    {
        const GatewayTask task = m_gw.startTask("support-summarizer", "summarize-tickets", {"customer_id=42"});
        const QString copy = QStringLiteral("COPY (SELECT id FROM tickets) TO STDOUT");
        const CliResult asked = psql(task, copy);
        QVERIFY(asked.exitCode != 0);
        const QString id = approvalIdIn(asked.err);
        QVERIFY2(!id.isEmpty(), qPrintable(asked.err));
        QVERIFY(asked.err.contains("42501"));

        // Asking again before a decision points at the same request.
        QCOMPARE(approvalIdIn(psql(task, copy).err), id);

        const QJsonObject pending = findById(call("GET", "/v1/approvals").json().array(), id);
        QCOMPARE(pending.value("state").toString(), QStringLiteral("pending"));
        QCOMPARE(pending.value("statement").toString(), copy);
        QCOMPARE(pending.value("class").toString(), QStringLiteral("export"));
        QCOMPARE(pending.value("task").toString(), task.id);

        const HttpResult approved = call("POST", QStringLiteral("/v1/approvals/%1/approve").arg(id), R"({"by": "reviewer-ann"})");
        QCOMPARE(approved.status, 200);
        QCOMPARE(approved.json().object().value("state").toString(), QStringLiteral("approved"));
        QCOMPARE(approved.json().object().value("decided_by").toString(), QStringLiteral("reviewer-ann"));
        QCOMPARE(call("POST", QStringLiteral("/v1/approvals/%1/approve").arg(id)).status, 409); // decided already

        const CliResult ran = psql(task, copy);
        QVERIFY2(ran.exitCode == 0, qPrintable(ran.err));
        QVERIFY(!ran.out.trimmed().isEmpty());
        QCOMPARE(findById(call("GET", "/v1/approvals?all=1").json().array(), id).value("state").toString(), QStringLiteral("used"));

        // Once: the next run asks again, under a new id.
        const QString next = approvalIdIn(psql(task, copy).err);
        QVERIFY(!next.isEmpty());
        QVERIFY(next != id);

        // A denial needs a reason; with one, the request is closed and the agent must ask anew.
        QCOMPARE(call("POST", QStringLiteral("/v1/approvals/%1/deny").arg(next), "{}").status, 409);
        const HttpResult denied = call("POST", QStringLiteral("/v1/approvals/%1/deny").arg(next), R"({"reason": "not for this ticket"})");
        QCOMPARE(denied.status, 200);
        QCOMPARE(denied.json().object().value("state").toString(), QStringLiteral("denied"));
        QCOMPARE(call("POST", "/v1/approvals/no-such-id/approve").status, 404);
        QCOMPARE(call("POST", QStringLiteral("/v1/approvals/%1/approve").arg(next), "[1]").status, 400);
    }

    void cliApprovesAndListsToo()
    {
        const GatewayTask task = m_gw.startTask("support-summarizer", "summarize-tickets", {"customer_id=42"});
        const QString copy = QStringLiteral("COPY (SELECT id, status FROM tickets) TO STDOUT");
        const QString id = approvalIdIn(psql(task, copy).err);
        QVERIFY(!id.isEmpty());
        const CliResult list = runWrit({"approvals", "--db", m_gw.dsn});
        QCOMPARE(list.exitCode, 0);
        QVERIFY2(list.out.contains(id) && list.out.contains(copy), qPrintable(list.out));
        const CliResult badDeny = runWrit({"deny", id, "--db", m_gw.dsn});
        QVERIFY(badDeny.exitCode != 0); // --reason is required
        const CliResult approve = runWrit({"approve", id, "--db", m_gw.dsn, "--by", "ops-bob", "--valid-for", "5m"});
        QVERIFY2(approve.exitCode == 0, qPrintable(approve.err));
        QVERIFY(approve.out.contains("approved by ops-bob"));
        QCOMPARE(runWrit({"approve", id, "--db", m_gw.dsn}).exitCode, 1);
        QCOMPARE(psql(task, copy).exitCode, 0);
        const CliResult json = runWrit({"approvals", "--db", m_gw.dsn, "--all", "--format", "json"});
        QCOMPARE(json.exitCode, 0);
        const QJsonObject used = findById(QJsonDocument::fromJson(json.out.toUtf8()).array(), id);
        QCOMPARE(used.value("state").toString(), QStringLiteral("used"));
        QCOMPARE(used.value("decided_by").toString(), QStringLiteral("ops-bob"));
    }

    void cliDecidesThroughTheGatewayToo()
    {
        const GatewayTask task = m_gw.startTask("support-summarizer", "summarize-tickets", {"customer_id=42"});
        const QString copy = QStringLiteral("COPY (SELECT id, priority FROM tickets) TO STDOUT");
        const QString id = approvalIdIn(psql(task, copy).err);
        QVERIFY(!id.isEmpty());
        const QString url = QStringLiteral("http://127.0.0.1:%1").arg(m_adminPort);
        const QString token = m_gw.path("admin.token");
        const CliResult list = runWrit({"approvals", "--gateway", url, "--token-file", token, "--format", "json"});
        QVERIFY2(list.exitCode == 0, qPrintable(list.err));
        QCOMPARE(findById(QJsonDocument::fromJson(list.out.toUtf8()).array(), id).value("state").toString(), QStringLiteral("pending"));
        const CliResult approve = runWrit({"approve", id, "--gateway", url, "--token-file", token, "--by", "api-carol"});
        QVERIFY2(approve.exitCode == 0, qPrintable(approve.err));
        QVERIFY(approve.out.contains("approved by api-carol"));
        const CliResult again = runWrit({"approve", id, "--gateway", url, "--token-file", token});
        QCOMPARE(again.exitCode, 1); // 409: already decided
        QVERIFY(again.err.contains("is approved"));
        QCOMPARE(psql(task, copy).exitCode, 0);
        // A wrong token or an unreachable gateway is the environment's fault (exit 3), said in words.
        QFile wrong(m_gw.path("wrong.token"));
        QVERIFY(wrong.open(QIODevice::WriteOnly));
        wrong.write("not-the-admin-token-at-all-0123\n");
        wrong.close();
        wrong.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
        const CliResult refused = runWrit({"approvals", "--gateway", url, "--token-file", m_gw.path("wrong.token")});
        QCOMPARE(refused.exitCode, 3);
        QVERIFY2(refused.err.contains("token"), qPrintable(refused.err));
        const CliResult unreachable = runWrit({"approvals", "--gateway", "http://127.0.0.1:1", "--token-file", token});
        QCOMPARE(unreachable.exitCode, 3);
        QVERIFY2(unreachable.err.contains("cannot reach"), qPrintable(unreachable.err));
        QCOMPARE(runWrit({"approvals"}).exitCode, 64);

        // Ending a task through the gateway: without a reason it is completed, with one revoked.
        const GatewayTask done = m_gw.startTask("support-summarizer", "summarize-tickets", {"customer_id=5"});
        Session agent(m_gw.gatewayDsn(done.credential));
        QVERIFY(agent.exec("SELECT 1").ok);
        const CliResult ended = runWrit({"task", "end", done.id, "--gateway", url, "--token-file", token});
        QVERIFY2(ended.exitCode == 0, qPrintable(ended.err));
        QVERIFY2(ended.out.contains("completed; 1 session(s) terminated"), qPrintable(ended.out));
        QTest::qWait(300);
        QVERIFY(!agent.exec("SELECT 1").ok);
        const GatewayTask revoked = m_gw.startTask("support-summarizer", "summarize-tickets", {"customer_id=6"});
        const CliResult revoke = runWrit({"task", "end", revoked.id, "--gateway", url, "--token-file", token, "--reason", "leaked credential & more"});
        QVERIFY2(revoke.exitCode == 0 && revoke.out.contains("revoked: leaked credential & more"), qPrintable(revoke.out + revoke.err));
        QCOMPARE(runWrit({"task", "end", revoked.id, "--gateway", url, "--token-file", token}).exitCode, 1);
    }

    void revokingATaskEndsItsSessions()
    {
        const GatewayTask task = m_gw.startTask("support-summarizer", "summarize-tickets", {"customer_id=9"});
        Session agent(m_gw.gatewayDsn(task.credential));
        QVERIFY(agent.exec("SELECT 1").ok);
        const HttpResult tasks = call("GET", "/v1/tasks");
        QCOMPARE(tasks.status, 200);
        QVERIFY(findById(tasks.json().array(), task.id).value("live").toBool());
        const HttpResult revoked = call("DELETE", QStringLiteral("/v1/tasks/%1?reason=test").arg(task.id));
        QCOMPARE(revoked.status, 200);
        QVERIFY(revoked.json().object().value("sessions_terminated").toInt() >= 1);
        QTest::qWait(300);
        QVERIFY(!agent.exec("SELECT 1").ok);
        QVERIFY2(m_gw.running(), qPrintable(m_gw.log()));
        Session again;
        QVERIFY(!again.open(m_gw.gatewayDsn(task.credential)));
        const HttpResult twice = call("DELETE", QStringLiteral("/v1/tasks/%1").arg(task.id));
        QVERIFY2(twice.status == 409, qPrintable(QString::number(twice.status) + " " + twice.body + "\n" + m_gw.log())); // already ended
        QCOMPARE(call("POST", "/v1/tasks/no-such-task/complete").status, 404);
        const QJsonObject ended = findById(call("GET", "/v1/tasks?all=1").json().array(), task.id);
        QVERIFY(!ended.value("revoked_at").toString().isEmpty());
        QVERIFY(!ended.value("live").toBool());
    }

    void stateDatabasePushesRevocationsAndDeployments()
    {
        QVERIFY2(call("GET", "/metrics").body.contains("writ_gateway_state_listening 1"), qPrintable(m_gw.log()));
        // A task ended elsewhere (here: the CLI on the state database) reaches the gateway by NOTIFY.
        const GatewayTask task = m_gw.startTask("support-summarizer", "summarize-tickets", {"customer_id=11"});
        Session agent(m_gw.gatewayDsn(task.credential));
        QVERIFY(agent.exec("SELECT 1").ok);
        const auto ended = runWrit({"task", "end", task.id, "--db", m_gw.dsn, "--reason", "pushed"});
        QCOMPARE(ended.exitCode, 0);
        QTRY_VERIFY_WITH_TIMEOUT(m_gw.log().contains("ended 1 session(s) of task " + task.id), 2000);
        QVERIFY(!call("GET", "/metrics").body.contains("writ_gateway_revocations_notified_total 0"));

        // A new deployment is picked up at once, not at the next 5-second look.
        const int before = call("GET", "/v1/policy").json().object().value("version").toInt();
        Session owner(m_gw.dsn);
        QVERIFY(owner.exec("INSERT INTO writ.deployment (policy_name, sha256, sql_applied, state, policy) "
                           "SELECT policy_name, sha256, sql_applied, state, policy FROM writ.deployment ORDER BY version DESC LIMIT 1").ok);
        QTRY_COMPARE_WITH_TIMEOUT(call("GET", "/v1/policy").json().object().value("version").toInt(), before + 1, 3000);
    }

    void auditTailFilters()
    {
        // Records name statements by fingerprint and normalized text: no literal an agent sent is kept.
        const GatewayTask task = m_gw.startTask("support-summarizer", "summarize-tickets", {"customer_id=42"});
        Session agent(m_gw.gatewayDsn(task.credential));
        QVERIFY(agent.exec("SELECT id FROM tickets WHERE subject = 'zebra-literal-1234'").ok);
        QVERIFY(!agent.exec("SELECT phone FROM public.customers WHERE name = 'okapi-literal-5678'").ok);
        const QJsonArray mine = call("GET", QStringLiteral("/v1/audit?task=%1&limit=100").arg(task.id)).json().array();
        int statements = 0;
        for (const auto &v : mine) {
            const QJsonObject r = v.toObject();
            QVERIFY2(!QJsonDocument(r).toJson().contains("-literal-"), QJsonDocument(r).toJson().constData());
            if (r.value("event").toString() == "decision" || r.value("event").toString() == "statement") {
                ++statements;
                QVERIFY2(r.value("query").toString().contains("$1"), QJsonDocument(r).toJson().constData());
                QVERIFY(QRegularExpression("^[0-9a-f]{16}$").match(r.value("fingerprint").toString()).hasMatch());
            }
        }
        QVERIFY(statements >= 3); // two decisions and the allowed statement's completion

        // Without a workflow in the credential, a sqlcommenter traceparent names the statement's workflow.
        const QString traceId = "0af7651916cd43dd8448eb211c80319c";
        QVERIFY(agent.exec("SELECT id FROM tickets /*action='summarize',traceparent='00-" + traceId + "-b7ad6b7169203331-01'*/").ok);
        const QJsonArray traced = call("GET", "/v1/audit?workflow=" + traceId).json().array();
        QCOMPARE(traced.size(), 2); // its decision and its completion
        QCOMPARE(traced.at(0).toObject().value("task").toString(), task.id);

        const HttpResult all = call("GET", "/v1/audit?limit=5");
        QCOMPARE(all.status, 200);
        QVERIFY(all.json().isArray());
        QVERIFY(all.json().array().size() == 5);
        const HttpResult denials = call("GET", "/v1/audit?verdict=deny&limit=1000");
        QCOMPARE(denials.status, 200);
        const QJsonArray d = denials.json().array();
        QVERIFY(!d.isEmpty());
        for (const auto &v : d)
            QCOMPARE(v.toObject().value("verdict").toString(), QStringLiteral("deny"));
        bool sawColumnRule = false;
        for (const auto &v : d)
            sawColumnRule = sawColumnRule || v.toObject().value("rule").toString() == "column-scope";
        QVERIFY(sawColumnRule);
        // Oldest first: sequence numbers increase.
        const QJsonArray tail = call("GET", "/v1/audit?limit=20").json().array();
        for (int i = 1; i < tail.size(); ++i)
            QVERIFY(tail[i].toObject().value("seq").toInteger() > tail[i - 1].toObject().value("seq").toInteger());
        QCOMPARE(call("GET", "/v1/audit?limit=0").status, 400);
        QCOMPARE(call("GET", "/v1/audit?limit=abc").status, 400);
    }

    // Last: it stops the gateway. SIGTERM closes the door to new clients but lets a session in the
    // middle of its work finish; once it disconnects the gateway exits cleanly with its audit flushed.
    void gracefulShutdownLetsSessionsFinish()
    {
        const GatewayTask task = m_gw.startTask("support-summarizer", "summarize-tickets", {"customer_id=42"});
        Session agent(m_gw.gatewayDsn(task.credential));
        QVERIFY(agent.exec("BEGIN").ok);
        QVERIFY(agent.exec("SELECT count(*) FROM tickets").ok);
        m_gw.signal(SIGTERM);
        QTest::qWait(300);
        QVERIFY2(m_gw.running(), qPrintable(m_gw.log()));
        Session late;
        QVERIFY2(!late.open(m_gw.gatewayDsn(task.credential)), "a new client was accepted while shutting down");
        QVERIFY(agent.exec("SELECT id FROM tickets").ok);
        QVERIFY(agent.exec("COMMIT").ok);
        agent.close();
        QVERIFY2(m_gw.waitStopped(5000), qPrintable(m_gw.log()));
        QCOMPARE(m_gw.exitCode(), 0);
        QVERIFY(m_gw.log().contains("shutting down"));
        const auto verify = runWrit({"audit", "verify", m_gw.auditFile(), "--key-file", m_gw.path("audit.key")});
        QVERIFY2(verify.exitCode == 0, qPrintable(verify.out + verify.err));
        QFile f(m_gw.auditFile());
        QVERIFY(f.open(QIODevice::ReadOnly));
        QVERIFY(f.readAll().contains("\"event\":\"disconnect\""));
    }
};

QTEST_GUILESS_MAIN(TestGatewayAdmin)
#include "tst_gateway_admin.moc"
