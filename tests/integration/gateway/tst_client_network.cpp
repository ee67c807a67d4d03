// SPDX-License-Identifier: Apache-2.0
// CIDR checks for TLS exemptions and agents' network lists.

#include "gateway/session/client_network.h"
#include "policy/policy_loader.h"

#include <QtTest>

using namespace writ::gateway;

class TestClientNetwork : public QObject
{
    Q_OBJECT

private slots:
    void cidrMatching_data()
    {
        QTest::addColumn<QString>("address");
        QTest::addColumn<QString>("cidr");
        QTest::addColumn<bool>("inside");
        QTest::newRow("v4 inside") << "10.20.3.4" << "10.20.0.0/16" << true;
        QTest::newRow("v4 outside") << "10.21.3.4" << "10.20.0.0/16" << false;
        QTest::newRow("v4 /32") << "192.168.1.1" << "192.168.1.1/32" << true;
        QTest::newRow("v4 single address") << "192.168.1.1" << "192.168.1.1" << true;
        QTest::newRow("v4 /0") << "8.8.8.8" << "0.0.0.0/0" << true;
        QTest::newRow("odd prefix") << "10.0.0.129" << "10.0.0.128/25" << true;
        QTest::newRow("odd prefix outside") << "10.0.0.127" << "10.0.0.128/25" << false;
        QTest::newRow("v6 inside") << "fd00::1" << "fd00::/8" << true;
        QTest::newRow("v6 outside") << "fe80::1" << "fd00::/8" << false;
        QTest::newRow("mapped v4") << "::ffff:10.20.0.9" << "10.20.0.0/16" << true;
        QTest::newRow("family mismatch") << "10.0.0.1" << "::/0" << false;
        QTest::newRow("bad prefix") << "10.0.0.1" << "10.0.0.0/33" << false;
        QTest::newRow("garbage address") << "not-an-ip" << "0.0.0.0/0" << false;
        QTest::newRow("garbage cidr") << "10.0.0.1" << "10.0.0.0/x" << false;
    }

    void cidrMatching()
    {
        QFETCH(QString, address);
        QFETCH(QString, cidr);
        QFETCH(bool, inside);
        QCOMPARE(inCidr(address.toStdString(), cidr.toStdString()), inside);
    }

    void clientAddressesSplitFromTheirPort()
    {
        QCOMPARE(addressOf("10.1.2.3:5555"), std::string("10.1.2.3"));
        QCOMPARE(addressOf("[::1]:5555"), std::string("::1"));
        QCOMPARE(addressOf("::1:5555"), std::string("::1"));
    }

    void tlsExemptions()
    {
        TlsConfig tls;
        QVERIFY(tlsExempt("127.0.0.1:4000", tls));
        QVERIFY(tlsExempt("::1:4000", tls));
        QVERIFY(!tlsExempt("10.0.0.5:4000", tls));
        tls.exemptNetworks = {"10.0.0.0/24"};
        QVERIFY(tlsExempt("10.0.0.5:4000", tls));
        tls.loopbackExempt = false;
        QVERIFY(!tlsExempt("127.0.0.1:4000", tls));
    }

    void agentNetworksFromThePolicy()
    {
        const auto loaded = writ::policy::loadPolicyFile(WRIT_SOURCE_DIR "/resources/demo/supportdesk.writ.yaml");
        QVERIFY(!loaded.diagnostics.hasErrors());
        // refund-bot may connect only from 10.20.0.0/16; the summarizer from anywhere.
        QVERIFY(!networkProblem(loaded.policy, "refund-bot", "10.20.1.1:3000"));
        const auto problem = networkProblem(loaded.policy, "refund-bot", "192.168.0.1:3000");
        QVERIFY(problem);
        QVERIFY2(problem->find("10.20.0.0/16") != std::string::npos, problem->c_str());
        QVERIFY(!networkProblem(loaded.policy, "support-summarizer", "192.168.0.1:3000"));
        QVERIFY(networkProblem(loaded.policy, "nobody", "127.0.0.1:1"));
    }
};

QTEST_GUILESS_MAIN(TestClientNetwork)
#include "tst_client_network.moc"
