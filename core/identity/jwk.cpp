// SPDX-License-Identifier: Apache-2.0
#include "identity/jwk.h"
#include "identity/base64url.h"
#include "identity/json_util.h"

#include <openssl/evp.h>

#include <set>

namespace writ::identity {

using detail::safeQuote;
using nlohmann::json;

namespace {

// JWK documents are configuration, not tokens, but may come from a provider: generous yet bounded.
TokenLimits keyFileLimits()
{
    TokenLimits l;
    l.maxStringBytes = 4096; // an 8192-bit modulus is 1366 base64url characters; x5c certificates are longer
    l.maxArrayItems = kMaxJwksKeys; // keys, key_ops, x5c chains
    l.maxMembers = 64;
    l.maxDepth = 4;
    return l;
}

Result<std::string> stringMember(const json &obj, const char *name, bool required)
{
    const auto it = obj.find(name);
    if (it == obj.end()) {
        if (required)
            return makeError(Reason::JwkInvalid, std::string("JWK has no \"") + name + "\" member");
        return std::string();
    }
    if (!it->is_string())
        return makeError(Reason::JwkInvalid, std::string("JWK member \"") + name + "\" must be a string");
    return it->get<std::string>();
}

/// A base64url-encoded JWK parameter, strictly decoded.
Result<std::string> bytesMember(const json &obj, const char *name)
{
    Result<std::string> text = stringMember(obj, name, true);
    if (!text)
        return text.error();
    Result<std::string> bytes = base64urlDecode(*text);
    if (!bytes)
        return makeError(Reason::JwkInvalid, std::string("JWK member \"") + name + "\": " + bytes.error().message);
    return bytes;
}

/// RFC 7518 §6.3.1.1: n and e are unsigned big-endian integers in their shortest form.
Status noLeadingZero(const std::string &bytes, const char *name)
{
    if (bytes.size() > 1 && bytes[0] == '\0')
        return makeError(Reason::JwkInvalid,
            std::string("RSA parameter \"") + name
                + "\" has a leading zero octet; RFC 7518 §6.3.1.1 requires the shortest encoding");
    if (bytes.empty())
        return makeError(Reason::JwkInvalid, std::string("RSA parameter \"") + name + "\" is empty");
    return Ok {};
}

/// Fatal, whatever else the key says: a public key file must not carry secrets.
Status refusePrivateMembers(const json &obj)
{
    for (const char *m : {"d", "p", "q", "dp", "dq", "qi", "oth", "k"}) {
        if (obj.contains(m))
            return makeError(Reason::JwkPrivateMaterial,
                std::string("JWK carries the private member \"") + m
                    + "\"; a verification key file must hold public keys only — the private key has leaked "
                      "into a file meant to be shared; rotate it");
    }
    return Ok {};
}

Result<PublicKey> parseJwkObject(const json &obj)
{
    if (!obj.is_object())
        return makeError(Reason::JwkInvalid, "a JWK must be a JSON object");
    if (Status st = refusePrivateMembers(obj); !st)
        return st.error();
    Result<std::string> kty = stringMember(obj, "kty", true);
    if (!kty)
        return kty.error();
    Result<std::string> kid = stringMember(obj, "kid", false);
    if (!kid)
        return kid.error();
    if (kid->size() > 256)
        return makeError(Reason::JwkInvalid, "JWK kid is longer than 256 bytes");

    Result<std::string> use = stringMember(obj, "use", false);
    if (!use)
        return use.error();
    if (!use->empty() && *use != "sig")
        return makeError(
            Reason::JwkUnsupported, "JWK \"use\" is " + safeQuote(*use) + "; only signature keys (\"sig\") verify tokens");
    if (const auto ops = obj.find("key_ops"); ops != obj.end()) {
        if (!ops->is_array())
            return makeError(Reason::JwkInvalid, "JWK \"key_ops\" must be an array of strings");
        bool verify = false;
        for (const json &op : *ops) {
            if (!op.is_string())
                return makeError(Reason::JwkInvalid, "JWK \"key_ops\" must be an array of strings");
            verify = verify || op.get<std::string>() == "verify";
        }
        if (!verify)
            return makeError(Reason::JwkUnsupported, "JWK \"key_ops\" does not include \"verify\"");
    }

    Result<PublicKey> key = makeError(Reason::JwkUnsupported, "");
    if (*kty == "OKP") {
        Result<std::string> crv = stringMember(obj, "crv", true);
        if (!crv)
            return crv.error();
        if (*crv != "Ed25519")
            return makeError(
                Reason::JwkUnsupported, "OKP curve " + safeQuote(*crv) + " is not accepted; only Ed25519 signs (RFC 8037)");
        Result<std::string> x = bytesMember(obj, "x");
        if (!x)
            return x.error();
        key = PublicKey::fromEd25519(*x);
    } else if (*kty == "EC") {
        Result<std::string> crv = stringMember(obj, "crv", true);
        if (!crv)
            return crv.error();
        if (*crv != "P-256")
            return makeError(Reason::JwkUnsupported, "EC curve " + safeQuote(*crv) + " is not accepted; only P-256 (ES256)");
        Result<std::string> x = bytesMember(obj, "x");
        if (!x)
            return x.error();
        Result<std::string> y = bytesMember(obj, "y");
        if (!y)
            return y.error();
        key = PublicKey::fromEcP256(*x, *y);
    } else if (*kty == "RSA") {
        Result<std::string> n = bytesMember(obj, "n");
        if (!n)
            return n.error();
        Result<std::string> e = bytesMember(obj, "e");
        if (!e)
            return e.error();
        if (Status st = noLeadingZero(*n, "n"); !st)
            return st.error();
        if (Status st = noLeadingZero(*e, "e"); !st)
            return st.error();
        key = PublicKey::fromRsa(*n, *e);
    } else if (*kty == "oct") {
        return makeError(Reason::JwkUnsupported,
            "symmetric (\"oct\") keys are never accepted: Writ verifies signatures with "
            "public keys only, never HMAC secrets");
    } else {
        return makeError(
            Reason::JwkUnsupported, "key type " + safeQuote(*kty) + " is not accepted; use OKP (Ed25519), EC (P-256) or RSA");
    }
    if (!key)
        return key.error();

    Result<std::string> alg = stringMember(obj, "alg", false);
    if (!alg)
        return alg.error();
    if (!alg->empty()) {
        const auto a = parseAlgorithm(*alg);
        if (!a)
            return makeError(Reason::JwkUnsupported,
                "JWK \"alg\" " + safeQuote(*alg) + " is not accepted; Writ verifies EdDSA, ES256 and RS256");
        if (*a != key->algorithm())
            return makeError(Reason::JwkInvalid,
                "JWK \"alg\" " + safeQuote(*alg) + " does not fit a " + keyTypeName(key->type()) + " key (which signs "
                    + algorithmName(key->algorithm()) + " only)");
    }
    PublicKey out = std::move(key).value();
    out.setKid(*kid);
    return out;
}

std::string sha256(std::string_view data)
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (EVP_Digest(data.data(), data.size(), md, &len, EVP_sha256(), nullptr) != 1)
        return {};
    return std::string(reinterpret_cast<const char *>(md), len);
}

} // namespace

