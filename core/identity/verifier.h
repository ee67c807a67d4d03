// SPDX-License-Identifier: Apache-2.0
#pragma once

// The gateway's verification of an agent's workload token (OIDC ID token or SPIFFE JWT-SVID), the one
// `writ token verify` runs too. Every step refuses with a stable reason; nothing is trusted before the
// signature verifies with a key from the trust entry's own key files.

#include "identity/claims.h"
#include "identity/jwk.h"
#include "identity/limits.h"
#include "identity/result.h"

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace writ::identity {

/// Who may present tokens, and how they are checked.
struct TrustEntry
{
    enum class Kind { Oidc, Spiffe };
    Kind kind = Kind::Oidc;
    std::string name; ///< for messages and logs; defaults to the issuer or the trust domain
    std::string issuer; ///< OIDC: required, compared exactly with iss. SPIFFE: optional; when set, iss must match
    std::string trustDomain; ///< SPIFFE: required; sub must be spiffe://<trustDomain>/...
    std::string audience; ///< required; must be one of the token's aud values
    /// OIDC: sub values accepted (empty = any; the policy's identities decide the agent). SPIFFE: SPIFFE
    /// IDs accepted (empty = any ID in the trust domain).
    std::vector<std::string> allowedSubjects;
    std::vector<std::string> keyFiles; ///< JWKS, JWK or PEM public key files, re-read when they change
    KeySet keys; ///< keys given in memory, used beside keyFiles
    std::chrono::seconds leeway = kDefaultLeeway; ///< at most kMaxLeeway
    std::chrono::seconds maxLifetime = std::chrono::hours(1);
};

const char *trustKindName(TrustEntry::Kind k); ///< "oidc", "spiffe"

struct VerifiedIdentity
{
    TrustEntry::Kind kind = TrustEntry::Kind::Oidc;
    std::string trustEntry; ///< the entry's name
    std::string issuer; ///< iss (may be empty for SPIFFE)
    std::string subject; ///< sub; for SPIFFE the SPIFFE ID
    std::string trustDomain; ///< SPIFFE only
    std::string kid; ///< the key that verified the signature
    Algorithm algorithm = Algorithm::EdDSA;
    Claims claims;
};

struct VerifierOptions
{
    Clock clock = systemClock();
    TokenLimits limits;
    /// Key files are checked for changes at most this often (a stat per file); a token whose kid is
    /// unknown triggers an immediate check, so a freshly published key works at once.
    std::chrono::milliseconds reloadInterval {1000};
};

/// The typ Writ puts on its own task credentials. An agent token carrying it is refused: a credential
/// Writ issued must never be accepted as a workload identity (RFC 8725 §2.8, §3.11).
inline constexpr std::string_view kTaskCredentialTyp = "writ-task+jwt";

/// Thread-safe: verify() may run concurrently from every gateway thread.
class Verifier
{
public:
    explicit Verifier(VerifierOptions options = {});
    ~Verifier();
    Verifier(Verifier &&) noexcept;
    Verifier &operator=(Verifier &&) noexcept;

    /// Validates the entry and loads its key files. Refuses: no audience, leeway outside 0..60 s, an
    /// OIDC entry without issuer, a SPIFFE entry without a valid trust domain, an issuer or trust domain
    /// already configured, a key file that cannot be read or parsed.
    Status addTrustEntry(TrustEntry entry);

    /// The full verification, in order: size and structure, header rules, claims syntax, trust entry by
    /// iss (or by the SPIFFE trust domain of sub), key by kid within that entry, signature, then exp /
    /// nbf / iat / lifetime / iss / aud, sub (SPIFFE ID syntax and trust domain), allowed subjects.
    Result<VerifiedIdentity> verify(std::string_view token) const;

    /// Checks every key file for changes now.
    void reloadKeys() const;

    /// Keys skipped in key files and reload errors, for the log and `writ token verify`.
    std::vector<std::string> keyWarnings() const;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

} // namespace writ::identity
