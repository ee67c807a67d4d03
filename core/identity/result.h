// SPDX-License-Identifier: Apache-2.0
#pragma once

// Every refusal in writ::identity is a value: a stable reason code (for logs, metrics and tests) plus a
// sentence an operator can act on. Nothing in this module throws across its API.

#include <string>
#include <utility>
#include <variant>

namespace writ::identity {

/// Why a token, key or configuration was refused. The code strings (reasonCode) are part of the
/// contract: logs, the audit trail and `writ token verify` print them, and they never change meaning.
enum class Reason {
    // token structure
    TokenTooLarge, ///< token.too-large
    TokenSegments, ///< token.segments: not three dot-separated parts
    TokenBase64, ///< token.base64: not strict unpadded base64url
    TokenJson, ///< token.json: header or payload is not a JSON object
    TokenDuplicateKey, ///< token.duplicate-key
    TokenFieldTooLarge, ///< token.field-too-large: a string, array or nesting above its limit
    // protected header
    AlgMissing, ///< header.alg-missing
    AlgNone, ///< header.alg-none
    AlgHmac, ///< header.alg-hmac: HS256/384/512 with public-key material
    AlgUnsupported, ///< header.alg-unsupported
    AlgKeyMismatch, ///< header.alg-key-mismatch: the key pins another algorithm
    CritUnsupported, ///< header.crit (and b64)
    KeyReferenceHeader, ///< header.key-reference: jku, x5u, jwk, x5c
    TypeMismatch, ///< header.typ: explicit typing (RFC 8725 §3.11) does not match
    // key selection
    KidMissing, ///< key.kid-missing: several keys and no kid
    UnknownKid, ///< key.unknown-kid: not (or no longer) in the key set
    KeyUnusable, ///< key.unusable: the kid names a key that was refused when the key set loaded
    NoKeys, ///< key.none: the trust entry has no usable key
    // signature
    SignatureInvalid, ///< signature.invalid
    SignatureLength, ///< signature.length: wrong size for the algorithm (e.g. DER-encoded ECDSA)
    // claims
    ClaimType, ///< claims.type: a registered claim has the wrong JSON type
    ClaimMissing, ///< claims.missing: a required claim is absent
    Expired, ///< claims.expired
    NotYetValid, ///< claims.not-yet-valid (nbf)
    IssuedInFuture, ///< claims.iat-future
    LifetimeTooLong, ///< claims.lifetime
    WrongIssuer, ///< claims.issuer
    WrongAudience, ///< claims.audience
    SubjectNotAllowed, ///< claims.subject-not-allowed
    BadSpiffeId, ///< claims.spiffe-id: sub is not a valid SPIFFE ID
    SpiffeTrustDomain, ///< claims.spiffe-trust-domain
    ContextMismatch, ///< claims.context-digest: the task credential is bound to other context
    // trust entries and the policy
    UntrustedIssuer, ///< trust.untrusted-issuer: no trust entry for this iss / trust domain
    NoAgent, ///< identity.no-agent
    AmbiguousAgent, ///< identity.ambiguous-agent
    // key material
    JwkInvalid, ///< jwk.invalid
    JwkUnsupported, ///< jwk.unsupported: key type, curve or algorithm Writ does not accept
    JwkWeak, ///< jwk.weak-key: RSA below 2048 bits
    JwkPrivateMaterial, ///< jwk.private-material: a public key file carries private parameters
    JwkDuplicateKid, ///< jwk.duplicate-kid
    PemInvalid, ///< pem.invalid
    // environment and configuration
    Io, ///< io.error
    Config, ///< config.invalid
    Crypto, ///< crypto.error: OpenSSL failed where it should not
};

/// The stable code, e.g. "header.alg-none".
const char *reasonCode(Reason r);

struct Error
{
    Reason reason = Reason::Config;
    std::string message;

    std::string code() const { return reasonCode(reason); }
    /// "[header.alg-none] the token's alg is none ..."
    std::string toString() const { return "[" + code() + "] " + message; }
};

/// A value or an Error. Deliberately small: ok(), value(), error().
template<class T>
class [[nodiscard]] Result
{
public:
    Result(T value)
        : m_v(std::in_place_index<0>, std::move(value))
    { }
    Result(Error error)
        : m_v(std::in_place_index<1>, std::move(error))
    { }

    bool ok() const { return m_v.index() == 0; }
    explicit operator bool() const { return ok(); }
    const T &value() const & { return std::get<0>(m_v); }
    T &value() & { return std::get<0>(m_v); }
    T &&value() && { return std::get<0>(std::move(m_v)); }
    const T *operator->() const { return &std::get<0>(m_v); }
    const T &operator*() const { return std::get<0>(m_v); }
    const Error &error() const { return std::get<1>(m_v); }

private:
    std::variant<T, Error> m_v;
};

/// Success with nothing to return.
struct Ok
{
};
using Status = Result<Ok>;

inline Error makeError(Reason r, std::string message)
{
    return Error {r, std::move(message)};
}

} // namespace writ::identity
