// SPDX-License-Identifier: Apache-2.0
#pragma once

// Signed policy bundles: what a gateway enforces. A bundle is a compact JWS (typ "writ-bundle+jws",
// EdDSA/ES256/RS256) whose payload carries the canonical policy text, its SHA-256, its name, the
// database deployment it was published with and when. Gateways configured with publisher keys enforce
// only bundles one of those keys signed, so neither a writable state database nor the admin API can
// make a gateway enforce a policy nobody signed.

#include "identity/jwk.h"
#include "identity/key.h"

#include <optional>
#include <string>

namespace writ::publish {

inline constexpr const char *kBundleTyp = "writ-bundle+jws";
/// Large enough for any real policy, small enough that a hostile upload is refused before it costs much.
inline constexpr std::size_t kMaxBundleBytes = 8 * 1024 * 1024;

struct BundleContent
{
    std::string policyName;
    std::string policyText;   ///< canonical YAML
    std::string sha256;       ///< hex SHA-256 of policyText
    long long deployment = 0; ///< writ.deployment version of the floor it was published with (0: none)
    long long issuedAt = 0;   ///< Unix seconds
};

struct SignedBundle
{
    BundleContent content;
    std::string compact; ///< the JWS as published
    std::string kid;     ///< the key that signed (or verified) it
};

/// Signs `content` (sha256 is computed here). nullopt with `error` on failure.
std::optional<SignedBundle> signBundle(BundleContent content, const identity::PrivateKey &key, std::string &error);

/// Verifies the signature with one of `trusted` (by kid), the typ, the payload's shape and that the
/// policy text hashes to the sha256 it claims. Does not load the policy. nullopt with `error` (a
/// sentence naming the check that failed) on failure.
std::optional<SignedBundle> verifyBundle(const std::string &compact, const identity::KeySet &trusted, std::string &error);

} // namespace writ::publish
