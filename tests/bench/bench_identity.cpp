// SPDX-License-Identifier: Apache-2.0
// What one token costs the gateway: the full Verifier (decode, header rules, claims, key lookup,
// signature, claim checks) per algorithm, the bare signature check, and issuing a task credential.
// Run: bench_identity --benchmark_min_time=1
#include "identity/jwk.h"
#include "identity/jws.h"
#include "identity/key.h"
#include "identity/task_credential.h"
#include "identity/verifier.h"

#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdlib>
#include <iostream>

namespace id = writ::identity;

namespace {

constexpr std::int64_t kNow = 1700000000;

id::Clock fixedClock()
{
    return [] { return std::chrono::system_clock::time_point(std::chrono::seconds(kNow)); };
}

template<class T>
T must(id::Result<T> r)
{
    if (!r) {
        std::cerr << r.error().toString() << "\n";
        std::abort();
    }
    return std::move(r).value();
}

struct Fixture
{
    id::PrivateKey key;
    std::string token;
    std::unique_ptr<id::Verifier> verifier;

    explicit Fixture(id::KeyType type)
        : key(must(id::PrivateKey::generate(type)))
    {
        key.setKid("bench-key");
        // A typical OIDC ID token: a dozen claims, about 400 bytes of payload.
        const std::string claims
            = R"({"iss":"https://idp.example.com","sub":"spiffe-agent-support-summarizer","aud":"writ-gateway",)"
              R"("iat":1699999990,"exp":1700000290,"nbf":1699999990,"jti":"3b4c1e5a-9f0d-4c57-8a7e-1f2e3d4c5b6a",)"
              R"("azp":"support-summarizer","email":"agent@example.com","groups":["agents","support"],)"
              R"("auth_time":1699999990,"nonce":"n-0S6_WzA2Mj"})";
        token = must(id::signCompact(claims, key));
        id::VerifierOptions opts;
        opts.clock = fixedClock();
        opts.reloadInterval = std::chrono::hours(1); // the file check is measured separately from the crypto
        verifier = std::make_unique<id::Verifier>(opts);
        id::TrustEntry e;
        e.issuer = "https://idp.example.com";
        e.audience = "writ-gateway";
        e.keys.keys = {key.publicKey()};
        // Two more keys in the set, as during a rotation.
        for (int i = 0; i < 2; ++i) {
            auto other = must(id::PrivateKey::generate(id::KeyType::Ed25519));
            other.setKid("other-" + std::to_string(i));
            e.keys.keys.push_back(other.publicKey());
        }
        if (!verifier->addTrustEntry(e))
            std::abort();
        if (!verifier->verify(token))
            std::abort();
    }
};

Fixture &fixture(id::KeyType type)
{
    static Fixture ed(id::KeyType::Ed25519), ec(id::KeyType::EcP256), rsa(id::KeyType::Rsa);
    return type == id::KeyType::Ed25519 ? ed : type == id::KeyType::EcP256 ? ec : rsa;
}

void verifyToken(benchmark::State &state, id::KeyType type)
{
    Fixture &f = fixture(type);
    for (auto _ : state) {
        auto r = f.verifier->verify(f.token);
        benchmark::DoNotOptimize(r);
    }
    state.SetLabel(std::to_string(f.token.size()) + "-byte token");
}

void signatureOnly(benchmark::State &state, id::KeyType type)
{
    Fixture &f = fixture(type);
    const auto jws = must(id::decodeCompact(f.token));
    const id::PublicKey pub = f.key.publicKey();
    for (auto _ : state) {
        auto st = id::verifySignature(jws, pub);
        benchmark::DoNotOptimize(st);
    }
}

void decodeOnly(benchmark::State &state)
{
    Fixture &f = fixture(id::KeyType::Ed25519);
    for (auto _ : state) {
        auto jws = id::decodeCompact(f.token);
        auto claims = id::parseClaims(jws->payload);
        benchmark::DoNotOptimize(claims);
    }
}

void refuseAlgNone(benchmark::State &state)
{
    // How cheaply a forged token is turned away (no cryptography runs).
    Fixture &f = fixture(id::KeyType::Ed25519);
    const std::string forged
        = "eyJhbGciOiJub25lIn0." + f.token.substr(f.token.find('.') + 1, f.token.rfind('.') - f.token.find('.'));
    for (auto _ : state) {
        auto r = f.verifier->verify(forged);
        benchmark::DoNotOptimize(r);
    }
}

void issueTaskCredential(benchmark::State &state)
{
    auto key = must(id::PrivateKey::generate(id::KeyType::Ed25519));
    key.setKid("task-1");
    const id::TaskCredentialIssuer issuer(must(id::TaskKeyRing::create(key)), "writ", "writ-gateway", fixedClock());
    id::TaskCredentialRequest req;
    req.agent = "support-summarizer";
    req.taskId = "7f6c2a9e-0d1b-4f7e-9a55-1c2b3d4e5f60";
    req.taskType = "summarize-tickets";
    req.contextDigest = id::contextDigest({{"customer_id", "42"}});
    req.environment = "prod";
    req.workflowId = "wf-123";
    for (auto _ : state) {
        auto t = issuer.issue(req);
        benchmark::DoNotOptimize(t);
    }
}

void verifyTaskCredential(benchmark::State &state)
{
    auto key = must(id::PrivateKey::generate(id::KeyType::Ed25519));
    key.setKid("task-1");
    const id::TaskCredentialIssuer issuer(must(id::TaskKeyRing::create(key)), "writ", "writ-gateway", fixedClock());
    id::TaskCredentialRequest req;
    req.agent = "support-summarizer";
    req.taskId = "7f6c2a9e-0d1b-4f7e-9a55-1c2b3d4e5f60";
    req.taskType = "summarize-tickets";
    req.contextDigest = id::contextDigest({{"customer_id", "42"}});
    req.environment = "prod";
    const std::string token = must(issuer.issue(req));
    const id::TaskCredentialVerifier verifier({"writ", "writ-gateway"}, issuer.keys().verificationKeys(), fixedClock());
    for (auto _ : state) {
        auto c = verifier.verify(token, req.contextDigest);
        benchmark::DoNotOptimize(c);
    }
}

} // namespace

BENCHMARK_CAPTURE(verifyToken, EdDSA, id::KeyType::Ed25519);
BENCHMARK_CAPTURE(verifyToken, ES256, id::KeyType::EcP256);
BENCHMARK_CAPTURE(verifyToken, RS256, id::KeyType::Rsa);
BENCHMARK_CAPTURE(signatureOnly, EdDSA, id::KeyType::Ed25519);
BENCHMARK_CAPTURE(signatureOnly, ES256, id::KeyType::EcP256);
BENCHMARK_CAPTURE(signatureOnly, RS256, id::KeyType::Rsa);
BENCHMARK(decodeOnly);
BENCHMARK(refuseAlgNone);
BENCHMARK(issueTaskCredential);
BENCHMARK(verifyTaskCredential);

BENCHMARK_MAIN();
