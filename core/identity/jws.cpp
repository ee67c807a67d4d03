// SPDX-License-Identifier: Apache-2.0
#include "identity/jws.h"
#include "identity/base64url.h"
#include "identity/json_util.h"

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>

#include <algorithm>
#include <cctype>

namespace writ::identity {

using detail::safeQuote;
using nlohmann::json;

namespace {

// Largest signature of an accepted algorithm: RSA at kMaxRsaBits.
constexpr std::size_t kMaxSignatureBytes = kMaxRsaBits / 8;

struct MdCtxFree
{
    void operator()(EVP_MD_CTX *c) const { EVP_MD_CTX_free(c); }
};
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, MdCtxFree>;

struct EcdsaSigFree
{
    void operator()(ECDSA_SIG *s) const { ECDSA_SIG_free(s); }
};
using EcdsaSigPtr = std::unique_ptr<ECDSA_SIG, EcdsaSigFree>;

const EVP_MD *digestFor(Algorithm a)
{
    // Fetched once: an implicit fetch on every verification costs a provider lookup under a lock.
    static EVP_MD *const sha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
    return a == Algorithm::EdDSA ? nullptr : sha256; // Ed25519 hashes internally (PureEdDSA)
}

const unsigned char *bytes(std::string_view s)
{
    return reinterpret_cast<const unsigned char *>(s.data());
}

/// RFC 7518 §3.4: the JWS form R||S (32 bytes each) to the DER form OpenSSL verifies.
std::string ecdsaRawToDer(std::string_view raw)
{
    EcdsaSigPtr sig(ECDSA_SIG_new());
    BIGNUM *r = BN_bin2bn(bytes(raw), 32, nullptr);
    BIGNUM *s = BN_bin2bn(bytes(raw) + 32, 32, nullptr);
    if (!sig || !r || !s || ECDSA_SIG_set0(sig.get(), r, s) != 1) {
        BN_free(r);
        BN_free(s);
        return {};
    }
    unsigned char *der = nullptr;
    const int len = i2d_ECDSA_SIG(sig.get(), &der);
    std::string out = len > 0 ? std::string(reinterpret_cast<const char *>(der), static_cast<std::size_t>(len)) : std::string();
    OPENSSL_free(der);
    return out;
}

std::string ecdsaDerToRaw(std::string_view der)
{
    const unsigned char *p = bytes(der);
    EcdsaSigPtr sig(d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der.size())));
    if (!sig)
        return {};
    const BIGNUM *r = nullptr, *s = nullptr;
    ECDSA_SIG_get0(sig.get(), &r, &s);
    std::string out(64, '\0');
    if (BN_bn2binpad(r, reinterpret_cast<unsigned char *>(out.data()), 32) != 32
        || BN_bn2binpad(s, reinterpret_cast<unsigned char *>(out.data()) + 32, 32) != 32)
        return {};
    return out;
}

Result<std::string> optionalString(const json &h, const char *name, bool &present)
{
    const auto it = h.find(name);
    present = it != h.end();
    if (!present)
        return std::string();
    if (!it->is_string())
        return makeError(Reason::TokenJson, std::string("JWS header \"") + name + "\" must be a string");
    return it->get<std::string>();
}

} // namespace

