// SPDX-License-Identifier: Apache-2.0
// writ token inspect|verify|issue — decode a token (never trusting it), run the gateway's exact
// verification on it, or mint one with a development issuer.
#include "commands.h"
#include "signing_key.h"

#include "common/file_io.h"
#include "identity/agent_mapping.h"
#include "identity/claims.h"
#include "identity/jwk.h"
#include "identity/jws.h"
#include "identity/key.h"
#include "identity/random_id.h"
#include "identity/secret_file.h"
#include "identity/task_credential.h"
#include "identity/time_text.h"
#include "identity/verifier.h"
#include "policy/policy.h"
#include "policy/policy_loader.h"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <iostream>
#include <iterator>

namespace writ::cli {

namespace {

namespace id = writ::identity;
using nlohmann::json;

constexpr std::size_t kMaxInputBytes = 1024 * 1024;

/// TOKEN as given, or standard input for "-" (keeps tokens out of `ps` and shell history).
std::optional<std::string> readToken(const std::string &arg, std::string &error)
{
    std::string t;
    if (arg == "-") {
        std::istreambuf_iterator<char> it(std::cin), end;
        while (it != end && t.size() <= kMaxInputBytes)
            t += *it++;
        if (t.size() > kMaxInputBytes) {
            error = "standard input is larger than 1 MiB";
            return std::nullopt;
        }
    } else {
        t = arg;
    }
    const auto first = t.find_first_not_of(" \t\r\n");
    if (first == std::string::npos) {
        error = "the token is empty";
        return std::nullopt;
    }
    t = t.substr(first, t.find_last_not_of(" \t\r\n") - first + 1);
    return t;
}

std::int64_t nowSeconds()
{
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::string relative(std::int64_t t, std::int64_t now)
{
    if (t == now)
        return "now";
    return t > now ? "in " + id::humanDuration(t - now) : id::humanDuration(now - t) + " ago";
}

/// Untrusted JSON for a terminal: re-serialized, so control characters come out escaped.
std::string pretty(std::string_view text)
{
    const json j = json::parse(text.begin(), text.end(), nullptr, false);
    if (j.is_discarded()) {
        std::string out;
        for (const char c : text)
            out += (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) ? '?' : c;
        return out + "  (not valid JSON)";
    }
    return j.dump(2, ' ', false, json::error_handler_t::replace);
}

/// A key file for `verify`: unreadable is an environment problem (exit 3), unparsable an input problem (exit 1).
std::optional<id::KeySet> loadKeys(const std::string &path, int &exitCode)
{
    std::string ioError;
    const auto text = readTextFile(path, ioError, id::kMaxKeyFileBytes);
    if (!text) {
        std::cerr << "writ token verify: cannot read " << path << ": " << ioError << "\n";
        exitCode = ExitEnvironment;
        return std::nullopt;
    }
    auto set = id::parseKeyFile(*text);
    if (!set) {
        std::cerr << "writ token verify: " << path << ": " << set.error().toString() << "\n";
        exitCode = ExitDiagnostics;
        return std::nullopt;
    }
    return std::move(set).value();
}

std::optional<std::chrono::seconds> parseSeconds(const std::string &text)
{
    if (text == "0" || text == "0s")
        return std::chrono::seconds(0);
    return policy::parseDuration(text);
}

// ---- inspect ----

int inspect(const std::string &arg)
{
    std::string error;
    const auto token = readToken(arg, error);
    if (!token) {
        std::cerr << "writ token inspect: " << error << "\n";
        return ExitDiagnostics;
    }
    std::cout << "NOT VERIFIED: this decodes the token and explains it; it trusts nothing in it.\n";
    // Generous limits: inspect explains oversized tokens instead of refusing to look at them.
    id::TokenLimits lax;
    lax.maxTokenBytes = kMaxInputBytes;
    lax.maxHeaderBytes = kMaxInputBytes;
    lax.maxStringBytes = kMaxInputBytes;
    lax.maxArrayItems = 100000;
    lax.maxMembers = 100000;
    lax.maxDepth = 64;
    const auto jws = id::splitCompact(*token, lax);
    if (!jws) {
        std::cout << "cannot decode: " << jws.error().toString() << "\n";
        return ExitDiagnostics;
    }
    std::vector<std::string> warnings;
    std::cout << "\nheader:\n" << pretty(jws->headerJson) << "\n";
    if (auto st = id::checkHeader(jws->header); !st)
        warnings.push_back(st.error().toString() + " — every Writ verifier refuses this token");
    if (jws->header.typ == id::kTaskCredentialTyp)
        std::cout << "(a Writ task credential: verify it with `writ token verify --task`)\n";

    const auto claims = id::parseClaims(jws->payload, lax);
    std::cout << "\nclaims:\n" << pretty(jws->payload) << "\n";
    const std::int64_t now = nowSeconds();
    if (!claims) {
        warnings.push_back(claims.error().toString());
    } else {
        std::cout << "\ntimes (now " << id::formatUtc(now) << "):\n";
        for (auto [name, value] :
            {std::pair {"iat", claims->iat}, std::pair {"nbf", claims->nbf}, std::pair {"exp", claims->exp}}) {
            if (value)
                std::cout << "  " << name << "  " << id::formatUtc(*value) << "  (" << relative(*value, now) << ")\n";
        }
        if (claims->exp && claims->iat)
            std::cout << "  lifetime  " << id::humanDuration(*claims->exp - *claims->iat) << "\n";
        if (!claims->exp)
            warnings.push_back("no exp: a token that never expires is refused by every Writ verifier");
        else if (*claims->exp <= now)
            warnings.push_back("expired " + id::humanDuration(now - *claims->exp) + " ago");
        if (claims->nbf && *claims->nbf > now)
            warnings.push_back("not valid for another " + id::humanDuration(*claims->nbf - now) + " (nbf)");
        if (claims->iat && *claims->iat > now)
            warnings.push_back(
                "issued " + id::humanDuration(*claims->iat - now) + " in the future (iat): the issuer's clock is ahead");
        if (claims->exp && *claims->exp - (claims->iat ? *claims->iat : now) > 3600)
            warnings.push_back("lifetime above 1h: trust entries accept at most their max lifetime (1h by default)");
        if (claims->iss.empty())
            warnings.push_back("no iss: no trust entry can be selected");
        if (claims->aud.empty())
            warnings.push_back("no aud: refused, a token must name the service it is for");
        if (claims->sub.empty() && jws->header.typ != id::kTaskCredentialTyp)
            warnings.push_back("no sub: nothing to map to a policy agent");
    }
    if (const auto alg = id::parseAlgorithm(jws->header.alg)) {
        const std::size_t want = *alg == id::Algorithm::RS256 ? 0 : 64;
        std::cout << "\nsignature: " << jws->signature.size() << " bytes";
        if (want != 0 && jws->signature.size() != want)
            warnings.push_back(std::string(id::algorithmName(*alg)) + " signatures are 64 bytes; this one has "
                + std::to_string(jws->signature.size()) + (jws->signature.size() > 64 ? " (DER-encoded ECDSA?)" : ""));
        std::cout << " (" << id::algorithmName(*alg) << ", key "
                  << (jws->header.hasKid ? "'" + jws->header.kid + "'" : "without kid") << ")\n";
    } else {
        std::cout << "\nsignature: " << jws->signature.size() << " bytes\n";
    }
    if (token->size() > id::TokenLimits {}.maxTokenBytes)
        warnings.push_back("the token is " + std::to_string(token->size()) + " bytes; verifiers refuse tokens above "
            + std::to_string(id::TokenLimits {}.maxTokenBytes));
    std::cout << "\n";
    if (warnings.empty()) {
        std::cout << "warnings: none (the signature is still unchecked: use `writ token verify`)\n";
    } else {
        std::cout << "warnings:\n";
        for (const std::string &w : warnings)
            std::cout << "  - " << w << "\n";
    }
    return ExitOk;
}

// ---- verify ----

struct VerifyOptions
{
    std::string token;
    std::vector<std::string> jwks;
    std::string iss, aud, trustDomain, leeway = "30s", maxLifetime = "1h", policy, contextDigest;
    std::vector<std::string> subjects;
    bool task = false;
};

void refused(const id::Error &e)
{
    std::cerr << "writ token verify: refused [" << e.code() << "]: " << e.message << "\n";
}

int verify(const VerifyOptions &o)
{
    const char *me = "writ token verify: ";
    std::string error;
    const auto token = readToken(o.token, error);
    if (!token) {
        std::cerr << me << error << "\n";
        return ExitDiagnostics;
    }
    const auto leeway = parseSeconds(o.leeway);
    if (!leeway || *leeway > id::kMaxLeeway) {
        std::cerr << me << "--leeway must be a duration from 0s to 60s (e.g. 30s)\n";
        return ExitUsage;
    }
    const auto maxLifetime = policy::parseDuration(o.maxLifetime);
    if (!maxLifetime) {
        std::cerr << me << "--max-lifetime must be a duration such as 10m or 1h\n";
        return ExitUsage;
    }
    id::KeySet keys;
    int exitCode = ExitOk;
    for (const std::string &path : o.jwks) {
        auto set = loadKeys(path, exitCode);
        if (!set)
            return exitCode;
        for (auto &k : set->keys)
            keys.keys.push_back(std::move(k));
        for (auto &s : set->skipped) {
            std::cerr << "note: " << path << ": key " << (s.kid.empty() ? std::string("(no kid)") : "'" + s.kid + "'")
                      << " is not used: " << s.why.toString() << "\n";
            keys.skipped.push_back(std::move(s));
        }
    }
    const std::int64_t now = nowSeconds();

    if (o.task) {
        if (o.iss.empty()) {
            std::cerr << me << "--task needs --iss (the name Writ signs task credentials with)\n";
            return ExitUsage;
        }
        const id::TaskCredentialVerifier verifier({o.iss, o.aud, *leeway, *maxLifetime}, keys);
        const auto cred = o.contextDigest.empty() ? verifier.verify(*token) : verifier.verify(*token, o.contextDigest);
        if (!cred) {
            refused(cred.error());
            return ExitDiagnostics;
        }
        const auto jws = id::splitCompact(*token);
        std::cout << pretty(jws->payload) << "\n";
        std::cerr << me << "ok — task credential for agent '" << cred->agent << "', task type '" << cred->taskType << "', task '"
                  << cred->taskId << "', key '" << cred->kid << "', expires "
                  << relative(cred->expiresAt.time_since_epoch().count(), now) << "\n";
        return ExitOk;
    }

    id::TrustEntry entry;
    entry.kind = o.trustDomain.empty() ? id::TrustEntry::Kind::Oidc : id::TrustEntry::Kind::Spiffe;
    entry.issuer = o.iss;
    entry.trustDomain = o.trustDomain;
    entry.audience = o.aud;
    entry.allowedSubjects = o.subjects;
    entry.keys = std::move(keys);
    entry.leeway = *leeway;
    entry.maxLifetime = *maxLifetime;
    id::Verifier verifier;
    if (auto st = verifier.addTrustEntry(entry); !st) {
        std::cerr << me << st.error().message << "\n";
        return ExitUsage;
    }
    const auto verified = verifier.verify(*token);
    if (!verified) {
        refused(verified.error());
        return ExitDiagnostics;
    }
    std::string agent;
    if (!o.policy.empty()) {
        const policy::LoadResult loaded = policy::loadPolicyFile(o.policy);
        if (!loaded.ok()) {
            std::cerr << me << o.policy << " has errors; run `writ check " << o.policy << "`\n";
            return ExitDiagnostics;
        }
        const auto match = id::mapToAgent(loaded.policy, *verified);
        if (!match) {
            refused(match.error());
            return ExitDiagnostics;
        }
        agent = match->agentId;
    }
    std::cout << pretty(verified->claims.json) << "\n";
    std::cerr << me << "ok — " << id::trustKindName(verified->kind) << " subject '" << verified->subject << "'"
              << (agent.empty() ? std::string() : " is agent '" + agent + "'") << ", key '" << verified->kid << "' ("
              << id::algorithmName(verified->algorithm) << "), expires " << relative(*verified->claims.exp, now) << "\n";
    return ExitOk;
}

// ---- issue ----

struct IssueOptions
{
    std::string key, kid, iss, sub, ttl = "5m", typ = "JWT";
    std::vector<std::string> aud, claims;
};

int issue(const IssueOptions &o)
{
    const char *me = "writ token issue: ";
    std::cerr << "writ token issue: DEVELOPMENT ISSUER — for tests and local development only. Production agents get "
                 "their tokens from an OIDC provider or SPIRE.\n";
    std::string keyError;
    int keyExit = ExitOk;
    auto key = loadSigningKey(o.key, o.kid, keyError, keyExit);
    if (!key) {
        std::cerr << me << keyError << "\n";
        return keyExit;
    }
    const auto ttl = policy::parseDuration(o.ttl);
    if (!ttl || *ttl > std::chrono::hours(24)) {
        std::cerr << me << "--ttl must be a duration up to 24h (e.g. 5m)\n";
        return ExitUsage;
    }
    const auto jti = id::randomId();
    if (!jti) {
        std::cerr << me << jti.error().toString() << "\n";
        return ExitEnvironment;
    }
    const std::int64_t now = nowSeconds();
    json claims = {{"iss", o.iss}, {"sub", o.sub}, {"iat", now}, {"exp", now + ttl->count()}, {"jti", *jti}};
    claims["aud"] = o.aud.size() == 1 ? json(o.aud.front()) : json(o.aud);
    for (const std::string &c : o.claims) {
        // k=v sets a string; k:=JSON sets any JSON value (as httpie does).
        const auto raw = c.find(":=");
        const auto eq = c.find('=');
        if (eq == std::string::npos || eq == 0) {
            std::cerr << me << "--claim '" << c << "' must be NAME=STRING or NAME:=JSON\n";
            return ExitUsage;
        }
        const bool isJson = raw != std::string::npos && raw + 1 == eq;
        const std::string name = c.substr(0, isJson ? raw : eq);
        const std::string value = c.substr(eq + 1);
        if (claims.contains(name)) {
            std::cerr << me << "claim '" << name << "' is set by its own option or given twice\n";
            return ExitUsage;
        }
        if (isJson) {
            json v = json::parse(value, nullptr, false);
            if (v.is_discarded()) {
                std::cerr << me << "--claim " << name << ":= needs valid JSON, got '" << value << "'\n";
                return ExitUsage;
            }
            claims[name] = std::move(v);
        } else {
            claims[name] = value;
        }
    }
    std::string payload;
    try {
        payload = claims.dump();
    } catch (const json::exception &) {
        std::cerr << me << "a claim is not valid UTF-8\n";
        return ExitUsage;
    }
    const auto token = id::signCompact(payload, *key, o.typ);
    if (!token) {
        std::cerr << me << token.error().toString() << "\n";
        return ExitEnvironment;
    }
    std::cout << *token << "\n";
    return ExitOk;
}

} // namespace

void registerToken(CLI::App &app, int &exitCode)
{
    CLI::App *token = app.add_subcommand("token", "Inspect, verify and (for development) issue JWT tokens");
    token->require_subcommand(1);

    auto inspectArg = std::make_shared<std::string>();
    CLI::App *ins = token->add_subcommand("inspect", "Decode a token and explain it, trusting nothing (no signature check)");
    ins->add_option("token", *inspectArg, "The token, or - to read it from standard input")->required();
    ins->callback([inspectArg, &exitCode] { exitCode = inspect(*inspectArg); });

    auto v = std::make_shared<VerifyOptions>();
    CLI::App *ver = token->add_subcommand(
        "verify", "Verify a token exactly as the gateway does; print its claims or the precise reason it is refused");
    ver->add_option("token", v->token, "The token, or - to read it from standard input")->required();
    ver->add_option("--jwks", v->jwks, "Key file: JWKS, JWK or PEM public key (repeatable)")->required()->allow_extra_args(false);
    ver->add_option("--iss", v->iss, "Expected issuer (required for OIDC tokens and --task)");
    ver->add_option("--aud", v->aud, "Expected audience: the name of this gateway")->required();
    ver->add_option("--subject", v->subjects, "Allowed subject (repeatable; default: any)")->allow_extra_args(false);
    ver->add_option(
        "--trust-domain", v->trustDomain, "Verify a SPIFFE JWT-SVID of this trust domain (sub must be spiffe://DOMAIN/...)");
    ver->add_option("--leeway", v->leeway, "Clock skew tolerated, 0s to 60s")->capture_default_str();
    ver->add_option("--max-lifetime", v->maxLifetime, "Longest token lifetime accepted")->capture_default_str();
    ver->add_option("--policy", v->policy, "Also map the identity to an agent of this policy");
    ver->add_flag("--task", v->task, "Verify a Writ task credential (typ writ-task+jwt) instead of a workload token");
    ver->add_option("--context-digest", v->contextDigest, "With --task: the digest the credential must be bound to");
    ver->callback([v, &exitCode] { exitCode = verify(*v); });

    auto i = std::make_shared<IssueOptions>();
    CLI::App *iss
        = token->add_subcommand("issue", "DEVELOPMENT ISSUER: sign a token with a local key, for tests and local setups");
    iss->add_option("--key", i->key, "Private key PEM (from `writ keys generate`)")->required();
    iss->add_option("--iss", i->iss, "Issuer")->required();
    iss->add_option("--sub", i->sub, "Subject (an OIDC subject or a SPIFFE ID)")->required();
    iss->add_option("--aud", i->aud, "Audience (repeatable)")->required()->allow_extra_args(false);
    iss->add_option("--ttl", i->ttl, "Lifetime, up to 24h")->capture_default_str();
    iss->add_option("--kid", i->kid, "Key id (default: the key's kid in jwks.json beside the key file, else its thumbprint)");
    iss->add_option("--typ", i->typ, "Header typ")->capture_default_str();
    iss->add_option("--claim", i->claims, "Extra claim NAME=STRING or NAME:=JSON (repeatable)")->allow_extra_args(false);
    iss->callback([i, &exitCode] { exitCode = issue(*i); });
}

} // namespace writ::cli
