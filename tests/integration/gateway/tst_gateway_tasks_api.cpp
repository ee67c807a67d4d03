// SPDX-License-Identifier: Apache-2.0
// The tasks API end to end: an agent presents its workload identity token (SPIFFE JWT-SVID or OIDC ID
// token, signed by a test issuer the gateway trusts), gets a task credential, and connects through the
// gateway with it; every way of asking wrongly is refused with the right status and a reason; a task
// type that needs approval waits for a person's approval of that exact request, which starts one task
// only; `writ task start --gateway` does the same from the command line, waiting for the approval with --wait.

#include "admin_http.h"

using namespace gatewaytest;

namespace {

const QByteArray kAdminToken = "tasks-admin-token-0123456789abcdef";
const QString kAudience = QStringLiteral("writ-tasks");
const QString kSummarizer = QStringLiteral("spiffe://example.com/agents/support-summarizer");

} // namespace

class TestGatewayTasksApi : public QObject
{
    Q_OBJECT

private:
    GatewayFixture m_gw{QStringLiteral("writ_gw_tasks")};
    int m_adminPort = 0;

    /// A workload token from the test issuer.
    QByteArray identityToken(const QString &iss, const QString &sub, const QString &aud = kAudience, const QString &key = "idp/idp1")
    {
        const auto r = runWrit({"token", "issue", "--key", m_gw.path(key + ".private.pem"), "--iss", iss, "--sub", sub, "--aud", aud,
                                "--ttl", "5m"});
        if (r.exitCode != 0)
            qFatal("writ token issue failed: %s", floortest::cliText(r).constData());
        return r.out.trimmed().toUtf8();
    }

    HttpResult startTask(const QJsonObject &body, const QByteArray &bearer)
    {
        return httpCall(m_adminPort, "POST", "/v1/tasks", QJsonDocument(body).toJson(QJsonDocument::Compact), bearer);
    }

    CliResult psql(const QString &credential, const QString &sql)
    {
        return runTool("psql", {"-X", "-At", "-c", sql, m_gw.gatewayDsn(QString()).replace("password=", "")}, credential);
    }

    QJsonObject auditRecord(const QString &event, const QString &field, const QString &value)
    {
        const auto r = httpCall(m_adminPort, "GET", "/v1/audit?event=" + event + "&" + field + "=" + value, {}, kAdminToken);
        const QJsonArray records = r.json().array();
        return records.isEmpty() ? QJsonObject() : records.last().toObject();
    }

private slots:
    void initTestCase()
    {
        writeTokenFile(m_gw.path("admin.token"), kAdminToken);
        for (const char *kid : {"idp1", "other1"}) {
            const auto keys = runWrit({"keys", "generate", "--out", m_gw.path(kid == QByteArray("idp1") ? "idp" : "other"), "--alg",
                                       "EdDSA", "--kid", kid});
            QVERIFY2(keys.exitCode == 0, floortest::cliText(keys).constData());
        }
        // The demo policy with refund-bot reachable from loopback and analytics-reporter limited to a
        // network the test is not on.
        QFile demo(floortest::demoPolicy());
        QVERIFY(demo.open(QIODevice::ReadOnly));
        QString policy = QString::fromUtf8(demo.readAll());
        const QString refund = "{ oidc: { issuer: \"https://auth.example.com\", subject: refund-bot }, network: [10.20.0.0/16] }";
        const QString reporter = "{ spiffe: \"spiffe://example.com/agents/analytics-reporter\" }";
        QVERIFY(policy.contains(refund) && policy.contains(reporter));
        policy.replace(refund, "{ oidc: { issuer: \"https://auth.example.com\", subject: refund-bot }, network: [127.0.0.0/8] }");
        policy.replace(reporter, "{ spiffe: \"spiffe://example.com/agents/analytics-reporter\", network: [10.99.0.0/16] }");
        QFile out(m_gw.path("policy.yaml"));
        QVERIFY(out.open(QIODevice::WriteOnly));
        out.write(policy.toUtf8());
        out.close();

        const QString config = QStringLiteral(
            "admin: { listen: 127.0.0.1:0, token_file: %1 }\n"
            "tasks_api:\n"
            "  credential_key: %2\n"
            "  trust:\n"
            "    - oidc: { issuer: \"https://auth.example.com\", audience: %3, key_files: [%4] }\n"
            "    - spiffe: { trust_domain: example.com, audience: %3, key_files: [%4] }\n")
                                   .arg(m_gw.path("admin.token"), m_gw.path("keys/gw1.private.pem"), kAudience, m_gw.path("idp/jwks.json"));
        m_gw.start(config, {}, m_gw.path("policy.yaml"));
        m_adminPort = waitForAdminPort(m_gw);
        QVERIFY2(m_adminPort > 0, qPrintable(m_gw.log()));
    }

