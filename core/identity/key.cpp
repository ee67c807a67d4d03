// SPDX-License-Identifier: Apache-2.0
#include "identity/key.h"
#include "identity/json_util.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <cstring>

namespace writ::identity {

namespace {

using detail::opensslError;

struct BioFree
{
    void operator()(BIO *b) const { BIO_free(b); }
};
struct BnFree
{
    void operator()(BIGNUM *b) const { BN_free(b); }
};
struct CtxFree
{
    void operator()(EVP_PKEY_CTX *c) const { EVP_PKEY_CTX_free(c); }
};
struct ParamBldFree
{
    void operator()(OSSL_PARAM_BLD *b) const { OSSL_PARAM_BLD_free(b); }
};
struct ParamFree
{
    void operator()(OSSL_PARAM *p) const { OSSL_PARAM_free(p); }
};
using BioPtr = std::unique_ptr<BIO, BioFree>;
using BnPtr = std::unique_ptr<BIGNUM, BnFree>;
using CtxPtr = std::unique_ptr<EVP_PKEY_CTX, CtxFree>;

std::shared_ptr<evp_pkey_st> own(EVP_PKEY *k)
{
    return std::shared_ptr<evp_pkey_st>(k, [](EVP_PKEY *p) { EVP_PKEY_free(p); });
}

BioPtr memBio(std::string_view text)
{
    return BioPtr(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())));
}

std::string bioText(BIO *bio)
{
    char *data = nullptr;
    const long n = BIO_get_mem_data(bio, &data);
    return n > 0 ? std::string(data, static_cast<std::size_t>(n)) : std::string();
}

// The passphrase callback: never prompt (a gateway has no terminal, and a CLI must not hang in CI).
int noPassphrase(char *, int, int, void *)
{
    return -1;
}

std::string bnBytes(const EVP_PKEY *k, const char *name, int padTo = 0)
{
    BIGNUM *raw = nullptr;
    if (EVP_PKEY_get_bn_param(k, name, &raw) != 1)
        return {};
    BnPtr bn(raw);
    const int size = padTo > 0 ? padTo : BN_num_bytes(bn.get());
    std::string out(static_cast<std::size_t>(size), '\0');
    if (padTo > 0)
        BN_bn2binpad(bn.get(), reinterpret_cast<unsigned char *>(out.data()), padTo);
    else
        BN_bn2bin(bn.get(), reinterpret_cast<unsigned char *>(out.data()));
    return out;
}

/// Which of the three accepted kinds `k` is, with every bound checked; anything else is refused.
Result<KeyType> classify(const EVP_PKEY *k, std::string_view source)
{
    const std::string where = source.empty() ? std::string() : std::string(source) + ": ";
    if (EVP_PKEY_is_a(k, "ED25519"))
        return KeyType::Ed25519;
    if (EVP_PKEY_is_a(k, "EC")) {
        char group[64] = {};
        std::size_t len = 0;
        if (EVP_PKEY_get_utf8_string_param(k, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group, &len) != 1) {
            ERR_clear_error();
            return makeError(
                Reason::JwkUnsupported, where + "EC key with explicit curve parameters; only the named curve P-256 is accepted");
        }
        if (std::strcmp(group, "prime256v1") != 0)
            return makeError(Reason::JwkUnsupported, where + "EC key on curve " + group + "; only P-256 (ES256) is accepted");
        return KeyType::EcP256;
    }
    if (EVP_PKEY_is_a(k, "RSA")) {
        const int bits = EVP_PKEY_get_bits(k);
        if (bits < kMinRsaBits)
            return makeError(Reason::JwkWeak,
                where + "RSA key has " + std::to_string(bits) + " bits; at least " + std::to_string(kMinRsaBits)
                    + " are required (RFC 7518 §3.3)");
        if (bits > kMaxRsaBits)
            return makeError(Reason::JwkUnsupported,
                where + "RSA key has " + std::to_string(bits) + " bits; at most " + std::to_string(kMaxRsaBits)
                    + " are accepted");
        const std::string e = bnBytes(k, OSSL_PKEY_PARAM_RSA_E);
        if (e.empty() || e.size() > 8 || (static_cast<unsigned char>(e.back()) & 1) == 0
            || (e.size() == 1 && static_cast<unsigned char>(e[0]) < 3))
            return makeError(Reason::JwkInvalid, where + "RSA public exponent must be odd, at least 3 and at most 64 bits");
        return KeyType::Rsa;
    }
    const char *name = EVP_PKEY_get0_type_name(k);
    return makeError(Reason::JwkUnsupported,
        where + "key type " + (name ? name : "unknown") + " is not accepted; use Ed25519, EC P-256 or RSA (2048 bits or more)");
}

