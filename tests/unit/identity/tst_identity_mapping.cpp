// SPDX-License-Identifier: Apache-2.0
// From a verified workload token to the policy agent it speaks for, end to end with the demo policy.
#include "identity_test_support.h"

#include "identity/agent_mapping.h"
#include "identity/verifier.h"
#include "policy/policy_loader.h"

#include <QtTest>

using namespace writ::identity;
using namespace idtest;
namespace policy = writ::policy;

namespace {

policy::Identity spiffe(const std::string &id)
{
    policy::Identity i;
    i.kind = policy::Identity::Kind::Spiffe;
    i.spiffeId = id;
    return i;
}

policy::Identity oidc(const std::string &issuer, const std::string &subject)
{
    policy::Identity i;
    i.kind = policy::Identity::Kind::Oidc;
    i.issuer = issuer;
    i.subject = subject;
    return i;
}

VerifiedIdentity verified(TrustEntry::Kind kind, const std::string &issuer, const std::string &subject)
{
    VerifiedIdentity v;
    v.kind = kind;
    v.issuer = issuer;
    v.subject = subject;
    return v;
}

} // namespace

class TestIdentityMapping : public QObject
{
    Q_OBJECT

private:
    policy::Policy m_policy;

private slots:
    void initTestCase()
    {
        m_policy.name = "test";
        policy::Agent a;
        a.id = "summarizer";
        a.identities = {spiffe("spiffe://example.com/agents/summarizer")};
        policy::Agent b;
        b.id = "refund-bot";
        b.identities = {spiffe("spiffe://example.com/agents/other"), oidc("https://auth.example.com", "refund-bot")};
        m_policy.agents = {a, b};
    }

    void spiffeIdMapsToItsAgent()
    {
        const auto m = mapToAgent(m_policy, verified(TrustEntry::Kind::Spiffe, "", "spiffe://example.com/agents/summarizer"));
        QVERIFY(m.ok());
        QCOMPARE(m->agentId, std::string("summarizer"));
    }

    void oidcIssuerAndSubjectMapToTheirAgent()
    {
        const auto m = mapToAgent(m_policy, verified(TrustEntry::Kind::Oidc, "https://auth.example.com", "refund-bot"));
        QVERIFY(m.ok());
        QCOMPARE(m->agentId, std::string("refund-bot"));
        QCOMPARE(m->identityIndex, std::size_t(1));
    }

    void nearMissesDoNotMap_data()
    {
        QTest::addColumn<int>("kind");
        QTest::addColumn<QString>("issuer");
        QTest::addColumn<QString>("subject");
        QTest::newRow("spiffe path prefix") << int(TrustEntry::Kind::Spiffe) << ""
                                            << "spiffe://example.com/agents/summarizer/x";
        QTest::newRow("spiffe other domain") << int(TrustEntry::Kind::Spiffe) << ""
                                             << "spiffe://example.org/agents/summarizer";
        QTest::newRow("oidc right subject, other issuer") << int(TrustEntry::Kind::Oidc) << "https://evil.example.com"
                                                          << "refund-bot";
        QTest::newRow("oidc issuer with trailing slash") << int(TrustEntry::Kind::Oidc) << "https://auth.example.com/"
                                                         << "refund-bot";
        QTest::newRow("oidc subject case") << int(TrustEntry::Kind::Oidc) << "https://auth.example.com"
                                           << "Refund-Bot";
        // An OIDC token whose subject happens to be a SPIFFE ID does not borrow a SPIFFE identity.
        QTest::newRow("oidc subject shaped like spiffe") << int(TrustEntry::Kind::Oidc) << "https://auth.example.com"
                                                         << "spiffe://example.com/agents/summarizer";
    }

    void nearMissesDoNotMap()
    {
        QFETCH(int, kind);
        QFETCH(QString, issuer);
        QFETCH(QString, subject);
        const auto m = mapToAgent(m_policy, verified(TrustEntry::Kind(kind), issuer.toStdString(), subject.toStdString()));
        QCOMPARE_REASON(m, Reason::NoAgent);
    }

    void twoAgentsWithOneIdentityIsAmbiguous()
    {
        policy::Policy p = m_policy;
        policy::Agent copy = p.agents.front();
        copy.id = "impostor";
        p.agents.push_back(copy);
        QCOMPARE_REASON(mapToAgent(p, verified(TrustEntry::Kind::Spiffe, "", "spiffe://example.com/agents/summarizer")),
            Reason::AmbiguousAgent);
    }

    void demoPolicyEndToEnd()
    {
        const auto loaded = policy::loadPolicyFile(WRIT_SOURCE_DIR "/resources/demo/supportdesk.writ.yaml");
        QVERIFY(loaded.ok());
        const PrivateKey spire = generated(KeyType::EcP256, "spire");
        const PrivateKey idp = generated(KeyType::Rsa, "idp");
        VerifierOptions opts;
        opts.clock = fixedClock();
        Verifier v(opts);
        TrustEntry s;
        s.kind = TrustEntry::Kind::Spiffe;
        s.trustDomain = "example.com";
        s.audience = "writ";
        s.keys.keys = {spire.publicKey()};
        QVERIFY(v.addTrustEntry(s).ok());
        TrustEntry o;
        o.issuer = "https://auth.example.com";
        o.audience = "writ";
        o.keys.keys = {idp.publicKey()};
        QVERIFY(v.addTrustEntry(o).ok());

        const QJsonObject base {{"aud", "writ"}, {"iat", double(kNow)}, {"exp", double(kNow + 120)}};
        QJsonObject svid = base;
        svid.insert("sub", "spiffe://example.com/agents/support-summarizer");
        const auto a = v.verify(sign(spire, headerFor(spire), idtest::json(svid)));
        QVERIFY2(a.ok(), a.ok() ? "" : a.error().toString().c_str());
        const auto ma = mapToAgent(loaded.policy, *a);
        QVERIFY2(ma.ok(), ma.ok() ? "" : ma.error().toString().c_str());
        QCOMPARE(ma->agentId, std::string("support-summarizer"));

        QJsonObject id = base;
        id.insert("iss", "https://auth.example.com");
        id.insert("sub", "refund-bot");
        const auto b = v.verify(sign(idp, headerFor(idp), idtest::json(id)));
        QVERIFY2(b.ok(), b.ok() ? "" : b.error().toString().c_str());
        const auto mb = mapToAgent(loaded.policy, *b);
        QVERIFY(mb.ok());
        QCOMPARE(mb->agentId, std::string("refund-bot"));

        svid.insert("sub", "spiffe://example.com/agents/unknown-agent");
        const auto c = v.verify(sign(spire, headerFor(spire), idtest::json(svid)));
        QVERIFY(c.ok()); // a valid token...
        const auto mc = mapToAgent(loaded.policy, *c);
        QCOMPARE_REASON(mc, Reason::NoAgent); // ...for nobody the policy knows
        QVERIFY(mc.error().message.find("unknown-agent") != std::string::npos);
    }
};

QTEST_GUILESS_MAIN(TestIdentityMapping)
#include "tst_identity_mapping.moc"