    void agentStartsItsOwnTaskAndConnects()
    {
        const HttpResult r = startTask({{"task_type", "summarize-tickets"}, {"context", QJsonObject{{"customer_id", 7}}}, {"ttl", "2m"},
                                        {"workflow", "wf-support-7"}},
                                       identityToken("https://spire.example.com", kSummarizer));
        QVERIFY2(r.status == 201, r.body.constData());
        const QJsonObject t = r.json().object();
        QCOMPARE(t.value("agent").toString(), QStringLiteral("support-summarizer"));
        QCOMPARE(t.value("task_type").toString(), QStringLiteral("summarize-tickets"));
        QCOMPARE(t.value("ttl_seconds").toInt(), 120);
        QCOMPARE(t.value("connection").toObject().value("port").toInt(), m_gw.port);
        QCOMPARE(t.value("connection").toObject().value("database").toString(), QStringLiteral("writ_gw_tasks"));
        QVERIFY(!t.contains("password")); // the JIT role's password never leaves the gateway
        const QString id = t.value("id").toString();
        QVERIFY(!id.isEmpty());

        // The credential is the password at the gateway, and the task sees only customer 7's tickets.
        const CliResult q = psql(t.value("credential").toString(), "SELECT count(*), count(*) FILTER (WHERE customer_id <> 7) FROM public.tickets");
        QVERIFY2(q.exitCode == 0, qPrintable(q.err));
        Session admin(m_gw.dsn);
        const SqlResult direct = admin.exec("SELECT count(*) FROM public.tickets WHERE customer_id = 7");
        QVERIFY(direct.ok);
        QCOMPARE(q.out.trimmed(), direct.rows.at(0).at(0) + "|0");
        const SqlResult row = admin.exec("SELECT agent, task_type, workflow, context->>'customer_id' FROM writ.task WHERE id = '" + id + "'");
        QVERIFY(row.ok && row.rows.size() == 1);
        QCOMPARE(row.rows.at(0), (QStringList{"support-summarizer", "summarize-tickets", "wf-support-7", "7"}));

        const QJsonObject audit = auditRecord("task_start", "task", id);
        QCOMPARE(audit.value("verdict").toString(), QStringLiteral("allow"));
        QCOMPARE(audit.value("agent").toString(), QStringLiteral("support-summarizer"));
        QCOMPARE(audit.value("workflow").toString(), QStringLiteral("wf-support-7"));
    }

    void wrongRequestsAreRefused_data()
    {
        QTest::addColumn<QString>("bearer");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("reason");
        const QByteArray ok = "{\"task_type\": \"summarize-tickets\", \"context\": {\"customer_id\": 7}}";
        QTest::newRow("no token") << "" << ok << 401 << "no identity token";
        QTest::newRow("garbage token") << "garbage" << ok << 401 << "the identity token was refused";
        QTest::newRow("wrong audience") << "aud:other-service" << ok << 401 << "aud";
        QTest::newRow("unknown signer") << "key:other/other1" << ok << 401 << "the identity token was refused";
        QTest::newRow("no such agent") << "sub:spiffe://example.com/agents/nobody" << ok << 403 << "no agent";
        QTest::newRow("another agent's task") << "summarizer" << QByteArray("{\"agent\": \"refund-bot\", \"task_type\": \"refund-payment\"}")
                                              << 403 << "not 'refund-bot'";
        QTest::newRow("unknown task type") << "summarizer" << QByteArray("{\"task_type\": \"drop-everything\"}") << 400
                                           << "has no task type 'drop-everything'";
        QTest::newRow("missing context") << "summarizer" << QByteArray("{\"task_type\": \"summarize-tickets\"}") << 400
                                         << "context key 'customer_id' is required";
        QTest::newRow("bad context type") << "summarizer" << QByteArray("{\"task_type\": \"summarize-tickets\", \"context\": {\"customer_id\": \"7 OR true\"}}")
                                          << 400 << "is invalid";
        QTest::newRow("object context") << "summarizer" << QByteArray("{\"task_type\": \"summarize-tickets\", \"context\": {\"customer_id\": {\"a\": 1}}}")
                                        << 400 << "must be a string, a number or a boolean";
        QTest::newRow("not json") << "summarizer" << QByteArray("{task_type") << 400 << "must be a JSON object";
        QTest::newRow("bad ttl") << "summarizer" << QByteArray("{\"task_type\": \"summarize-tickets\", \"context\": {\"customer_id\": 7}, \"ttl\": \"soon\"}")
                                 << 400 << "is not a duration";
        QTest::newRow("outside the agent's network") << "sub:spiffe://example.com/agents/analytics-reporter"
                                                     << QByteArray("{\"task_type\": \"weekly-report\"}") << 403 << "may connect only from 10.99.0.0/16";
        QTest::newRow("admin without agent") << "admin" << ok << 400 << "must name the agent";
        QTest::newRow("task credential as identity") << "credential" << ok << 401 << "the identity token was refused";
    }