Result<DecodedJws> splitCompact(std::string_view token, const TokenLimits &limits)
{
    if (token.size() > limits.maxTokenBytes)
        return makeError(Reason::TokenTooLarge,
            "token is " + std::to_string(token.size()) + " bytes; the limit is " + std::to_string(limits.maxTokenBytes));
    if (token.empty())
        return makeError(Reason::TokenSegments, "token is empty");
    const std::size_t dots = static_cast<std::size_t>(std::count(token.begin(), token.end(), '.'));
    if (dots != 2)
        return makeError(Reason::TokenSegments,
            "token has " + std::to_string(dots + 1) + (dots == 0 ? " segment" : " segments")
                + "; a compact JWS has exactly 3 (header.payload.signature)"
                + (dots == 4 ? " — 5 segments is an encrypted JWE, which is not accepted" : ""));
    const std::size_t d1 = token.find('.');
    const std::size_t d2 = token.find('.', d1 + 1);
    const std::string_view h64 = token.substr(0, d1);
    const std::string_view p64 = token.substr(d1 + 1, d2 - d1 - 1);
    const std::string_view s64 = token.substr(d2 + 1);
    if (h64.empty())
        return makeError(Reason::TokenSegments, "the header segment is empty");

    DecodedJws out;
    Result<std::string> header = base64urlDecode(h64, limits.maxHeaderBytes);
    if (!header)
        return Error {header.error().reason, "header segment: " + header.error().message};
    Result<std::string> payload = base64urlDecode(p64, limits.maxTokenBytes);
    if (!payload)
        return Error {payload.error().reason, "payload segment: " + payload.error().message};
    Result<std::string> signature = base64urlDecode(s64, kMaxSignatureBytes);
    if (!signature)
        return Error {signature.error().reason, "signature segment: " + signature.error().message};
    out.headerJson = std::move(header).value();
    out.payload = std::move(payload).value();
    out.signature = std::move(signature).value();
    out.signingInput = std::string(token.substr(0, d2));

    Result<json> h = detail::parseStrictObject(out.headerJson, limits, "JWS header");
    if (!h)
        return h.error();
    const json &hj = *h;
    const auto alg = hj.find("alg");
    if (alg == hj.end())
        return makeError(Reason::AlgMissing, "JWS header has no \"alg\" (RFC 7515 §4.1.1 requires it)");
    if (!alg->is_string())
        return makeError(Reason::AlgMissing, "JWS header \"alg\" must be a string");
    JoseHeader &jh = out.header;
    jh.alg = alg->get<std::string>();
    bool present = false;
    Result<std::string> kid = optionalString(hj, "kid", jh.hasKid);
    if (!kid)
        return kid.error();
    jh.kid = *kid;
    Result<std::string> typ = optionalString(hj, "typ", present);
    if (!typ)
        return typ.error();
    jh.typ = *typ;
    Result<std::string> cty = optionalString(hj, "cty", present);
    if (!cty)
        return cty.error();
    jh.cty = *cty;
    if (const auto crit = hj.find("crit"); crit != hj.end()) {
        if (crit->is_array() && !crit->empty()) {
            for (const json &c : *crit)
                jh.crit.push_back(c.is_string() ? c.get<std::string>() : c.dump());
        } else {
            jh.crit.push_back(crit->dump()); // malformed crit: still refused as crit
        }
    }
    for (const char *ref : {"jku", "x5u", "jwk", "x5c"}) {
        if (hj.contains(ref))
            jh.keyReferences.push_back(ref);
    }
    jh.hasB64 = hj.contains("b64");
    return out;
}

Status checkHeader(const JoseHeader &h)
{
    std::string lower = h.alg;
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    if (lower == "none")
        return makeError(Reason::AlgNone,
            "alg " + safeQuote(h.alg) + " means an unsigned token; unsigned tokens are never accepted (RFC 8725 §3.1)");
    if (lower.rfind("hs", 0) == 0)
        return makeError(Reason::AlgHmac,
            "alg " + safeQuote(h.alg)
                + " is an HMAC algorithm; Writ verifies with public keys only, and a public key "
                  "used as an HMAC secret lets anyone forge tokens (RFC 8725 §2.1, §3.1)");
    if (!parseAlgorithm(h.alg))
        return makeError(
            Reason::AlgUnsupported, "alg " + safeQuote(h.alg) + " is not accepted; Writ verifies EdDSA, ES256 and RS256");
    if (!h.keyReferences.empty()) {
        std::string names;
        for (const std::string &r : h.keyReferences)
            names += (names.empty() ? "" : ", ") + r;
        return makeError(Reason::KeyReferenceHeader,
            "header carries " + names
                + "; a token never chooses its own key or key URL — keys come only from the configured key "
                  "files (RFC 8725 §3.10)");
    }
    if (!h.crit.empty())
        return makeError(Reason::CritUnsupported,
            "header marks extension(s) " + safeQuote(h.crit.front())
                + " as critical (crit); Writ understands none, so RFC 7515 §4.1.11 requires refusing the token");
    if (h.hasB64)
        return makeError(Reason::CritUnsupported, "header has \"b64\" (RFC 7797 unencoded payload), which is not accepted");
    return Ok {};
}

Result<DecodedJws> decodeCompact(std::string_view token, const TokenLimits &limits)
{
    Result<DecodedJws> jws = splitCompact(token, limits);
    if (!jws)
        return jws;
    if (Status st = checkHeader(jws->header); !st)
        return st.error();
    return jws;
}

