// SPDX-License-Identifier: Apache-2.0
#include "identity/result.h"

namespace writ::identity {

const char *reasonCode(Reason r)
{
    switch (r) {
    case Reason::TokenTooLarge:
        return "token.too-large";
    case Reason::TokenSegments:
        return "token.segments";
    case Reason::TokenBase64:
        return "token.base64";
    case Reason::TokenJson:
        return "token.json";
    case Reason::TokenDuplicateKey:
        return "token.duplicate-key";
    case Reason::TokenFieldTooLarge:
        return "token.field-too-large";
    case Reason::AlgMissing:
        return "header.alg-missing";
    case Reason::AlgNone:
        return "header.alg-none";
    case Reason::AlgHmac:
        return "header.alg-hmac";
    case Reason::AlgUnsupported:
        return "header.alg-unsupported";
    case Reason::AlgKeyMismatch:
        return "header.alg-key-mismatch";
    case Reason::CritUnsupported:
        return "header.crit";
    case Reason::KeyReferenceHeader:
        return "header.key-reference";
    case Reason::TypeMismatch:
        return "header.typ";
    case Reason::KidMissing:
        return "key.kid-missing";
    case Reason::UnknownKid:
        return "key.unknown-kid";
    case Reason::KeyUnusable:
        return "key.unusable";
    case Reason::NoKeys:
        return "key.none";
    case Reason::SignatureInvalid:
        return "signature.invalid";
    case Reason::SignatureLength:
        return "signature.length";
    case Reason::ClaimType:
        return "claims.type";
    case Reason::ClaimMissing:
        return "claims.missing";
    case Reason::Expired:
        return "claims.expired";
    case Reason::NotYetValid:
        return "claims.not-yet-valid";
    case Reason::IssuedInFuture:
        return "claims.iat-future";
    case Reason::LifetimeTooLong:
        return "claims.lifetime";
    case Reason::WrongIssuer:
        return "claims.issuer";
    case Reason::WrongAudience:
        return "claims.audience";
    case Reason::SubjectNotAllowed:
        return "claims.subject-not-allowed";
    case Reason::BadSpiffeId:
        return "claims.spiffe-id";
    case Reason::SpiffeTrustDomain:
        return "claims.spiffe-trust-domain";
    case Reason::ContextMismatch:
        return "claims.context-digest";
    case Reason::UntrustedIssuer:
        return "trust.untrusted-issuer";
    case Reason::NoAgent:
        return "identity.no-agent";
    case Reason::AmbiguousAgent:
        return "identity.ambiguous-agent";
    case Reason::JwkInvalid:
        return "jwk.invalid";
    case Reason::JwkUnsupported:
        return "jwk.unsupported";
    case Reason::JwkWeak:
        return "jwk.weak-key";
    case Reason::JwkPrivateMaterial:
        return "jwk.private-material";
    case Reason::JwkDuplicateKid:
        return "jwk.duplicate-kid";
    case Reason::PemInvalid:
        return "pem.invalid";
    case Reason::Io:
        return "io.error";
    case Reason::Config:
        return "config.invalid";
    case Reason::Crypto:
        return "crypto.error";
    }
    return "unknown";
}

} // namespace writ::identity
