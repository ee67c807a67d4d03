// SPDX-License-Identifier: Apache-2.0
#include "identity/verifier.h"
#include "identity/json_util.h"
#include "identity/jws.h"
#include "identity/key_source.h"
#include "identity/spiffe_id.h"

#include <algorithm>
#include <cctype>
#include <mutex>

namespace writ::identity {

using detail::safeQuote;

const char *trustKindName(TrustEntry::Kind k)
{
    return k == TrustEntry::Kind::Oidc ? "oidc" : "spiffe";
}

struct Verifier::Impl
{
    struct Entry
    {
        TrustEntry config;
        std::shared_ptr<const KeySet> staticKeys;
        mutable std::vector<KeySource> sources; // refreshed under Impl::mutex
    };

    VerifierOptions options;
    mutable std::mutex mutex; // guards the key sources and lastCheck
    std::vector<std::shared_ptr<const Entry>> entries; // shared, so a verification keeps its entry alive
    mutable std::chrono::steady_clock::time_point lastCheck {};

    void refreshLocked(bool force) const
    {
        const auto now = std::chrono::steady_clock::now();
        if (!force && now - lastCheck < options.reloadInterval)
            return;
        lastCheck = now;
        for (const auto &e : entries) {
            for (KeySource &s : e->sources)
                s.refresh();
        }
    }