Status verifySignature(const DecodedJws &jws, const PublicKey &key)
{
    const std::optional<Algorithm> alg = parseAlgorithm(jws.header.alg);
    if (!alg) {
        if (Status st = checkHeader(jws.header); !st)
            return st.error();
        return makeError(Reason::AlgUnsupported, "alg " + safeQuote(jws.header.alg) + " is not accepted");
    }
    if (*alg != key.algorithm())
        return makeError(Reason::AlgKeyMismatch,
            "the token says alg " + safeQuote(jws.header.alg) + " but key "
                + (key.kid().empty() ? std::string("(no kid)") : safeQuote(key.kid())) + " is a " + keyTypeName(key.type())
                + " key, which verifies " + algorithmName(key.algorithm()) + " only (RFC 8725 §3.1)");
    std::string der;
    std::string_view sig = jws.signature;
    switch (*alg) {
    case Algorithm::EdDSA:
        if (sig.size() != 64)
            return makeError(
                Reason::SignatureLength, "an EdDSA (Ed25519) signature is 64 bytes; this one is " + std::to_string(sig.size()));
        break;
    case Algorithm::ES256:
        if (sig.size() != 64)
            return makeError(Reason::SignatureLength,
                "an ES256 signature is the 64-byte R||S pair (RFC 7518 §3.4); this one is " + std::to_string(sig.size())
                    + " bytes" + (sig.size() >= 8 && sig[0] == '\x30' ? " and looks DER-encoded" : ""));
        der = ecdsaRawToDer(sig);
        if (der.empty())
            return makeError(Reason::Crypto, detail::opensslError("could not convert the ES256 signature"));
        sig = der;
        break;
    case Algorithm::RS256: {
        const int size = EVP_PKEY_get_size(key.native());
        if (size <= 0 || sig.size() != static_cast<std::size_t>(size))
            return makeError(Reason::SignatureLength,
                "an RS256 signature is as long as the modulus (" + std::to_string(size) + " bytes); this one is "
                    + std::to_string(sig.size()));
        break;
    }
    }
    MdCtxPtr ctx(EVP_MD_CTX_new());
    if (!ctx || EVP_DigestVerifyInit(ctx.get(), nullptr, digestFor(*alg), nullptr, key.native()) != 1)
        return makeError(Reason::Crypto, detail::opensslError("could not start signature verification"));
    const int rc = EVP_DigestVerify(ctx.get(), bytes(sig), sig.size(), bytes(jws.signingInput), jws.signingInput.size());
    ERR_clear_error();
    if (rc != 1)
        return makeError(Reason::SignatureInvalid,
            std::string("the ") + algorithmName(*alg) + " signature does not verify with key "
                + (key.kid().empty() ? std::string("(no kid)") : safeQuote(key.kid()))
                + ": the token was altered or signed by another key");
    return Ok {};
}

Result<std::string> signCompactRaw(std::string_view headerJson, std::string_view payload, const PrivateKey &key)
{
    const json header = json::parse(headerJson.begin(), headerJson.end(), nullptr, false);
    if (!header.is_object() || !header.contains("alg") || !header["alg"].is_string()
        || header["alg"].get<std::string>() != algorithmName(key.algorithm()))
        return makeError(Reason::AlgKeyMismatch,
            std::string("the header's alg must be ") + algorithmName(key.algorithm()) + " for a " + keyTypeName(key.type())
                + " key");
    const std::string input = base64urlEncode(headerJson) + "." + base64urlEncode(payload);
    MdCtxPtr ctx(EVP_MD_CTX_new());
    std::size_t len = 0;
    if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, digestFor(key.algorithm()), nullptr, key.native()) != 1
        || EVP_DigestSign(ctx.get(), nullptr, &len, bytes(input), input.size()) != 1)
        return makeError(Reason::Crypto, detail::opensslError("could not start signing"));
    std::string sig(len, '\0');
    if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char *>(sig.data()), &len, bytes(input), input.size()) != 1)
        return makeError(Reason::Crypto, detail::opensslError("signing failed"));
    sig.resize(len);
    if (key.algorithm() == Algorithm::ES256) {
        sig = ecdsaDerToRaw(sig);
        if (sig.empty())
            return makeError(Reason::Crypto, detail::opensslError("could not convert the ECDSA signature"));
    }
    return input + "." + base64urlEncode(sig);
}

Result<std::string> signCompact(std::string_view payload, const PrivateKey &key, std::string_view typ)
{
    // Member order is fixed (alg, kid, typ) so equal inputs give equal tokens.
    std::string header = std::string("{\"alg\":\"") + algorithmName(key.algorithm()) + "\"";
    if (!key.kid().empty())
        header += ",\"kid\":" + json(key.kid()).dump();
    if (!typ.empty())
        header += ",\"typ\":" + json(std::string(typ)).dump();
    header += "}";
    return signCompactRaw(header, payload, key);
}

} // namespace writ::identity