/// OpenSSL's own public-key validation: point on the curve and not the identity, RSA modulus sanity.
Status publicCheck(EVP_PKEY *k, KeyType type)
{
    if (type == KeyType::Ed25519)
        return Ok {}; // any 32-byte string decodes or fails inside the verify itself
    CtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, k, nullptr));
    if (!ctx || EVP_PKEY_public_check(ctx.get()) != 1)
        return makeError(Reason::JwkInvalid,
            opensslError(
                type == KeyType::EcP256 ? "the EC point is not a valid P-256 public key" : "the RSA public key is invalid"));
    return Ok {};
}

Result<EVP_PKEY *> fromData(const char *keyType, OSSL_PARAM_BLD *bld)
{
    std::unique_ptr<OSSL_PARAM, ParamFree> params(OSSL_PARAM_BLD_to_param(bld));
    CtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, keyType, nullptr));
    EVP_PKEY *key = nullptr;
    if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1
        || EVP_PKEY_fromdata(ctx.get(), &key, EVP_PKEY_PUBLIC_KEY, params.get()) != 1 || !key)
        return makeError(Reason::JwkInvalid, opensslError(std::string("OpenSSL refused the ") + keyType + " public key"));
    return key;
}

} // namespace

const char *algorithmName(Algorithm a)
{
    switch (a) {
    case Algorithm::EdDSA:
        return "EdDSA";
    case Algorithm::ES256:
        return "ES256";
    case Algorithm::RS256:
        return "RS256";
    }
    return "?";
}

std::optional<Algorithm> parseAlgorithm(std::string_view name)
{
    if (name == "EdDSA")
        return Algorithm::EdDSA;
    if (name == "ES256")
        return Algorithm::ES256;
    if (name == "RS256")
        return Algorithm::RS256;
    return std::nullopt;
}

const char *keyTypeName(KeyType t)
{
    switch (t) {
    case KeyType::Ed25519:
        return "Ed25519";
    case KeyType::EcP256:
        return "EC P-256";
    case KeyType::Rsa:
        return "RSA";
    }
    return "?";
}

Algorithm algorithmFor(KeyType t)
{
    switch (t) {
    case KeyType::Ed25519:
        return Algorithm::EdDSA;
    case KeyType::EcP256:
        return Algorithm::ES256;
    case KeyType::Rsa:
        return Algorithm::RS256;
    }
    return Algorithm::EdDSA;
}

// ---- PublicKey ----

Result<PublicKey> PublicKey::adopt(EVP_PKEY *key, std::string_view source)
{
    auto owned = own(key);
    Result<KeyType> type = classify(key, source);
    if (!type)
        return type.error();
    if (Status st = publicCheck(key, *type); !st)
        return st.error();
    return PublicKey(std::move(owned), *type);
}

Result<PublicKey> PublicKey::fromEd25519(std::string_view raw)
{
    if (raw.size() != 32)
        return makeError(Reason::JwkInvalid, "an Ed25519 public key is 32 bytes, not " + std::to_string(raw.size()));
    EVP_PKEY *k = EVP_PKEY_new_raw_public_key_ex(
        nullptr, "ED25519", nullptr, reinterpret_cast<const unsigned char *>(raw.data()), raw.size());
    if (!k)
        return makeError(Reason::JwkInvalid, opensslError("OpenSSL refused the Ed25519 public key"));
    return adopt(k, {});
}

