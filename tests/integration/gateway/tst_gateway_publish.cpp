// SPDX-License-Identifier: Apache-2.0
// Publishing signed policy bundles end to end: a gateway configured with publisher keys starts only on a
// signed bundle and enforces nothing else; `writ publish` through the gateway changes what an agent's
// connection can do; unsigned, wrongly signed and tampered bundles are refused (through the API and in
// the state database); rollback switches back; a failed push leaves the database floor as it was.

#include "admin_http.h"

using namespace gatewaytest;

namespace {

const QByteArray kAdminToken = "publish-admin-token-0123456789ab";

const QString kMessagesScope = QStringLiteral(
    "          public.messages:\n"
    "            ops: [select]\n"
    "            columns: [id, ticket_id, author_kind, body, created_at]\n"
    "            rows: \"ticket_id = ANY (ARRAY(SELECT id FROM public.tickets WHERE customer_id = $customer_id))\"\n"
    "            reason: \"The conversation on those tickets; author names of staff are not needed.\"\n");

} // namespace

class TestGatewayPublish : public QObject
{
    Q_OBJECT

private:
    GatewayFixture m_gw{QStringLiteral("writ_gw_publish")};
    int m_adminPort = 0;

    HttpResult call(const QByteArray &method, const QString &path, const QByteArray &body = {})
    {
        return httpCall(m_adminPort, method, path, body, kAdminToken);
    }

    QString gatewayUrl() const { return QStringLiteral("http://127.0.0.1:%1").arg(m_adminPort); }

    /// The demo policy without the summarizer's access to messages, written next to the gateway's files.
    QString narrowedPolicy(const QString &name, const QString &alsoRemove = {})
    {
        QFile demo(floortest::demoPolicy());
        demo.open(QIODevice::ReadOnly);
        QString text = QString::fromUtf8(demo.readAll());
        if (!text.contains(kMessagesScope))
            qFatal("the demo policy changed: update kMessagesScope");
        text.remove(kMessagesScope);
        if (!alsoRemove.isEmpty())
            text.remove(alsoRemove);
        QFile out(m_gw.path(name));
        out.open(QIODevice::WriteOnly);
        out.write(text.toUtf8());
        return out.fileName();
    }

    int policyVersion() { return call("GET", "/v1/policy").json().object().value("version").toInt(); }

    SqlResult readMessages(const GatewayTask &task)
    {
        Session agent(m_gw.gatewayDsn(task.credential));
        return agent.exec("SELECT count(*) FROM public.messages");
    }

    /// A bundle signed by a key the gateway does not trust.
    QByteArray foreignBundle()
    {
        const auto keys = runWrit({"keys", "generate", "--out", m_gw.path("foreign"), "--alg", "EdDSA", "--kid", "pub1"});
        if (keys.exitCode != 0)
            qFatal("keys: %s", floortest::cliText(keys).constData());
        // Same kid as the trusted key: only the signature can tell them apart.
        Session owner(m_gw.dsn);
        const auto published = runWrit({"publish", floortest::demoPolicy(), "--db", m_gw.dsn, "--publisher-key",
                                        m_gw.path("foreign/pub1.private.pem"), "--yes"});
        if (published.exitCode != 0)
            qFatal("publish: %s", floortest::cliText(published).constData());
        const SqlResult row = owner.exec("SELECT signed FROM writ.bundle ORDER BY version DESC LIMIT 1");
        return row.rows.at(0).at(0).toUtf8();
    }

private slots:
    void initTestCase()
    {
        // A gateway that trusts publishers enforces only signed bundles: the first is published before it starts.
        m_adminPort = startBundleGateway(m_gw, kAdminToken);
        QVERIFY2(m_adminPort > 0, qPrintable(m_gw.log()));
        const QJsonObject policy = call("GET", "/v1/policy").json().object();
        QCOMPARE(policy.value("source").toString(), QStringLiteral("bundle"));
        QCOMPARE(policy.value("publisher").toString(), QStringLiteral("pub1"));
        QCOMPARE(policy.value("version").toInt(), 1);
    }