    void wrongRequestsAreRefused()
    {
        QFETCH(QString, bearer);
        QFETCH(QByteArray, body);
        QFETCH(int, status);
        QFETCH(QString, reason);
        QByteArray token;
        if (bearer == "summarizer")
            token = identityToken("https://spire.example.com", kSummarizer);
        else if (bearer.startsWith("aud:"))
            token = identityToken("https://spire.example.com", kSummarizer, bearer.mid(4));
        else if (bearer.startsWith("key:"))
            token = identityToken("https://spire.example.com", kSummarizer, kAudience, bearer.mid(4));
        else if (bearer.startsWith("sub:"))
            token = identityToken("https://spire.example.com", bearer.mid(4));
        else if (bearer == "admin")
            token = kAdminToken;
        else if (bearer == "credential")
            token = m_gw.startTask("support-summarizer", "summarize-tickets", {"customer_id=7"}).credential.toUtf8();
        else
            token = bearer.toUtf8();
        const int before = QJsonDocument::fromJson(httpCall(m_adminPort, "GET", "/v1/tasks", {}, kAdminToken).body).array().size();
        const HttpResult r = httpCall(m_adminPort, "POST", "/v1/tasks", body, token);
        QVERIFY2(r.status == status, r.body.constData());
        QVERIFY2(r.error().contains(reason), r.body.constData());
        const int after = QJsonDocument::fromJson(httpCall(m_adminPort, "GET", "/v1/tasks", {}, kAdminToken).body).array().size();
        QCOMPARE(after, before); // no refused request leaves a task behind
    }

    void approvalStartsExactlyTheApprovedRequestOnce()
    {
        const QByteArray bot = identityToken("https://auth.example.com", "refund-bot");
        const QJsonObject request{{"task_type", "refund-payment"}, {"context", QJsonObject{{"payment_id", 3}}}};
        const HttpResult asked = startTask(request, bot);
        QVERIFY2(asked.status == 202, asked.body.constData());
        const QString id = asked.json().object().value("approval").toString();
        QVERIFY(id.startsWith("ap_"));
        QCOMPARE(startTask(request, bot).json().object().value("approval").toString(), id); // asking again: the same request

        // Listed for approvers with who asks for what; no task exists yet.
        const QJsonArray pending = httpCall(m_adminPort, "GET", "/v1/approvals", {}, kAdminToken).json().array();
        QJsonObject listed;
        for (const auto &v : pending)
            if (v.toObject().value("id").toString() == id)
                listed = v.toObject();
        QCOMPARE(listed.value("class").toString(), QStringLiteral("task_start"));
        QCOMPARE(listed.value("agent").toString(), QStringLiteral("refund-bot"));
        QCOMPARE(listed.value("task_type").toString(), QStringLiteral("refund-payment"));
        QVERIFY(listed.value("statement").toString().contains("payment_id=3"));
        QCOMPARE(auditRecord("task_start", "approval", id).value("verdict").toString(), QStringLiteral("approval_required"));

        QJsonObject retry = request;
        retry["approval"] = id;
        HttpResult early = startTask(retry, bot);
        QCOMPARE(early.status, 409);
        QVERIFY2(early.error().contains("still pending"), early.body.constData());

        const HttpResult approved = httpCall(m_adminPort, "POST", "/v1/approvals/" + id + "/approve", "{\"by\": \"lead@example.com\"}", kAdminToken);
        QVERIFY2(approved.status == 200, approved.body.constData());

        QJsonObject other = retry;
        other["context"] = QJsonObject{{"payment_id", 4}};
        const HttpResult mismatch = startTask(other, bot);
        QCOMPARE(mismatch.status, 409);
        QVERIFY2(mismatch.error().contains("different request"), mismatch.body.constData());

        const HttpResult started = startTask(retry, bot);
        QVERIFY2(started.status == 201, started.body.constData());
        QCOMPARE(started.json().object().value("approved_by").toString(), QStringLiteral("lead@example.com"));
        const CliResult q = psql(started.json().object().value("credential").toString(), "SELECT id FROM public.payments");
        QVERIFY2(q.exitCode == 0, qPrintable(q.err));
        QCOMPARE(q.out.trimmed(), QStringLiteral("3"));

        const HttpResult again = startTask(retry, bot);
        QCOMPARE(again.status, 409);
        QVERIFY2(again.error().contains("has been used"), again.body.constData());
    }