Result<PublicKey> PublicKey::fromEcP256(std::string_view x, std::string_view y)
{
    if (x.size() != 32 || y.size() != 32)
        return makeError(Reason::JwkInvalid,
            "P-256 coordinates are 32 bytes each (RFC 7518 §6.2.1.2: full length, "
            "leading zeros kept); got "
                + std::to_string(x.size()) + " and " + std::to_string(y.size()));
    std::string point;
    point.reserve(65);
    point += '\x04'; // uncompressed SEC1 point
    point += x;
    point += y;
    std::unique_ptr<OSSL_PARAM_BLD, ParamBldFree> bld(OSSL_PARAM_BLD_new());
    if (!bld || OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0) != 1
        || OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size()) != 1)
        return makeError(Reason::Crypto, opensslError("could not build EC parameters"));
    Result<EVP_PKEY *> k = fromData("EC", bld.get());
    if (!k)
        return makeError(Reason::JwkInvalid, "the point (x, y) is not on the P-256 curve: " + k.error().message);
    return adopt(*k, {});
}

Result<PublicKey> PublicKey::fromRsa(std::string_view n, std::string_view e)
{
    // Bound the work before OpenSSL sees the numbers.
    if (n.size() > static_cast<std::size_t>(kMaxRsaBits / 8) + 1)
        return makeError(Reason::JwkUnsupported,
            "RSA modulus of " + std::to_string(n.size() * 8) + " bits; at most " + std::to_string(kMaxRsaBits) + " are accepted");
    if (e.empty() || e.size() > 8)
        return makeError(Reason::JwkInvalid, "RSA public exponent must be 1 to 8 bytes long");
    BnPtr bn(BN_bin2bn(reinterpret_cast<const unsigned char *>(n.data()), static_cast<int>(n.size()), nullptr));
    BnPtr be(BN_bin2bn(reinterpret_cast<const unsigned char *>(e.data()), static_cast<int>(e.size()), nullptr));
    if (!bn || !be)
        return makeError(Reason::Crypto, opensslError("could not read RSA parameters"));
    if (BN_num_bits(bn.get()) < kMinRsaBits)
        return makeError(Reason::JwkWeak,
            "RSA key has " + std::to_string(BN_num_bits(bn.get())) + " bits; at least " + std::to_string(kMinRsaBits)
                + " are required (RFC 7518 §3.3)");
    std::unique_ptr<OSSL_PARAM_BLD, ParamBldFree> bld(OSSL_PARAM_BLD_new());
    if (!bld || OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_N, bn.get()) != 1
        || OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_E, be.get()) != 1)
        return makeError(Reason::Crypto, opensslError("could not build RSA parameters"));
    Result<EVP_PKEY *> k = fromData("RSA", bld.get());
    if (!k)
        return k.error();
    return adopt(*k, {});
}

Result<PublicKey> PublicKey::fromPem(std::string_view pem)
{
    BioPtr bio = memBio(pem);
    EVP_PKEY *k = bio ? PEM_read_bio_PUBKEY(bio.get(), nullptr, noPassphrase, nullptr) : nullptr;
    if (!k) {
        ERR_clear_error();
        if (pem.find("PRIVATE KEY-----") != std::string_view::npos)
            return makeError(Reason::JwkPrivateMaterial,
                "this PEM holds a private key; a verifier needs only the public key (openssl pkey -pubout)");
        if (pem.find("-----BEGIN RSA PUBLIC KEY-----") != std::string_view::npos)
            return makeError(Reason::PemInvalid,
                "PKCS#1 \"RSA PUBLIC KEY\" PEM is not accepted; convert it to "
                "SubjectPublicKeyInfo (\"PUBLIC KEY\") with openssl pkey -pubin -pubout");
        return makeError(Reason::PemInvalid, "no valid \"-----BEGIN PUBLIC KEY-----\" PEM block found");
    }
    return adopt(k, "PEM public key");
}

int PublicKey::bits() const
{
    return EVP_PKEY_get_bits(m_key.get());
}

PublicKey::Params PublicKey::params() const
{
    Params p;
    EVP_PKEY *k = m_key.get();
    switch (m_type) {
    case KeyType::Ed25519: {
        unsigned char buf[32];
        std::size_t len = sizeof buf;
        if (EVP_PKEY_get_raw_public_key(k, buf, &len) == 1)
            p.x.assign(reinterpret_cast<const char *>(buf), len);
        break;
    }
    case KeyType::EcP256:
        p.x = bnBytes(k, OSSL_PKEY_PARAM_EC_PUB_X, 32);
        p.y = bnBytes(k, OSSL_PKEY_PARAM_EC_PUB_Y, 32);
        break;
    case KeyType::Rsa:
        p.n = bnBytes(k, OSSL_PKEY_PARAM_RSA_N);
        p.e = bnBytes(k, OSSL_PKEY_PARAM_RSA_E);
        break;
    }
    ERR_clear_error();
    return p;
}

