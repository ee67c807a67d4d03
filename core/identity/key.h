// SPDX-License-Identifier: Apache-2.0
#pragma once

// Signature keys as OpenSSL 3 EVP_PKEY handles behind small value types. Each key pins exactly one
// JWS algorithm (RFC 8725 §3.1): an Ed25519 key verifies EdDSA only, a P-256 key ES256 only, an RSA key
// RS256 only — the token's `alg` header never chooses how a key is used, it can only agree.

#include "identity/result.h"

#include <memory>
#include <optional>
#include <string>
#include <string_view>

struct evp_pkey_st; // OpenSSL's EVP_PKEY, kept out of this header

namespace writ::identity {

enum class Algorithm { EdDSA, ES256, RS256 };

/// The JWS `alg` name ("EdDSA", "ES256", "RS256").
const char *algorithmName(Algorithm a);
/// Exact, case-sensitive match of a JWS `alg` name (RFC 7515 §4.1.1); nullopt for anything else.
std::optional<Algorithm> parseAlgorithm(std::string_view name);

enum class KeyType { Ed25519, EcP256, Rsa };

const char *keyTypeName(KeyType t); ///< "Ed25519", "EC P-256", "RSA"
Algorithm algorithmFor(KeyType t);

/// RSA keys outside these bounds are refused: below 2048 bits is too weak (RFC 7518 §3.3, NIST
/// SP 800-131A); above 8192 bits only makes verification slow (a cheap denial of service).
inline constexpr int kMinRsaBits = 2048;
inline constexpr int kMaxRsaBits = 8192;

/// A verification key. Copies share the same immutable OpenSSL key.
class PublicKey
{
public:
    /// 32-byte raw Ed25519 public key (RFC 8032).
    static Result<PublicKey> fromEd25519(std::string_view raw);
    /// P-256 affine coordinates, 32 bytes each, big-endian; the point must lie on the curve.
    static Result<PublicKey> fromEcP256(std::string_view x, std::string_view y);
    /// Big-endian modulus and public exponent; 2048 to 8192 bits, odd exponent of at most 64 bits.
    static Result<PublicKey> fromRsa(std::string_view n, std::string_view e);
    /// One SubjectPublicKeyInfo PEM block ("-----BEGIN PUBLIC KEY-----") holding one of the three key types.
    static Result<PublicKey> fromPem(std::string_view pem);

    KeyType type() const { return m_type; }
    Algorithm algorithm() const { return algorithmFor(m_type); }
    int bits() const;

    /// The JWK `kid`: a lookup name only, never a path or a URL. Empty when the key has none.
    const std::string &kid() const { return m_kid; }
    void setKid(std::string kid) { m_kid = std::move(kid); }

    /// Public parameters as big-endian bytes: Ed25519 {x}, P-256 {x, y} (32 bytes each), RSA {n, e}.
    struct Params
    {
        std::string x, y, n, e;
    };
    Params params() const;

    std::string toPem() const;

    /// Same key material (the kid is not compared).
    bool sameKeyAs(const PublicKey &other) const;

    evp_pkey_st *native() const { return m_key.get(); }

private:
    PublicKey(std::shared_ptr<evp_pkey_st> key, KeyType type)
        : m_key(std::move(key))
        , m_type(type)
    { }
    static Result<PublicKey> adopt(evp_pkey_st *key, std::string_view source);
    friend class PrivateKey;

    std::shared_ptr<evp_pkey_st> m_key;
    KeyType m_type = KeyType::Ed25519;
    std::string m_kid;
};

/// A signing key: Writ's task-credential key (Ed25519) or a development issuer's key.
class PrivateKey
{
public:
    /// A fresh key from OpenSSL's CSPRNG. `rsaBits` applies to RSA only.
    static Result<PrivateKey> generate(KeyType type, int rsaBits = 2048);
    /// PKCS#8 ("BEGIN PRIVATE KEY") or the traditional EC/RSA forms. Encrypted keys are refused
    /// rather than prompting for a passphrase.
    static Result<PrivateKey> fromPem(std::string_view pem);
    /// The 32-byte Ed25519 private key (the RFC 8032 seed, JWK `d`).
    static Result<PrivateKey> fromEd25519Seed(std::string_view seed);

    KeyType type() const { return m_type; }
    Algorithm algorithm() const { return algorithmFor(m_type); }
    const std::string &kid() const { return m_kid; }
    void setKid(std::string kid) { m_kid = std::move(kid); }

    /// The matching public key, carrying the same kid.
    PublicKey publicKey() const;
    /// Unencrypted PKCS#8 PEM. Write it only to a file of mode 0600.
    std::string toPem() const;

    evp_pkey_st *native() const { return m_key.get(); }

private:
    PrivateKey(std::shared_ptr<evp_pkey_st> key, KeyType type)
        : m_key(std::move(key))
        , m_type(type)
    { }
    static Result<PrivateKey> adopt(evp_pkey_st *key, std::string_view source);

    std::shared_ptr<evp_pkey_st> m_key;
    KeyType m_type = KeyType::Ed25519;
    std::string m_kid;
};

} // namespace writ::identity
