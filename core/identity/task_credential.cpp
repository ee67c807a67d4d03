// SPDX-License-Identifier: Apache-2.0
#include "identity/task_credential.h"
#include "identity/base64url.h"
#include "identity/constant_time.h"
#include "identity/json_util.h"
#include "identity/jws.h"
#include "identity/random_id.h"

#include <openssl/evp.h>

#include <algorithm>

namespace writ::identity {

using detail::safeQuote;
using nlohmann::json;

namespace {

constexpr std::size_t kMaxTaskFieldBytes = 256;

Status checkSigningKey(const PrivateKey &k)
{
    if (k.type() != KeyType::Ed25519)
        return makeError(Reason::Config,
            std::string("task credentials are signed with Ed25519 keys; this is a ") + keyTypeName(k.type()) + " key");
    if (k.kid().empty())
        return makeError(Reason::Config, "a task-credential signing key needs a kid, so gateways can tell rotated keys apart");
    return Ok {};
}

void appendLengthPrefixed(std::string &out, std::string_view s)
{
    const std::uint64_t n = s.size();
    for (int shift = 56; shift >= 0; shift -= 8)
        out += static_cast<char>((n >> shift) & 0xff);
    out += s;
}

} // namespace

std::string contextDigest(const std::map<std::string, std::string> &context)
{
    std::string encoded;
    for (const auto &[k, v] : context) {
        appendLengthPrefixed(encoded, k);
        appendLengthPrefixed(encoded, v);
    }
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_Digest(encoded.data(), encoded.size(), md, &len, EVP_sha256(), nullptr);
    return "sha256:" + base64urlEncode(std::string_view(reinterpret_cast<const char *>(md), len));
}

// ---- TaskKeyRing ----

Result<TaskKeyRing> TaskKeyRing::create(PrivateKey current, std::optional<PrivateKey> previous)
{
    if (Status st = checkSigningKey(current); !st)
        return st.error();
    TaskKeyRing ring(std::move(current));
    if (previous) {
        if (Status st = checkSigningKey(*previous); !st)
            return st.error();
        if (previous->kid() == ring.m_current.kid())
            return makeError(
                Reason::Config, "the current and previous signing keys have the same kid " + safeQuote(previous->kid()));
        ring.m_previous = std::move(previous);
    }
    return ring;
}

Status TaskKeyRing::rotate(PrivateKey next)
{
    if (Status st = checkSigningKey(next); !st)
        return st;
    if (next.kid() == m_current.kid())
        return makeError(
            Reason::Config, "the new signing key has the same kid as the current one (" + safeQuote(next.kid()) + ")");
    m_previous = std::move(m_current);
    m_current = std::move(next);
    return Ok {};
}

KeySet TaskKeyRing::verificationKeys() const
{
    KeySet set;
    set.keys.push_back(m_current.publicKey());
    if (m_previous)
        set.keys.push_back(m_previous->publicKey());
    return set;
}

// ---- TaskCredentialIssuer ----

TaskCredentialIssuer::TaskCredentialIssuer(TaskKeyRing keys, std::string issuer, std::string audience, Clock clock)
    : m_keys(std::move(keys))
    , m_issuer(std::move(issuer))
    , m_audience(std::move(audience))
    , m_clock(clock ? std::move(clock) : systemClock())
{ }

Result<std::string> TaskCredentialIssuer::issue(const TaskCredentialRequest &r) const
{
    if (m_issuer.empty() || m_audience.empty())
        return makeError(Reason::Config, "the task-credential issuer needs an issuer name and an audience");
    for (auto [value, name, required] : {std::tuple {&r.agent, "agent", true}, std::tuple {&r.taskId, "task id", true},
             std::tuple {&r.taskType, "task type", true}, std::tuple {&r.contextDigest, "context digest", true},
             std::tuple {&r.environment, "environment", false}, std::tuple {&r.workflowId, "workflow id", false}}) {
        if (required && value->empty())
            return makeError(Reason::ClaimMissing, std::string("a task credential needs a ") + name);
        if (value->size() > kMaxTaskFieldBytes)
            return makeError(Reason::TokenFieldTooLarge,
                std::string("the ") + name + " is longer than " + std::to_string(kMaxTaskFieldBytes) + " bytes");
    }
    if (r.ttl <= std::chrono::seconds(0) || r.ttl > kMaxTaskCredentialTtl)
        return makeError(Reason::LifetimeTooLong,
            "a task credential lives between 1s and " + humanDuration(kMaxTaskCredentialTtl.count()) + "; asked for "
                + std::to_string(r.ttl.count()) + "s");
    Result<std::string> jti = randomId(16);
    if (!jti)
        return jti.error();
    const std::int64_t now = std::chrono::duration_cast<std::chrono::seconds>(m_clock().time_since_epoch()).count();
    json claims = {
        {"iss", m_issuer},
        {"aud", m_audience},
        {"iat", now},
        {"exp", now + r.ttl.count()},
        {"jti", *jti},
        {"agent", r.agent},
        {"tid", r.taskId},
        {"task_type", r.taskType},
        {"ctx_digest", r.contextDigest},
        {"env", r.environment},
    };
    if (!r.workflowId.empty())
        claims["wf"] = r.workflowId;
    // The fields are caller-supplied strings: invalid UTF-8 must become an error, not an exception.
    std::string payload;
    try {
        payload = claims.dump();
    } catch (const json::exception &) {
        return makeError(Reason::ClaimType, "a task credential field is not valid UTF-8");
    }
    return signCompact(payload, m_keys.current(), kTaskCredentialTyp);
}

// ---- TaskCredentialVerifier ----

TaskCredentialVerifier::TaskCredentialVerifier(TaskCredentialRules rules, KeySet keys, Clock clock, TokenLimits limits)
    : m_rules(std::move(rules))
    , m_clock(clock ? std::move(clock) : systemClock())
    , m_limits(limits)
{
    for (PublicKey &k : keys.keys) {
        if (k.type() == KeyType::Ed25519)
            m_keys.keys.push_back(std::move(k));
        else
            m_keys.skipped.push_back({k.kid(),
                makeError(Reason::JwkUnsupported,
                    std::string("task credentials are verified with Ed25519 keys only; this is a ") + keyTypeName(k.type())
                        + " key")});
    }
    for (SkippedKey &s : keys.skipped)
        m_keys.skipped.push_back(std::move(s));
}

Result<TaskCredential> TaskCredentialVerifier::verify(std::string_view token) const
{
    if (m_rules.issuer.empty())
        return makeError(Reason::Config, "the task-credential verifier needs the issuer name");
    Result<DecodedJws> jws = decodeCompact(token, m_limits);
    if (!jws)
        return jws.error();
    if (jws->header.typ != kTaskCredentialTyp)
        return makeError(Reason::TypeMismatch,
            "typ is " + (jws->header.typ.empty() ? std::string("missing") : safeQuote(jws->header.typ))
                + "; a Writ task credential has typ " + safeQuote(kTaskCredentialTyp)
                + " (RFC 8725 §3.11) — this token was minted for something else");
    if (!jws->header.hasKid)
        return makeError(Reason::KidMissing, "a Writ task credential always names its signing key (kid)");
    Result<Claims> claims = parseClaims(jws->payload, m_limits);
    if (!claims)
        return claims.error();
    Result<PublicKey> key = selectKey({&m_keys}, jws->header.kid, true);
    if (!key)
        return key.error();
    if (Status st = verifySignature(*jws, *key); !st)
        return st.error();
    ClaimRules rules {m_rules.issuer, m_rules.audience, m_rules.leeway, m_rules.maxLifetime, /*requireIat=*/true};
    if (Status st = validateClaims(*claims, rules, m_clock()); !st)
        return st.error();
    if (claims->jti.empty())
        return makeError(Reason::ClaimMissing, "the task credential has no \"jti\"");
    TaskCredential out;
    for (auto [field, name] :
        {std::pair {&out.agent, "agent"}, std::pair {&out.taskId, "tid"}, std::pair {&out.taskType, "task_type"},
            std::pair {&out.contextDigest, "ctx_digest"}, std::pair {&out.environment, "env"}}) {
        const auto it = claims->strings.find(name);
        if (it == claims->strings.end())
            return makeError(Reason::ClaimMissing, std::string("the task credential has no string claim \"") + name + "\"");
        if (it->second.empty() && std::string_view(name) != "env")
            return makeError(Reason::ClaimMissing, std::string("the task credential's \"") + name + "\" is empty");
        *field = it->second;
    }
    out.workflowId = claims->get("wf");
    out.issuer = claims->iss;
    out.audience = m_rules.audience;
    out.jti = claims->jti;
    out.kid = key->kid();
    out.issuedAt = std::chrono::sys_seconds(std::chrono::seconds(*claims->iat));
    out.expiresAt = std::chrono::sys_seconds(std::chrono::seconds(*claims->exp));
    return out;
}

Result<TaskCredential> TaskCredentialVerifier::verify(std::string_view token, std::string_view expectedContextDigest) const
{
    Result<TaskCredential> c = verify(token);
    if (!c)
        return c;
    if (!constantTimeEquals(c->contextDigest, expectedContextDigest))
        return makeError(Reason::ContextMismatch,
            "the credential is bound to another task context (ctx_digest differs); "
            "it cannot be used for this task");
    return c;
}

} // namespace writ::identity