std::string PublicKey::toPem() const
{
    BioPtr bio(BIO_new(BIO_s_mem()));
    if (!bio || PEM_write_bio_PUBKEY(bio.get(), m_key.get()) != 1) {
        ERR_clear_error();
        return {};
    }
    return bioText(bio.get());
}

bool PublicKey::sameKeyAs(const PublicKey &other) const
{
    return m_key && other.m_key && EVP_PKEY_eq(m_key.get(), other.m_key.get()) == 1;
}

// ---- PrivateKey ----

Result<PrivateKey> PrivateKey::adopt(EVP_PKEY *key, std::string_view source)
{
    auto owned = own(key);
    Result<KeyType> type = classify(key, source);
    if (!type)
        return type.error();
    return PrivateKey(std::move(owned), *type);
}

Result<PrivateKey> PrivateKey::generate(KeyType type, int rsaBits)
{
    EVP_PKEY *k = nullptr;
    switch (type) {
    case KeyType::Ed25519:
        k = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
        break;
    case KeyType::EcP256:
        k = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
        break;
    case KeyType::Rsa:
        if (rsaBits < kMinRsaBits || rsaBits > kMaxRsaBits)
            return makeError(Reason::Config, "RSA keys must have 2048 to 8192 bits");
        k = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<std::size_t>(rsaBits));
        break;
    }
    if (!k)
        return makeError(Reason::Crypto, opensslError("key generation failed"));
    return adopt(k, {});
}

Result<PrivateKey> PrivateKey::fromPem(std::string_view pem)
{
    if (pem.find("ENCRYPTED") != std::string_view::npos)
        return makeError(Reason::PemInvalid,
            "the private key is encrypted; Writ reads unencrypted PKCS#8 keys from files "
            "of mode 0600 (decrypt it with openssl pkey)");
    BioPtr bio = memBio(pem);
    EVP_PKEY *k = bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, noPassphrase, nullptr) : nullptr;
    if (!k) {
        ERR_clear_error();
        if (pem.find("PUBLIC KEY-----") != std::string_view::npos)
            return makeError(Reason::PemInvalid, "this PEM holds a public key; signing needs the private key");
        return makeError(Reason::PemInvalid, "no valid \"-----BEGIN PRIVATE KEY-----\" PEM block found");
    }
    return adopt(k, "PEM private key");
}

Result<PrivateKey> PrivateKey::fromEd25519Seed(std::string_view seed)
{
    if (seed.size() != 32)
        return makeError(Reason::JwkInvalid, "an Ed25519 private key is 32 bytes, not " + std::to_string(seed.size()));
    EVP_PKEY *k = EVP_PKEY_new_raw_private_key_ex(
        nullptr, "ED25519", nullptr, reinterpret_cast<const unsigned char *>(seed.data()), seed.size());
    if (!k)
        return makeError(Reason::Crypto, opensslError("OpenSSL refused the Ed25519 private key"));
    return adopt(k, {});
}

PublicKey PrivateKey::publicKey() const
{
    // Round-trip through SubjectPublicKeyInfo DER so the public key holds no private material.
    unsigned char *der = nullptr;
    const int len = i2d_PUBKEY(m_key.get(), &der);
    EVP_PKEY *pub = nullptr;
    if (len > 0) {
        const unsigned char *p = der;
        pub = d2i_PUBKEY(nullptr, &p, len);
    }
    OPENSSL_free(der);
    ERR_clear_error();
    PublicKey out(own(pub), m_type);
    out.setKid(m_kid);
    return out;
}

std::string PrivateKey::toPem() const
{
    BioPtr bio(BIO_new(BIO_s_mem()));
    if (!bio || PEM_write_bio_PrivateKey(bio.get(), m_key.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1) {
        ERR_clear_error();
        return {};
    }
    return bioText(bio.get());
}

} // namespace writ::identity