    /// The key sets of one entry as they are now (shared pointers, so verification runs unlocked).
    std::vector<std::shared_ptr<const KeySet>> snapshot(const Entry &e) const
    {
        std::vector<std::shared_ptr<const KeySet>> sets {e.staticKeys};
        for (const KeySource &s : e.sources)
            sets.push_back(s.keys());
        return sets;
    }
};

Verifier::Verifier(VerifierOptions options)
    : m_impl(std::make_unique<Impl>())
{
    if (!options.clock)
        options.clock = systemClock();
    m_impl->options = std::move(options);
}

Verifier::~Verifier() = default;
Verifier::Verifier(Verifier &&) noexcept = default;
Verifier &Verifier::operator=(Verifier &&) noexcept = default;

Status Verifier::addTrustEntry(TrustEntry entry)
{
    const std::string label = entry.name.empty() ? (entry.issuer.empty() ? entry.trustDomain : entry.issuer) : entry.name;
    const auto bad
        = [&](const std::string &why) { return makeError(Reason::Config, "trust entry " + safeQuote(label) + ": " + why); };
    if (entry.kind == TrustEntry::Kind::Oidc) {
        if (entry.issuer.empty())
            return bad("an OIDC trust entry needs an issuer");
        if (!entry.trustDomain.empty())
            return bad("an OIDC trust entry has no trust domain (did you mean a SPIFFE entry?)");
    } else {
        if (!isValidTrustDomain(entry.trustDomain))
            return bad(
                "a SPIFFE trust entry needs a trust domain such as example.org (lowercase letters, digits, '.', '-', '_')");
        for (const std::string &s : entry.allowedSubjects) {
            Result<SpiffeId> id = parseSpiffeId(s);
            if (!id)
                return bad(id.error().message);
            if (id->trustDomain != entry.trustDomain)
                return bad("allowed subject " + safeQuote(s) + " is outside trust domain " + safeQuote(entry.trustDomain));
        }
    }
    ClaimRules rules {entry.issuer, entry.audience, entry.leeway, entry.maxLifetime};
    if (Status st = checkRules(rules); !st)
        return bad(st.error().message);
    if (entry.keyFiles.empty() && entry.keys.keys.empty())
        return bad("no key files and no keys");
    std::lock_guard lock(m_impl->mutex);
    for (const auto &existing : m_impl->entries) {
        const Impl::Entry &e = *existing;
        if (!entry.issuer.empty() && e.config.issuer == entry.issuer)
            return bad("issuer " + safeQuote(entry.issuer) + " is already configured by trust entry " + safeQuote(e.config.name));
        if (entry.kind == TrustEntry::Kind::Spiffe && e.config.kind == TrustEntry::Kind::Spiffe && entry.issuer.empty()
            && e.config.issuer.empty() && e.config.trustDomain == entry.trustDomain)
            return bad("trust domain " + safeQuote(entry.trustDomain) + " is already configured");
    }
    entry.name = label;

    auto e = std::make_shared<Impl::Entry>();
    for (const std::string &path : entry.keyFiles) {
        KeySource source(path);
        if (Status st = source.load(); !st)
            return bad(st.error().message);
        e->sources.push_back(std::move(source));
    }
    e->staticKeys = std::make_shared<const KeySet>(entry.keys);
    e->config = std::move(entry);
    m_impl->entries.push_back(std::move(e));
    return Ok {};
}

void Verifier::reloadKeys() const
{
    std::lock_guard lock(m_impl->mutex);
    m_impl->refreshLocked(true);
}

std::vector<std::string> Verifier::keyWarnings() const
{
    std::lock_guard lock(m_impl->mutex);
    std::vector<std::string> out;
    for (const auto &ep : m_impl->entries) {
        const Impl::Entry &e = *ep;
        for (const auto &set : m_impl->snapshot(e)) {
            for (const SkippedKey &s : set->skipped)
                out.push_back("trust entry " + safeQuote(e.config.name) + ": key "
                    + (s.kid.empty() ? std::string("(no kid)") : safeQuote(s.kid)) + " skipped: " + s.why.toString());
        }
        for (const KeySource &s : e.sources) {
            if (s.lastError())
                out.push_back("trust entry " + safeQuote(e.config.name) + ": " + s.lastError()->toString());
        }
    }
    return out;
}

Result<VerifiedIdentity> Verifier::verify(std::string_view token) const
{
    const Impl &impl = *m_impl;
    Result<DecodedJws> jws = decodeCompact(token, impl.options.limits);
    if (!jws)
        return jws.error();
    std::string typ = jws->header.typ;
    std::transform(typ.begin(), typ.end(), typ.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    if (typ == kTaskCredentialTyp || typ == "application/" + std::string(kTaskCredentialTyp))
        return makeError(Reason::TypeMismatch,
            "this is a Writ task credential (typ " + safeQuote(jws->header.typ)
                + "), not a workload identity token; present it to the gateway as the "
                  "database password instead");
    Result<Claims> claims = parseClaims(jws->payload, impl.options.limits);
    if (!claims)
        return claims.error();

    // The trust entry: by issuer first, else by the SPIFFE trust domain of sub. Nothing here is trusted
    // yet; it only decides whose keys will be asked to vouch for the token.
    std::shared_ptr<const Impl::Entry> entry;
    std::optional<SpiffeId> spiffe;
    if (claims->sub.rfind("spiffe://", 0) == 0) {
        if (Result<SpiffeId> id = parseSpiffeId(claims->sub))
            spiffe = *id;
    }
    std::vector<std::shared_ptr<const KeySet>> sets;
    {
        std::lock_guard lock(impl.mutex);
        for (const auto &e : impl.entries) {
            if (!e->config.issuer.empty() && e->config.issuer == claims->iss) {
                entry = e;
                break;
            }
        }
        if (!entry && spiffe) {
            for (const auto &e : impl.entries) {
                if (e->config.kind == TrustEntry::Kind::Spiffe && e->config.issuer.empty()
                    && e->config.trustDomain == spiffe->trustDomain) {
                    entry = e;
                    break;
                }
            }
        }
        if (entry) {
            impl.refreshLocked(false);
            sets = impl.snapshot(*entry);
        }
    }
    if (!entry) {
        std::string what = claims->iss.empty() ? std::string("the token has no issuer") : "issuer " + safeQuote(claims->iss);
        if (spiffe)
            what += " and SPIFFE trust domain " + safeQuote(spiffe->trustDomain);
        return makeError(Reason::UntrustedIssuer, "no trust entry accepts this token: " + what + " is not configured");
    }
    const TrustEntry &cfg = entry->config;

    const auto pick = [&] {
        std::vector<const KeySet *> raw;
        for (const auto &s : sets)
            raw.push_back(s.get());
        return selectKey(raw, jws->header.kid, jws->header.hasKid);
    };
    Result<PublicKey> key = pick();
    if (!key && key.error().reason == Reason::UnknownKid) {
        // The issuer may have just published a new key: look at the files once more before refusing.
        std::lock_guard lock(impl.mutex);
        impl.refreshLocked(true);
        sets = impl.snapshot(*entry);
    }
    if (!key && key.error().reason == Reason::UnknownKid)
        key = pick();
    if (!key)
        return Error {key.error().reason, "trust entry " + safeQuote(cfg.name) + ": " + key.error().message};
    if (Status st = verifySignature(*jws, *key); !st)
        return st.error();

    ClaimRules rules {cfg.issuer, cfg.audience, cfg.leeway, cfg.maxLifetime};
    if (Status st = validateClaims(*claims, rules, impl.options.clock()); !st)
        return st.error();
    if (claims->sub.empty())
        return makeError(Reason::ClaimMissing, "the token has no \"sub\" claim; Writ maps the subject to a policy agent");

    VerifiedIdentity out;
    out.kind = cfg.kind;
    out.trustEntry = cfg.name;
    out.issuer = claims->iss;
    out.subject = claims->sub;
    out.kid = key->kid();
    out.algorithm = key->algorithm();
    if (cfg.kind == TrustEntry::Kind::Spiffe) {
        Result<SpiffeId> id = parseSpiffeId(claims->sub);
        if (!id)
            return id.error();
        if (id->trustDomain != cfg.trustDomain)
            return makeError(Reason::SpiffeTrustDomain,
                "SPIFFE ID " + safeQuote(claims->sub) + " belongs to trust domain " + safeQuote(id->trustDomain)
                    + ", but trust entry " + safeQuote(cfg.name) + " speaks only for " + safeQuote(cfg.trustDomain));
        out.trustDomain = id->trustDomain;
    }
    if (!cfg.allowedSubjects.empty()
        && std::find(cfg.allowedSubjects.begin(), cfg.allowedSubjects.end(), claims->sub) == cfg.allowedSubjects.end())
        return makeError(Reason::SubjectNotAllowed,
            "subject " + safeQuote(claims->sub) + " is not among the subjects trust entry " + safeQuote(cfg.name) + " allows");
    out.claims = std::move(claims).value();
    return out;
}

} // namespace writ::identity