const SkippedKey *KeySet::findSkipped(std::string_view kid) const
{
    for (const SkippedKey &s : skipped) {
        if (!s.kid.empty() && s.kid == kid)
            return &s;
    }
    return nullptr;
}

Result<PublicKey> selectKey(const std::vector<const KeySet *> &sets, std::string_view kid, bool tokenHasKid)
{
    std::size_t total = 0;
    for (const KeySet *s : sets)
        total += s->keys.size();
    if (tokenHasKid) {
        for (const KeySet *s : sets) {
            for (const PublicKey &k : s->keys) {
                if (!k.kid().empty() && k.kid() == kid)
                    return k;
            }
        }
        for (const KeySet *s : sets) {
            if (const SkippedKey *skipped = s->findSkipped(kid))
                return makeError(Reason::KeyUnusable,
                    "kid " + safeQuote(kid) + " names a key that was refused when the key file loaded: " + skipped->why.message);
        }
    }
    // A single key without kid (a PEM file) verifies whatever kid the token carries.
    if (total == 1) {
        for (const KeySet *s : sets) {
            if (s->keys.size() == 1 && s->keys.front().kid().empty())
                return s->keys.front();
        }
    }
    if (total == 0)
        return makeError(Reason::NoKeys, "no usable verification key is configured");
    if (!tokenHasKid) {
        if (total == 1) {
            for (const KeySet *s : sets) {
                if (!s->keys.empty())
                    return s->keys.front();
            }
        }
        return makeError(Reason::KidMissing,
            "the token has no kid and " + std::to_string(total) + " keys are configured; the issuer must name its key");
    }
    std::string known;
    std::size_t listed = 0;
    for (const KeySet *s : sets) {
        for (const PublicKey &k : s->keys) {
            if (listed++ < 6)
                known += (known.empty() ? "" : ", ") + (k.kid().empty() ? std::string("(no kid)") : safeQuote(k.kid()));
        }
    }
    if (listed > 6)
        known += ", ...";
    return makeError(Reason::UnknownKid,
        "kid " + safeQuote(kid) + " is not among the configured keys (" + known
            + "); the key was never published here, or has been rotated out or revoked");
}