    void adminStartsATaskForAnAgent()
    {
        const HttpResult r = startTask({{"agent", "analytics-reporter"}, {"task_type", "weekly-report"}}, kAdminToken);
        QVERIFY2(r.status == 201, r.body.constData());
        QCOMPARE(r.json().object().value("agent").toString(), QStringLiteral("analytics-reporter"));
        // An approval-required type started by an operator names the approver.
        const HttpResult named = startTask({{"agent", "refund-bot"}, {"task_type", "refund-payment"},
                                            {"context", QJsonObject{{"payment_id", 5}}}, {"approved_by", "ops@example.com"}},
                                           kAdminToken);
        QVERIFY2(named.status == 201, named.body.constData());
    }

    void cliStartsAndEndsTasksThroughTheGateway()
    {
        const QString url = QStringLiteral("http://127.0.0.1:%1").arg(m_adminPort);
        writeTokenFile(m_gw.path("summarizer.jwt"), identityToken("https://spire.example.com", kSummarizer));
        const auto started = runWrit({"task", "start", "--gateway", url, "--identity-token", m_gw.path("summarizer.jwt"), "--task",
                                      "summarize-tickets", "--ctx", "customer_id=9", "--format", "json"});
        QVERIFY2(started.exitCode == 0, floortest::cliText(started).constData());
        const QJsonObject t = QJsonDocument::fromJson(started.out.toUtf8()).object();
        const CliResult q = psql(t.value("credential").toString(), "SELECT count(*) FILTER (WHERE customer_id <> 9) FROM public.tickets");
        QVERIFY2(q.exitCode == 0, qPrintable(q.err));
        QCOMPARE(q.out.trimmed(), QStringLiteral("0"));
        const auto ended = runWrit({"task", "end", t.value("id").toString(), "--gateway", url, "--token-file", m_gw.path("admin.token")});
        QVERIFY2(ended.exitCode == 0, floortest::cliText(ended).constData());
        QVERIFY(psql(t.value("credential").toString(), "SELECT 1").exitCode != 0);

        // Without --wait an approval-required task reports the approval (exit 2); with --wait it starts once approved.
        writeTokenFile(m_gw.path("bot.jwt"), identityToken("https://auth.example.com", "refund-bot"));
        const QStringList refund{"task", "start", "--gateway", url, "--identity-token", m_gw.path("bot.jwt"), "--task", "refund-payment",
                                 "--ctx", "payment_id=6", "--format", "json"};
        const auto asked = runWrit(refund);
        QCOMPARE(asked.exitCode, 2);
        const QString approval = asked.out.trimmed();
        QVERIFY2(approval.startsWith("ap_"), floortest::cliText(asked).constData());
        QProcess waiting;
        waiting.start(QStringLiteral(WRIT_CLI), QStringList(refund) << "--wait" << "60s");
        QVERIFY(waiting.waitForStarted());
        QTest::qWait(1500);
        QCOMPARE(waiting.state(), QProcess::Running); // still waiting for a person
        const auto approve = runWrit({"approve", approval, "--gateway", url, "--token-file", m_gw.path("admin.token")});
        QVERIFY2(approve.exitCode == 0, floortest::cliText(approve).constData());
        QVERIFY(waiting.waitForFinished(30000));
        QCOMPARE(waiting.exitCode(), 0);
        const QJsonObject refundTask = QJsonDocument::fromJson(waiting.readAllStandardOutput()).object();
        QCOMPARE(refundTask.value("agent").toString(), QStringLiteral("refund-bot"));
        QVERIFY(!refundTask.value("credential").toString().isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestGatewayTasksApi)
#include "tst_gateway_tasks_api.moc"
