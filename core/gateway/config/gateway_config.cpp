// SPDX-License-Identifier: Apache-2.0
#include "gateway/config/gateway_config.h"

#include "common/file_io.h"
#include "common/text_file_checks.h"
#include "common/text.h"
#include "policy/policy.h"
#include "policy/policy_rules.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <set>

namespace writ::gateway {

namespace {

class Reader
{
public:
    Reader(Diagnostics &out, std::string file) : m_out(out), m_file(std::move(file)) {}

    SourceLocation at(const YAML::Node &n) const
    {
        const auto m = n.Mark();
        return {m_file, m.line >= 0 ? m.line + 1 : 0, m.column >= 0 ? m.column + 1 : 0};
    }

    void error(const YAML::Node &n, const std::string &code, const std::string &message, const std::string &hint = {})
    {
        m_out.error(code, message, hint, at(n));
    }

    /// Reports keys of `map` not in `known`, with the closest known key as a hint.
    bool keys(const YAML::Node &map, const std::vector<std::string> &known, const std::string &where)
    {
        if (!map.IsMap()) {
            error(map, "config.type", where + " must be a mapping");
            return false;
        }
        std::set<std::string> seen;
        for (const auto &kv : map) {
            const std::string key = kv.first.Scalar();
            if (!seen.insert(key).second)
                error(kv.first, "config.duplicate-key", "key '" + key + "' appears twice in " + where,
                      "keep one of them; YAML would silently use only the first");
            if (std::find(known.begin(), known.end(), key) == known.end()) {
                const auto near = closestMatch(key, known);
                error(kv.first, "config.unknown-key", "unknown key '" + key + "' in " + where,
                      near ? "did you mean '" + *near + "'?" : "known keys: " + joinList(known));
            }
        }
        return true;
    }

    void string(const YAML::Node &map, const char *key, std::string &out)
    {
        if (const auto n = map[key]) {
            if (!n.IsScalar())
                error(n, "config.type", std::string(key) + " must be a string");
            else
                out = n.Scalar();
        }
    }

    void boolean(const YAML::Node &map, const char *key, bool &out)
    {
        if (const auto n = map[key]) {
            if (!n.IsScalar() || (n.Scalar() != "true" && n.Scalar() != "false"))
                error(n, "config.type", std::string(key) + " must be true or false");
            else
                out = n.Scalar() == "true";
        }
    }

    void integer(const YAML::Node &map, const char *key, int &out, int min, int max)
    {
        if (const auto n = map[key]) {
            try {
                const long long v = std::stoll(n.Scalar());
                if (std::to_string(v) != n.Scalar() || v < min || v > max)
                    throw std::out_of_range(key);
                out = static_cast<int>(v);
            } catch (const std::exception &) {
                error(n, "config.value", std::string(key) + " must be a whole number from " + std::to_string(min) + " to " + std::to_string(max));
            }
        }
    }

    template <typename Rep, typename Period>
    void duration(const YAML::Node &map, const char *key, std::chrono::duration<Rep, Period> &out)
    {
        if (const auto n = map[key]) {
            if (!n.IsScalar()) {
                error(n, "config.type", std::string(key) + " must be a duration such as 5s or 1m");
                return;
            }
            std::string text = n.Scalar();
            if (text.size() > 2 && text.compare(text.size() - 2, 2, "ms") == 0) {
                try {
                    out = std::chrono::duration_cast<std::chrono::duration<Rep, Period>>(std::chrono::milliseconds(std::stoll(text)));
                    return;
                } catch (const std::exception &) {
                }
            } else if (const auto d = policy::parseDuration(text)) {
                out = std::chrono::duration_cast<std::chrono::duration<Rep, Period>>(*d);
                return;
            }
            error(n, "config.value", std::string(key) + " must be a duration such as 500ms, 5s or 1m, not '" + text + "'");
        }
    }

