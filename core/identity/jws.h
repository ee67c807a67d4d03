// SPDX-License-Identifier: Apache-2.0
#pragma once

// Compact JWS (RFC 7515 §7.1): split, decode, check the protected header, verify, sign. Decoding never
// trusts anything; only verifySignature() says a key vouches for the bytes.

#include "identity/key.h"
#include "identity/limits.h"
#include "identity/result.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace writ::identity {

/// The protected header's members Writ reads. Unknown members are ignored as RFC 7515 §4 requires,
/// except the dangerous ones, which checkHeader() refuses.
struct JoseHeader
{
    std::string alg;
    std::string kid;
    bool hasKid = false;
    std::string typ;
    std::string cty;
    std::vector<std::string> crit; ///< present = refused: Writ understands no extension
    std::vector<std::string> keyReferences; ///< jku, x5u, jwk, x5c found in the header
    bool hasB64 = false; ///< RFC 7797 unencoded payload: refused
};

/// A compact JWS taken apart but not verified.
struct DecodedJws
{
    std::string headerJson; ///< the decoded protected header, as received
    std::string payload; ///< the decoded payload bytes (for a JWT, the claims JSON)
    std::string signingInput; ///< ASCII(BASE64URL(header) '.' BASE64URL(payload)), what the signature covers
    std::string signature; ///< the decoded signature bytes
    JoseHeader header;
};

/// Structure only: size, exactly three segments, strict base64url in each, a header that is one JSON
/// object without duplicate members and within `limits`, `alg` a string. Does not judge the header.
Result<DecodedJws> splitCompact(std::string_view token, const TokenLimits &limits = {});

/// The header rules of RFC 8725 §3.1–3.2 and RFC 7515 §4.1.11: refuses alg "none" (in any case), HMAC
/// algorithms, any algorithm other than EdDSA/ES256/RS256, `crit`, `b64`, and the key-carrying or
/// key-fetching headers jku, x5u, jwk, x5c (a token must never choose its own verification key).
Status checkHeader(const JoseHeader &header);

/// splitCompact() followed by checkHeader().
Result<DecodedJws> decodeCompact(std::string_view token, const TokenLimits &limits = {});

/// Verifies the signature with `key`. The key pins the algorithm: a header `alg` naming another one is
/// refused (header.alg-key-mismatch) before any cryptography. ES256 signatures must be the 64-byte
/// R||S form of RFC 7518 §3.4 (DER is refused); RS256 signatures must be exactly the modulus length.
Status verifySignature(const DecodedJws &jws, const PublicKey &key);

/// Signs `payload` under the exact header text given (for known-answer tests and tools that need a
/// byte-exact header). The header's alg must be the key's algorithm.
Result<std::string> signCompactRaw(std::string_view headerJson, std::string_view payload, const PrivateKey &key);

/// Signs `payload` with a header {"alg", "kid" (when the key has one), "typ" (when given)}.
Result<std::string> signCompact(std::string_view payload, const PrivateKey &key, std::string_view typ = "JWT");

} // namespace writ::identity
