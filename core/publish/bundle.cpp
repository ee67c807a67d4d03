// SPDX-License-Identifier: Apache-2.0
#include "publish/bundle.h"

#include "compile/naming.h"
#include "identity/jws.h"

#include <nlohmann/json.hpp>

#include <chrono>

namespace writ::publish {

namespace {

identity::TokenLimits bundleLimits()
{
    identity::TokenLimits limits;
    limits.maxTokenBytes = kMaxBundleBytes;
    return limits;
}

} // namespace

std::optional<SignedBundle> signBundle(BundleContent content, const identity::PrivateKey &key, std::string &error)
{
    content.sha256 = compile::sha256Hex(content.policyText);
    if (content.issuedAt == 0)
        content.issuedAt = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    const nlohmann::json payload{{"name", content.policyName}, {"sha256", content.sha256},   {"policy", content.policyText},
                                 {"deployment", content.deployment}, {"iat", content.issuedAt}};
    auto signedText = identity::signCompact(payload.dump(), key, kBundleTyp);
    if (!signedText) {
        error = "cannot sign the bundle: " + signedText.error().toString();
        return std::nullopt;
    }
    if (signedText.value().size() > kMaxBundleBytes) {
        error = "the policy is too large for a bundle (" + std::to_string(signedText.value().size()) + " bytes signed)";
        return std::nullopt;
    }
    return SignedBundle{std::move(content), std::move(signedText.value()), key.kid()};
}

std::optional<SignedBundle> verifyBundle(const std::string &compact, const identity::KeySet &trusted, std::string &error)
{
    auto jws = identity::decodeCompact(compact, bundleLimits());
    if (!jws) {
        error = "not a signed bundle: " + jws.error().toString();
        return std::nullopt;
    }
    if (jws->header.typ != kBundleTyp) {
        error = "not a policy bundle (typ is '" + jws->header.typ + "', expected " + kBundleTyp + ")";
        return std::nullopt;
    }
    const identity::PublicKey *key = nullptr;
    for (const auto &k : trusted.keys)
        if (jws->header.hasKid && k.kid() == jws->header.kid)
            key = &k;
    if (!key) {
        error = "the bundle is signed with key '" + jws->header.kid + "', which is not among the publisher keys this gateway trusts";
        return std::nullopt;
    }
    if (auto st = identity::verifySignature(*jws, *key); !st) {
        error = "the bundle's signature does not verify: " + st.error().toString();
        return std::nullopt;
    }
    const auto payload = nlohmann::json::parse(jws->payload, nullptr, false);
    if (!payload.is_object() || !payload.contains("policy") || !payload["policy"].is_string() || !payload.contains("sha256")
        || !payload["sha256"].is_string() || !payload.contains("name") || !payload["name"].is_string()) {
        error = "the bundle's payload is not a Writ policy bundle (policy, sha256 and name are required)";
        return std::nullopt;
    }
    SignedBundle b;
    b.compact = compact;
    b.kid = key->kid();
    b.content.policyName = payload["name"].get<std::string>();
    b.content.policyText = payload["policy"].get<std::string>();
    b.content.sha256 = payload["sha256"].get<std::string>();
    b.content.deployment = payload.value("deployment", 0LL);
    b.content.issuedAt = payload.value("iat", 0LL);
    if (compile::sha256Hex(b.content.policyText) != b.content.sha256) {
        error = "the bundle's policy does not match its sha256";
        return std::nullopt;
    }
    return b;
}

} // namespace writ::publish