    void publishingChangesWhatAnAgentCanDo()
    {
        const GatewayTask task = m_gw.startTask("support-summarizer", "summarize-tickets", {"customer_id=8"});
        QVERIFY2(readMessages(task).ok, qPrintable(m_gw.log()));

        const auto published = runWrit({"publish", narrowedPolicy("narrowed.yaml"), "--db", m_gw.dsn, "--publisher-key",
                                        m_gw.path("publisher/pub1.private.pem"), "--gateway", gatewayUrl(), "--token-file",
                                        m_gw.path("admin.token"), "--yes"});
        QVERIFY2(published.exitCode == 0, floortest::cliText(published).constData());
        QVERIFY2(published.out.contains("published: bundle v2"), floortest::cliText(published).constData());
        QCOMPARE(policyVersion(), 2);

        const SqlResult denied = readMessages(task);
        QVERIFY(!denied.ok);
        QCOMPARE(denied.sqlstate, QStringLiteral("42501"));

        const QJsonArray versions = call("GET", "/v1/policy/versions").json().array();
        QCOMPARE(versions.size(), 2);
        QVERIFY(versions.at(0).toObject().value("active").toBool());
        QCOMPARE(versions.at(0).toObject().value("version").toInt(), 2);
    }

    void unsignedAndForeignBundlesAreRefused()
    {
        const int before = policyVersion();
        const HttpResult garbage = call("PUT", "/v1/policy", "not a bundle");
        QCOMPARE(garbage.status, 400);
        QVERIFY2(garbage.error().contains("not a signed bundle"), garbage.body.constData());
        const HttpResult unsignedJwt = call("PUT", "/v1/policy", "eyJhbGciOiJub25lIn0.eyJwb2xpY3kiOiIifQ.");
        QCOMPARE(unsignedJwt.status, 400);

        // Tampering in the state database: a bundle under the trusted kid but signed by another key.
        const QByteArray forged = foreignBundle();
        QTRY_VERIFY_WITH_TIMEOUT(m_gw.log().contains("is refused"), 5000);
        QCOMPARE(policyVersion(), before); // still the verified version
        QVERIFY(!call("GET", "/metrics").body.contains("writ_gateway_bundles_rejected_total 0"));
        const HttpResult viaApi = call("PUT", "/v1/policy", forged);
        QCOMPARE(viaApi.status, 400);
        QVERIFY2(viaApi.error().contains("signature does not verify"), viaApi.body.constData());

    }

    void rollbackSwitchesToAnEarlierBundle()
    {
        const auto rolled = runWrit({"rollback", "1", "--gateway", gatewayUrl(), "--token-file", m_gw.path("admin.token")});
        QVERIFY2(rolled.exitCode == 0, floortest::cliText(rolled).constData());
        QCOMPARE(policyVersion(), 1);
        const auto listed = runWrit({"bundles", "--db", m_gw.dsn});
        QVERIFY2(listed.exitCode == 0, floortest::cliText(listed).constData());
        QVERIFY2(listed.out.contains("* v1 "), qPrintable(listed.out));
        QCOMPARE(call("POST", "/v1/policy/rollback", "{\"version\": 999}").status, 404);
    }

    void failedPushLeavesTheFloorAsItWas()
    {
        Session owner(m_gw.dsn);
        const QString lastSha = "SELECT sha256 FROM writ.deployment ORDER BY version DESC LIMIT 1";
        const QString before = owner.exec(lastSha).rows.at(0).at(0);
        writeTokenFile(m_gw.path("wrong.token"), "not-the-admin-token-at-all-0000");
        const QString customers = QStringLiteral("          public.customers:\n"
                                                 "            ops: [select]\n"
                                                 "            columns: [id, name, email]\n"
                                                 "            mask: { email: email }\n"
                                                 "            rows: \"id = $customer_id\"\n"
                                                 "            reason: \"Greets the customer by name; the email is masked because the summary never needs it in full.\"\n");
        const auto published = runWrit({"publish", narrowedPolicy("narrower.yaml", customers), "--db", m_gw.dsn, "--publisher-key",
                                        m_gw.path("publisher/pub1.private.pem"), "--gateway", gatewayUrl(), "--token-file",
                                        m_gw.path("wrong.token"), "--yes"});
        QCOMPARE(published.exitCode, 3);
        QVERIFY2(published.err.contains("rolled back"), floortest::cliText(published).constData());
        QVERIFY2(published.out.contains("1/3 floor: applied"), floortest::cliText(published).constData()); // the floor did change first
        QCOMPARE(owner.exec(lastSha).rows.at(0).at(0), before); // and is back to the policy before
        QCOMPARE(policyVersion(), 1);
    }
};

QTEST_GUILESS_MAIN(TestGatewayPublish)
#include "tst_gateway_publish.moc"
