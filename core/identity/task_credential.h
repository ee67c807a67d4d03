// SPDX-License-Identifier: Apache-2.0
#pragma once

// Writ's own task credentials: short-lived EdDSA-signed JWTs that an agent presents to the gateway as
// its database password. Each binds one running task instance: agent, task type, task id, the digest of
// the task's context, environment and workflow. Keys rotate without downtime: two keys are active —
// the current one signs, the previous one still verifies what it signed until those credentials expire.

#include "identity/claims.h"
#include "identity/jwk.h"
#include "identity/key.h"
#include "identity/limits.h"
#include "identity/result.h"
#include "identity/verifier.h"

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace writ::identity {

/// No task credential lives longer than this, whatever a policy says.
inline constexpr std::chrono::seconds kMaxTaskCredentialTtl = std::chrono::hours(24);

struct TaskCredentialRequest
{
    std::string agent; ///< policy agent id
    std::string taskId; ///< the task instance (claim "tid")
    std::string taskType; ///< the policy task type (claim "task_type")
    std::string contextDigest; ///< contextDigest() of the task's context (claim "ctx_digest")
    std::string environment; ///< claim "env"; may be empty
    std::string workflowId; ///< claim "wf"; omitted when empty
    std::chrono::seconds ttl = std::chrono::minutes(5);
};

/// A verified task credential.
struct TaskCredential
{
    std::string issuer, audience;
    std::string agent, taskId, taskType, contextDigest, environment, workflowId;
    std::string jti, kid;
    std::chrono::sys_seconds issuedAt, expiresAt;
};

/// "sha256:" + base64url(SHA-256) over the context's (key, value) pairs in key order, each string
/// length-prefixed (8-byte big-endian) so no two different contexts share an encoding.
std::string contextDigest(const std::map<std::string, std::string> &context);

/// The signing keys: at most two, both Ed25519 with a kid.
class TaskKeyRing
{
public:
    /// Refuses keys that are not Ed25519 or have no kid, and two keys with the same kid.
    static Result<TaskKeyRing> create(PrivateKey current, std::optional<PrivateKey> previous = std::nullopt);

    /// `next` signs from now on; the current key keeps verifying; the previous one is dropped (rotated out).
    Status rotate(PrivateKey next);

    const PrivateKey &current() const { return m_current; }
    const std::optional<PrivateKey> &previous() const { return m_previous; }
    /// Both public keys — what every gateway verifies with (publish as JWKS with toJwks()).
    KeySet verificationKeys() const;

private:
    explicit TaskKeyRing(PrivateKey current)
        : m_current(std::move(current))
    { }
    PrivateKey m_current;
    std::optional<PrivateKey> m_previous;
};

class TaskCredentialIssuer
{
public:
    TaskCredentialIssuer(TaskKeyRing keys, std::string issuer, std::string audience, Clock clock = systemClock());

    /// Refuses empty agent / task id / task type / context digest, over-long fields and a ttl outside
    /// (0, kMaxTaskCredentialTtl]. Signs with the ring's current key; jti is 128 random bits.
    Result<std::string> issue(const TaskCredentialRequest &request) const;

    Status rotate(PrivateKey next) { return m_keys.rotate(std::move(next)); }
    const TaskKeyRing &keys() const { return m_keys; }

private:
    TaskKeyRing m_keys;
    std::string m_issuer, m_audience;
    Clock m_clock;
};

struct TaskCredentialRules
{
    std::string issuer;
    std::string audience;
    std::chrono::seconds leeway = kDefaultLeeway;
    std::chrono::seconds maxLifetime = std::chrono::hours(1); ///< the policy's longest max_ttl
};

/// Immutable once built, so it is shared freely between threads; rotate by building a new one.
class TaskCredentialVerifier
{
public:
    /// Only Ed25519 keys are used; others are moved to `skipped`.
    TaskCredentialVerifier(TaskCredentialRules rules, KeySet keys, Clock clock = systemClock(), TokenLimits limits = {});

    /// Everything Verifier checks on a token, plus: typ must be writ-task+jwt, kid required, iat and jti
    /// required, agent / tid / task_type / ctx_digest / env present as strings.
    Result<TaskCredential> verify(std::string_view token) const;
    /// Also binds the credential to the task's context (constant-time digest comparison).
    Result<TaskCredential> verify(std::string_view token, std::string_view expectedContextDigest) const;

private:
    TaskCredentialRules m_rules;
    KeySet m_keys;
    Clock m_clock;
    TokenLimits m_limits;
};

} // namespace writ::identity
