// SPDX-License-Identifier: Apache-2.0
#pragma once

// JSON Web Keys (RFC 7517) for the three accepted key types: OKP Ed25519 (RFC 8037), EC P-256 and
// RSA (RFC 7518 §6). Key files are JWKS documents ({"keys": [...]}), a single JWK, or a PEM public key.

#include "identity/key.h"
#include "identity/result.h"

#include <string>
#include <string_view>
#include <vector>

namespace writ::identity {

/// A key present in a JWKS that Writ will not use, and why (an encryption key, an unsupported curve,
/// a weak RSA key, ...). A token naming its kid is refused with this reason (key.unusable).
struct SkippedKey
{
    std::string kid;
    Error why;
};

struct KeySet
{
    std::vector<PublicKey> keys;
    std::vector<SkippedKey> skipped;

    const SkippedKey *findSkipped(std::string_view kid) const;
};

/// Picks the verification key for a token from one or more key sets. Refuses with key.unusable (the kid
/// names a key that was skipped, with the reason), key.kid-missing (several keys, token without kid),
/// key.unknown-kid (including keys rotated out or removed from the file) or key.none.
Result<PublicKey> selectKey(const std::vector<const KeySet *> &sets, std::string_view kid, bool tokenHasKid);

/// Bounds on key files: these are configuration, but a JWKS may come from an identity provider.
inline constexpr std::size_t kMaxKeyFileBytes = 1024 * 1024;
inline constexpr std::size_t kMaxJwksKeys = 100;

/// One JWK object. Refuses private members (d, p, q, dp, dq, qi, oth, k), `use` other than "sig",
/// `key_ops` without "verify", an `alg` the key type does not pin, unsupported types and curves, RSA
/// below 2048 bits, coordinates of the wrong length, and non-canonical base64url.
Result<PublicKey> parseJwk(std::string_view json);

/// {"keys": [...]}. Keys Writ cannot use are listed in `skipped`, not fatal (identity providers publish
/// encryption and other-algorithm keys beside signing keys); private material anywhere and duplicate
/// kids are fatal.
Result<KeySet> parseJwks(std::string_view json);

/// A key file: JWKS, a single JWK, or a PEM public key (detected from the content).
Result<KeySet> parseKeyFile(std::string_view text);

/// The public JWK as a compact JSON object with kty, crv/x/y or n/e, and kid, alg ("use": "sig").
std::string toJwk(const PublicKey &key);
std::string toJwks(const std::vector<PublicKey> &keys); ///< pretty-printed {"keys": [...]}

/// RFC 7638 JWK thumbprint (SHA-256, base64url): a kid derived from the key itself.
std::string jwkThumbprint(const PublicKey &key);

} // namespace writ::identity
