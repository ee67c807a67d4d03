// SPDX-License-Identifier: Apache-2.0
#pragma once

// The gateway's configuration file (YAML, docs/gateway.md lists every key with its default).
// Loaded with file:line:col diagnostics like policy files; unknown keys are errors, not ignored,
// so a misspelt security setting never silently falls back to its default.

#include "common/diagnostic.h"

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace writ::gateway {

struct Endpoint
{
    std::string host = "127.0.0.1";
    int port = 0;
};

struct UpstreamConfig
{
    std::string host = "127.0.0.1";
    int port = 5432;
    std::string database;                   ///< the only database clients may ask for
    std::string sslmode = "prefer";         ///< disable | prefer | require
    std::chrono::seconds connectTimeout{5};
};

struct TlsConfig
{
    std::string certFile;                   ///< empty = no TLS offered (SSLRequest answered 'N')
    std::string keyFile;
    bool required = true;                   ///< clients must use TLS ...
    bool loopbackExempt = true;             ///< ... unless they connect over loopback
    std::vector<std::string> exemptNetworks; ///< ... or from one of these CIDR ranges
};

struct CredentialConfig
{
    std::string issuer = "writ";
    std::string audience = "writ-gateway";
    std::vector<std::string> keyFiles;      ///< JWKS / JWK / PEM public keys of the task-credential signers
    std::chrono::seconds maxLifetime{3600};
};

struct AuditConfig
{
    std::string file;                       ///< JSON lines; required
    std::string keyFile;                    ///< HMAC key for the chain; empty = SHA-256 chain
    std::chrono::milliseconds syncInterval{1000};
};

/// The admin HTTP API; off unless the `admin` section is present.
struct AdminConfig
{
    bool enabled = false;
    Endpoint listen{"127.0.0.1", 6433};
    std::string tokenFile;                  ///< bearer token clients must send; required
    std::string certFile;                   ///< TLS for the API; required when listening beyond loopback
    std::string keyFile;
};

/// An issuer of workload tokens (OIDC ID tokens or SPIFFE JWT-SVIDs) whose agents may start tasks.
struct TrustConfig
{
    bool spiffe = false;
    std::string issuer;                     ///< OIDC: required; SPIFFE: optional
    std::string trustDomain;                ///< SPIFFE: required
    std::string audience;                   ///< required: tokens minted for another service are refused
    std::vector<std::string> subjects;      ///< OIDC subjects or SPIFFE IDs accepted; empty = any
    std::vector<std::string> keyFiles;      ///< JWKS / JWK / PEM public keys, re-read when they change
    std::chrono::seconds leeway{30};
    std::chrono::seconds maxLifetime{3600};
};

/// POST /v1/tasks for agents (on the admin API's listener); off unless the `tasks_api` section is present.
struct TasksApiConfig
{
    bool enabled = false;
    std::string credentialKeyFile;          ///< Ed25519 private key signing the task credentials handed out
    std::vector<TrustConfig> trust;
    Endpoint advertise;                     ///< host:port agents are told to connect to; default: listen
    std::chrono::seconds approvalWindow{900}; ///< how long a start request waits for its approval
};

/// Signed policy bundles (`writ publish`); off unless the `bundles` section is present. When on, the
/// gateway enforces only the active bundle of writ.bundle, and only when a publisher key verifies it.
struct BundleConfig
{
    bool enabled = false;
    std::vector<std::string> publisherKeys; ///< JWKS / JWK / PEM public keys of the publishers
};

/// Idle upstream connections kept per task between its sessions (UpstreamPool).
struct PoolConfig
{
    std::chrono::seconds idleTimeout{30}; ///< 0 = no pooling: every session logs in afresh
    int maxIdlePerTask = 4;
};

struct GatewayConfig
{
    std::string sourceFile;                 ///< the file it was loaded from (SIGHUP reads it again)
    Endpoint listen{"127.0.0.1", 6432};
    UpstreamConfig upstream;
    std::string stateDsn;                   ///< libpq URI of the writ_admin login: tasks, deployments, revocations
    std::string passwordSecretFile;         ///< shared secret the JIT passwords derive from
    std::string environment;                ///< this gateway's environment name (task types may be limited to some)
    TlsConfig tls;
    CredentialConfig credentials;
    AuditConfig audit;
    AdminConfig admin;
    TasksApiConfig tasksApi;
    BundleConfig bundles;
    PoolConfig pool;
    int workers = 0;                        ///< io_context threads; 0 = one per core
    int maxClients = 1000;
    std::chrono::seconds authTimeout{10};
    std::chrono::seconds shutdownTimeout{30}; ///< on SIGTERM, how long sessions may go on before they are ended
};

struct ConfigLoad
{
    GatewayConfig config;
    Diagnostics diagnostics;
    bool ok() const { return !diagnostics.hasErrors(); }
};

ConfigLoad loadGatewayConfig(const std::string &path);
ConfigLoad parseGatewayConfig(const std::string &text, const std::string &fileName);

} // namespace writ::gateway
