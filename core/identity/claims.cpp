// SPDX-License-Identifier: Apache-2.0
#include "identity/claims.h"
#include "identity/json_util.h"

#include <algorithm>
#include <cmath>

namespace writ::identity {

using detail::safeQuote;
using nlohmann::json;

namespace {

// NumericDate bounds: not before 1970, not after 9999-12-31 (anything later is a forged or broken token).
constexpr std::int64_t kMaxNumericDate = 253402300799LL;

Result<std::optional<std::int64_t>> numericDate(const json &payload, const char *name)
{
    const auto it = payload.find(name);
    if (it == payload.end())
        return std::optional<std::int64_t>();
    if (it->is_number_integer()) {
        const std::int64_t v = it->is_number_unsigned() && it->get<std::uint64_t>() > std::uint64_t(kMaxNumericDate)
            ? kMaxNumericDate + 1
            : it->get<std::int64_t>();
        if (v < 0 || v > kMaxNumericDate)
            return makeError(Reason::ClaimType, std::string("claim \"") + name + "\" is out of range: " + it->dump());
        return std::optional<std::int64_t>(v);
    }
    if (it->is_number_float()) {
        const double d = it->get<double>();
        if (!std::isfinite(d) || d < 0 || d > double(kMaxNumericDate))
            return makeError(Reason::ClaimType, std::string("claim \"") + name + "\" is out of range: " + it->dump());
        return std::optional<std::int64_t>(static_cast<std::int64_t>(std::floor(d)));
    }
    return makeError(Reason::ClaimType,
        std::string("claim \"") + name
            + "\" must be a NumericDate (a number of seconds since "
              "1970), not "
            + it->type_name() + " (RFC 7519 §2)");
}

Result<std::string> stringClaim(const json &payload, const char *name)
{
    const auto it = payload.find(name);
    if (it == payload.end())
        return std::string();
    if (!it->is_string())
        return makeError(Reason::ClaimType, std::string("claim \"") + name + "\" must be a string, not " + it->type_name());
    return it->get<std::string>();
}

} // namespace

Clock systemClock()
{
    return [] { return std::chrono::system_clock::now(); };
}

bool Claims::hasAudience(std::string_view a) const
{
    return std::find(aud.begin(), aud.end(), a) != aud.end();
}

std::string Claims::get(std::string_view name) const
{
    const auto it = strings.find(std::string(name));
    return it == strings.end() ? std::string() : it->second;
}

Result<Claims> parseClaims(std::string_view payload, const TokenLimits &limits)
{
    Result<json> parsed = detail::parseStrictObject(payload, limits, "JWT claims");
    if (!parsed)
        return parsed.error();
    const json &p = *parsed;
    Claims c;
    c.json = std::string(payload);
    for (auto [field, name] : {std::pair {&c.iss, "iss"}, std::pair {&c.sub, "sub"}, std::pair {&c.jti, "jti"}}) {
        Result<std::string> v = stringClaim(p, name);
        if (!v)
            return v.error();
        *field = *v;
    }
    if (const auto aud = p.find("aud"); aud != p.end()) {
        if (aud->is_string()) {
            c.aud.push_back(aud->get<std::string>());
        } else if (aud->is_array()) {
            for (const json &a : *aud) {
                if (!a.is_string())
                    return makeError(Reason::ClaimType, "claim \"aud\" must be a string or an array of strings");
                c.aud.push_back(a.get<std::string>());
            }
        } else {
            return makeError(
                Reason::ClaimType, "claim \"aud\" must be a string or an array of strings, not " + std::string(aud->type_name()));
        }
    }
    for (auto [field, name] : {std::pair {&c.exp, "exp"}, std::pair {&c.nbf, "nbf"}, std::pair {&c.iat, "iat"}}) {
        auto v = numericDate(p, name);
        if (!v)
            return v.error();
        *field = *v;
    }
    for (const auto &[key, value] : p.items()) {
        if (value.is_string() && key != "iss" && key != "sub" && key != "jti" && key != "aud")
            c.strings.emplace(key, value.get<std::string>());
    }
    return c;
}

Status checkRules(const ClaimRules &rules)
{
    if (rules.leeway < std::chrono::seconds(0) || rules.leeway > kMaxLeeway)
        return makeError(Reason::Config,
            "leeway is " + std::to_string(rules.leeway.count()) + "s; it must be between 0s and "
                + std::to_string(kMaxLeeway.count()) + "s");
    if (rules.maxLifetime <= std::chrono::seconds(0))
        return makeError(Reason::Config, "the maximum token lifetime must be positive");
    if (rules.audience.empty())
        return makeError(Reason::Config,
            "an audience is required: without one, a token minted for any other service would be "
            "accepted (RFC 8725 §3.9)");
    return Ok {};
}

Status validateClaims(const Claims &c, const ClaimRules &rules, std::chrono::system_clock::time_point nowTp)
{
    if (Status st = checkRules(rules); !st)
        return st;
    const std::int64_t now = std::chrono::duration_cast<std::chrono::seconds>(nowTp.time_since_epoch()).count();
    const std::int64_t leeway = rules.leeway.count();
    const std::int64_t maxLifetime = rules.maxLifetime.count();

    if (!c.exp)
        return makeError(Reason::ClaimMissing, "the token has no \"exp\" claim; tokens without an expiry are never accepted");
    if (rules.requireIat && !c.iat)
        return makeError(Reason::ClaimMissing, "the token has no \"iat\" claim");
    if (now >= *c.exp + leeway)
        return makeError(Reason::Expired,
            "the token expired at " + formatUtc(*c.exp) + ", " + humanDuration(now - *c.exp) + " ago (leeway "
                + std::to_string(leeway) + "s); ask the issuer for a new one");
    if (c.nbf && now + leeway < *c.nbf)
        return makeError(Reason::NotYetValid,
            "the token is not valid before " + formatUtc(*c.nbf) + ", " + humanDuration(*c.nbf - now) + " from now (leeway "
                + std::to_string(leeway) + "s); check the issuer's clock");
    if (c.iat && *c.iat > now + leeway)
        return makeError(Reason::IssuedInFuture,
            "the token claims to be issued at " + formatUtc(*c.iat) + ", " + humanDuration(*c.iat - now)
                + " in the future (leeway " + std::to_string(leeway) + "s); check the issuer's clock");
    const std::int64_t lifetime = *c.exp - (c.iat ? *c.iat : now);
    if (lifetime > maxLifetime || *c.exp - now > maxLifetime + leeway)
        return makeError(Reason::LifetimeTooLong,
            "the token is valid for " + humanDuration(std::max(lifetime, *c.exp - now)) + "; this trust entry accepts at most "
                + humanDuration(maxLifetime));
    if (!rules.issuer.empty() && c.iss != rules.issuer)
        return makeError(Reason::WrongIssuer,
            "the token's issuer is " + (c.iss.empty() ? std::string("missing") : safeQuote(c.iss)) + "; expected "
                + safeQuote(rules.issuer));
    if (!c.hasAudience(rules.audience)) {
        std::string got;
        for (const std::string &a : c.aud)
            got += (got.empty() ? "" : ", ") + safeQuote(a);
        return makeError(Reason::WrongAudience,
            "the token is for audience " + (got.empty() ? std::string("(none)") : got) + ", not " + safeQuote(rules.audience)
                + " — it was minted for another service (RFC 8725 §3.9)");
    }
    return Ok {};
}

} // namespace writ::identity