Result<PublicKey> parseJwk(std::string_view text)
{
    if (text.size() > kMaxKeyFileBytes)
        return makeError(Reason::JwkInvalid, "JWK is larger than " + std::to_string(kMaxKeyFileBytes) + " bytes");
    Result<json> obj = detail::parseStrictObject(text, keyFileLimits(), "JWK");
    if (!obj)
        return makeError(Reason::JwkInvalid, obj.error().message);
    return parseJwkObject(*obj);
}

Result<KeySet> parseJwks(std::string_view text)
{
    if (text.size() > kMaxKeyFileBytes)
        return makeError(Reason::JwkInvalid, "JWKS is larger than " + std::to_string(kMaxKeyFileBytes) + " bytes");
    Result<json> doc = detail::parseStrictObject(text, keyFileLimits(), "JWKS");
    if (!doc)
        return makeError(Reason::JwkInvalid, doc.error().message);
    const auto keys = doc->find("keys");
    if (keys == doc->end() || !keys->is_array())
        return makeError(Reason::JwkInvalid, "JWKS has no \"keys\" array (RFC 7517 §5)");
    KeySet set;
    std::set<std::string> kids;
    for (const json &entry : *keys) {
        if (entry.is_object()) {
            if (Status st = refusePrivateMembers(entry); !st)
                return st.error();
            if (const auto kid = entry.find("kid"); kid != entry.end() && kid->is_string()) {
                const std::string k = kid->get<std::string>();
                if (!kids.insert(k).second)
                    return makeError(Reason::JwkDuplicateKid,
                        "JWKS has two keys with kid " + safeQuote(k)
                            + "; a kid must name one key, or a token could be checked against either");
            }
        }
        Result<PublicKey> key = parseJwkObject(entry);
        if (key) {
            set.keys.push_back(std::move(key).value());
        } else {
            std::string kid;
            if (entry.is_object() && entry.contains("kid") && entry["kid"].is_string())
                kid = entry["kid"].get<std::string>();
            set.skipped.push_back({kid, key.error()});
        }
    }
    return set;
}

Result<KeySet> parseKeyFile(std::string_view text)
{
    const auto first = text.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos)
        return makeError(Reason::JwkInvalid, "the key file is empty");
    if (text[first] == '-') {
        Result<PublicKey> key = PublicKey::fromPem(text);
        if (!key)
            return key.error();
        KeySet set;
        set.keys.push_back(std::move(key).value());
        return set;
    }
    if (text[first] != '{')
        return makeError(Reason::JwkInvalid, "the key file is neither JSON (JWK or JWKS) nor PEM");
    // A JWKS has "keys"; anything else is read as a single JWK.
    Result<json> doc = detail::parseStrictObject(text, keyFileLimits(), "key file");
    if (!doc)
        return makeError(Reason::JwkInvalid, doc.error().message);
    if (doc->contains("keys"))
        return parseJwks(text);
    Result<PublicKey> key = parseJwkObject(*doc);
    if (!key)
        return key.error();
    KeySet set;
    set.keys.push_back(std::move(key).value());
    return set;
}

namespace {

json jwkMembers(const PublicKey &key)
{
    const PublicKey::Params p = key.params();
    json j = json::object();
    switch (key.type()) {
    case KeyType::Ed25519:
        j["kty"] = "OKP";
        j["crv"] = "Ed25519";
        j["x"] = base64urlEncode(p.x);
        break;
    case KeyType::EcP256:
        j["kty"] = "EC";
        j["crv"] = "P-256";
        j["x"] = base64urlEncode(p.x);
        j["y"] = base64urlEncode(p.y);
        break;
    case KeyType::Rsa:
        j["kty"] = "RSA";
        j["n"] = base64urlEncode(p.n);
        j["e"] = base64urlEncode(p.e);
        break;
    }
    return j;
}

json jwkJson(const PublicKey &key)
{
    json j = jwkMembers(key);
    if (!key.kid().empty())
        j["kid"] = key.kid();
    j["alg"] = algorithmName(key.algorithm());
    j["use"] = "sig";
    return j;
}

} // namespace

std::string toJwk(const PublicKey &key)
{
    return jwkJson(key).dump();
}

std::string toJwks(const std::vector<PublicKey> &keys)
{
    json arr = json::array();
    for (const PublicKey &k : keys)
        arr.push_back(jwkJson(k));
    return json {{"keys", arr}}.dump(2) + "\n";
}

std::string jwkThumbprint(const PublicKey &key)
{
    // RFC 7638 §3: only the required members, lexicographic order, no whitespace. nlohmann's object
    // is a std::map, so dump() already sorts the member names.
    return base64urlEncode(sha256(jwkMembers(key).dump()));
}

} // namespace writ::identity