    void strings(const YAML::Node &map, const char *key, std::vector<std::string> &out)
    {
        if (const auto n = map[key]) {
            if (!n.IsSequence()) {
                error(n, "config.type", std::string(key) + " must be a list");
                return;
            }
            for (const auto &item : n)
                out.push_back(item.Scalar());
        }
    }

    void endpoint(const YAML::Node &n, Endpoint &out)
    {
        // "host:port" or ":port"; IPv6 as "[::1]:6432".
        const std::string text = n.Scalar();
        const auto colon = text.rfind(':');
        if (!n.IsScalar() || colon == std::string::npos) {
            error(n, "config.value", "listen must be host:port, e.g. 127.0.0.1:6432");
            return;
        }
        std::string host = text.substr(0, colon);
        if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
            host = host.substr(1, host.size() - 2);
        out.host = host.empty() ? "0.0.0.0" : host;
        try {
            out.port = std::stoi(text.substr(colon + 1));
        } catch (const std::exception &) {
            out.port = -1;
        }
        if (out.port < 0 || out.port > 65535)
            error(n, "config.value", "the port in listen must be 0-65535 (0 picks a free port)");
    }

private:
    Diagnostics &m_out;
    std::string m_file;
};

void readTrust(Reader &r, const YAML::Node &item, TrustConfig &out)
{
    // Each entry is {oidc: {...}} or {spiffe: {...}}, as agents' identities are written in a policy.
    if (!item.IsMap() || item.size() != 1 || !(item["oidc"] || item["spiffe"])) {
        r.error(item, "config.value", "each tasks_api.trust entry is {oidc: {...}} or {spiffe: {...}}");
        return;
    }
    out.spiffe = static_cast<bool>(item["spiffe"]);
    const YAML::Node e = out.spiffe ? item["spiffe"] : item["oidc"];
    const std::string where = out.spiffe ? "tasks_api.trust spiffe" : "tasks_api.trust oidc";
    std::vector<std::string> known{"issuer", "audience", "key_files", out.spiffe ? "ids" : "subjects", "leeway", "max_lifetime"};
    if (out.spiffe)
        known.push_back("trust_domain");
    if (!r.keys(e, known, where))
        return;
    r.string(e, "issuer", out.issuer);
    r.string(e, "trust_domain", out.trustDomain);
    r.string(e, "audience", out.audience);
    r.strings(e, out.spiffe ? "ids" : "subjects", out.subjects);
    r.strings(e, "key_files", out.keyFiles);
    r.duration(e, "leeway", out.leeway);
    r.duration(e, "max_lifetime", out.maxLifetime);
    if (out.audience.empty())
        r.error(e, "config.missing", where + " needs audience", "the aud value the identity provider puts in tokens meant for this gateway");
    if (out.keyFiles.empty())
        r.error(e, "config.missing", where + " needs key_files", "the issuer's JWKS (or JWK / PEM public key) files");
    if (!out.spiffe && out.issuer.empty())
        r.error(e, "config.missing", where + " needs issuer", "the iss value of the provider's ID tokens");
    if (out.spiffe && out.trustDomain.empty())
        r.error(e, "config.missing", where + " needs trust_domain", "e.g. example.org for spiffe://example.org/...");
}

void readTasksApi(Reader &r, const YAML::Node &t, GatewayConfig &c)
{
    if (!r.keys(t, {"credential_key", "trust", "advertise", "approval_window"}, "tasks_api"))
        return;
    TasksApiConfig &api = c.tasksApi;
    api.enabled = true;
    r.string(t, "credential_key", api.credentialKeyFile);
    if (api.credentialKeyFile.empty())
        r.error(t, "config.missing", "tasks_api.credential_key is required",
                "the Ed25519 private key (writ keys generate --alg EdDSA) whose public key is in credentials.key_files");
    if (const auto n = t["advertise"])
        r.endpoint(n, api.advertise);
    r.duration(t, "approval_window", api.approvalWindow);
    if (const auto list = t["trust"]) {
        if (!list.IsSequence()) {
            r.error(list, "config.type", "tasks_api.trust must be a list");
        } else {
            for (const auto &item : list) {
                api.trust.emplace_back();
                readTrust(r, item, api.trust.back());
            }
        }
    }
    if (!c.admin.enabled)
        r.error(t, "config.missing", "tasks_api needs the admin section", "the tasks API is served on the admin API's listener");
}

} // namespace

ConfigLoad parseGatewayConfig(const std::string &text, const std::string &fileName)
{
    ConfigLoad load;
    GatewayConfig &c = load.config;
    Reader r(load.diagnostics, fileName);
    if (!checkTextFile(text, fileName, {"config", "the configuration", 1024 * 1024, "check that this is the right file"}, load.diagnostics))
        return load;
    YAML::Node root;
    try {
        root = YAML::Load(text);
    } catch (const YAML::Exception &e) {
        load.diagnostics.error("config.syntax", e.msg, "", {fileName, e.mark.line + 1, e.mark.column + 1});
        return load;
    }
    if (!r.keys(root, {"listen", "upstream", "state_dsn", "password_secret", "environment", "tls", "credentials", "audit",
                       "admin", "tasks_api", "bundles", "pool", "workers", "max_clients", "auth_timeout", "shutdown_timeout"},
                "the gateway configuration"))
        return load;
    if (const auto n = root["listen"])
        r.endpoint(n, c.listen);
    if (const auto u = root["upstream"]; u && r.keys(u, {"host", "port", "database", "sslmode", "connect_timeout"}, "upstream")) {
        r.string(u, "host", c.upstream.host);
        r.integer(u, "port", c.upstream.port, 1, 65535);
        r.string(u, "database", c.upstream.database);
        r.string(u, "sslmode", c.upstream.sslmode);
        r.duration(u, "connect_timeout", c.upstream.connectTimeout);
        if (c.upstream.sslmode != "disable" && c.upstream.sslmode != "prefer" && c.upstream.sslmode != "require")
            r.error(u["sslmode"], "config.value", "upstream.sslmode must be disable, prefer or require");
    }
    r.string(root, "state_dsn", c.stateDsn);
    r.string(root, "password_secret", c.passwordSecretFile);
    r.string(root, "environment", c.environment);
    if (const auto t = root["tls"]; t && r.keys(t, {"cert", "key", "required", "loopback_exempt", "exempt_networks"}, "tls")) {
        r.string(t, "cert", c.tls.certFile);
        r.string(t, "key", c.tls.keyFile);
        r.boolean(t, "required", c.tls.required);
        r.boolean(t, "loopback_exempt", c.tls.loopbackExempt);
        r.strings(t, "exempt_networks", c.tls.exemptNetworks);
        for (const auto &cidr : c.tls.exemptNetworks)
            if (!policy::isValidCidr(cidr))
                r.error(t["exempt_networks"], "config.value", "'" + cidr + "' is not a CIDR range", "write it like 10.0.0.0/8 or fd00::/8");
        if (c.tls.certFile.empty() != c.tls.keyFile.empty())
            r.error(t, "config.value", "tls needs both cert and key");
    }
    if (const auto k = root["credentials"]; k && r.keys(k, {"issuer", "audience", "key_files", "max_lifetime"}, "credentials")) {
        r.string(k, "issuer", c.credentials.issuer);
        r.string(k, "audience", c.credentials.audience);
        r.strings(k, "key_files", c.credentials.keyFiles);
        r.duration(k, "max_lifetime", c.credentials.maxLifetime);
    }
    if (const auto a = root["audit"]; a && r.keys(a, {"file", "key_file", "sync_interval"}, "audit")) {
        r.string(a, "file", c.audit.file);
        r.string(a, "key_file", c.audit.keyFile);
        r.duration(a, "sync_interval", c.audit.syncInterval);
    }
    if (const auto a = root["admin"]; a && r.keys(a, {"listen", "token_file", "tls"}, "admin")) {
        c.admin.enabled = true;
        if (const auto n = a["listen"])
            r.endpoint(n, c.admin.listen);
        r.string(a, "token_file", c.admin.tokenFile);
        if (const auto t = a["tls"]; t && r.keys(t, {"cert", "key"}, "admin.tls")) {
            r.string(t, "cert", c.admin.certFile);
            r.string(t, "key", c.admin.keyFile);
            if (c.admin.certFile.empty() != c.admin.keyFile.empty())
                r.error(t, "config.value", "admin.tls needs both cert and key");
        }
        if (c.admin.tokenFile.empty())
            r.error(a, "config.missing", "admin.token_file is required", "a file holding the bearer token admin clients send");
        const std::string &h = c.admin.listen.host;
        const bool loopback = h == "127.0.0.1" || h == "::1" || h == "localhost";
        if (!loopback && c.admin.certFile.empty())
            r.error(a, "config.value", "the admin API listens on " + h + " without TLS",
                    "listen on 127.0.0.1, or set admin.tls.cert and admin.tls.key: the bearer token must not cross the network in clear text");
    }
    if (const auto t = root["tasks_api"])
        readTasksApi(r, t, c);
    if (const auto b = root["bundles"]; b && r.keys(b, {"publisher_keys"}, "bundles")) {
        c.bundles.enabled = true;
        r.strings(b, "publisher_keys", c.bundles.publisherKeys);
        if (c.bundles.publisherKeys.empty())
            r.error(b, "config.missing", "bundles.publisher_keys is required",
                    "the JWKS of the keys `writ publish --publisher-key` signs with");
    }
    if (const auto p = root["pool"]; p && r.keys(p, {"idle_timeout", "max_idle_per_task"}, "pool")) {
        // 0s is a valid choice here (no pooling), unlike for the timeouts elsewhere.
        if (const auto t = p["idle_timeout"]; t && t.IsScalar() && (t.Scalar() == "0" || t.Scalar() == "0s"))
            c.pool.idleTimeout = std::chrono::seconds(0);
        else
            r.duration(p, "idle_timeout", c.pool.idleTimeout);
        r.integer(p, "max_idle_per_task", c.pool.maxIdlePerTask, 0, 1000);
    }
    r.integer(root, "workers", c.workers, 0, 256);
    r.integer(root, "max_clients", c.maxClients, 1, 100000);
    r.duration(root, "auth_timeout", c.authTimeout);
    r.duration(root, "shutdown_timeout", c.shutdownTimeout);

    // What the gateway cannot run without: said once each, at the file's start.
    const SourceLocation top{fileName, 1, 1};
    if (c.upstream.database.empty())
        load.diagnostics.error("config.missing", "upstream.database is required", "name the database the gateway serves", top);
    if (c.stateDsn.empty())
        load.diagnostics.error("config.missing", "state_dsn is required", "a libpq URI of the writ_admin login", top);
    if (c.passwordSecretFile.empty())
        load.diagnostics.error("config.missing", "password_secret is required", "the file the JIT role passwords derive from", top);
    if (c.credentials.keyFiles.empty())
        load.diagnostics.error("config.missing", "credentials.key_files is required", "the JWKS of the task-credential signing keys", top);
    if (c.audit.file.empty())
        load.diagnostics.error("config.missing", "audit.file is required", "statements are refused when they cannot be audited", top);
    return load;
}

ConfigLoad loadGatewayConfig(const std::string &path)
{
    std::string error;
    const auto text = readTextFile(path, error, 1024 * 1024);
    if (!text) {
        ConfigLoad load;
        load.diagnostics.error("config.read", error, "", {path, 0, 0});
        return load;
    }
    ConfigLoad load = parseGatewayConfig(*text, path);
    load.config.sourceFile = path;
    return load;
}

} // namespace writ::gateway
