// SPDX-License-Identifier: Apache-2.0
#pragma once

// Everything sessions share: configuration, the task-credential verifier, the JIT password secret,
// the decision engine of the deployed policy (swapped atomically when a new version is deployed),
// the state store, the audit writer and the registry of live sessions. Built once at start-up;
// every member is safe to use from any I/O thread.

#include "gateway/config/gateway_config.h"
#include "gateway/gateway_metrics.h"
#include "gateway/session_placement.h"
#include "gateway/session/session_registry.h"
#include "gateway/session/statement_identities.h"
#include "gateway/state/task_store.h"
#include "publish/bundle.h"

#include <atomic>
#include <mutex>
#include <optional>
#include <vector>
#include <memory>
#include <string>

namespace asio {
class thread_pool;
}
namespace writ::audit {
class AuditWriter;
}
namespace writ::decide {
class DecisionEngine;
}
namespace writ::identity {
class TaskCredentialVerifier;
}

namespace writ::gateway {

class UpstreamPool;

/// Where the policy in force came from: a deployment (writ.deployment) or a verified signed bundle.
struct PolicySource
{
    long long version = 0;
    std::string text;      ///< canonical policy YAML
    std::string sha256;
    std::string publisher; ///< kid of the bundle's signing key; "" for deployments
    std::string label;     ///< "bundle 7", for messages
};

class GatewayContext
{
public:
    /// Loads keys, secret, audit file, the deployed policy and the catalog. Throws std::runtime_error
    /// with a sentence naming what is wrong and how to fix it.
    explicit GatewayContext(GatewayConfig config);
    ~GatewayContext();

    const GatewayConfig &config() const { return m_config; }
    /// The verifier of task credentials in force (replaced when SIGHUP brings new key files).
    std::shared_ptr<const identity::TaskCredentialVerifier> verifier() const { return m_verifier.load(); }
    const std::string &passwordSecret() const { return m_passwordSecret; }
    TaskStore &store() { return *m_store; }
    audit::AuditWriter &audit() { return *m_audit; }
    SessionRegistry &sessions() { return m_sessions; }
    UpstreamPool &upstreamPool() { return *m_pool; }
    GatewayMetrics &metrics() { return m_metrics; }
    StatementIdentities &statementIdentities() { return m_statementIdentities; }
    /// The I/O threads (`workers`, one per core by default) and how many connections each serves.
    SessionPlacement &placement() { return m_placement; }
    /// Threads for blocking calls (state database), so that no I/O thread waits on them.
    asio::thread_pool &blockingPool() { return *m_blockingPool; }

    std::shared_ptr<const decide::DecisionEngine> engine() const { return m_engine.load(); }

    /// Rebuilds the engine when a newer deployment (or, with `bundles`, another active bundle that a
    /// publisher key verifies) exists; returns true when it changed. Throws std::runtime_error when the
    /// new version cannot be used; the old one then stays in force.
    bool reloadPolicy();
    long long policyVersion() const { return m_policyVersion.load(); }
    /// The policy in force, read together: its version, sha256, publisher (for a bundle) and YAML.
    struct PolicyInForce
    {
        long long version = 0;
        std::string sha256, publisher, text;
    };
    PolicyInForce policyInForce() const;
    bool bundlesRequired() const { return m_config.bundles.enabled; }
    /// Re-reads the key files `fresh` names (credentials.key_files, bundles.publisher_keys) and switches
    /// to them; what was in force stays when a file cannot be used (std::runtime_error says which).
    /// Returns what changed, in words, for the log.
    std::vector<std::string> reloadKeys(const GatewayConfig &fresh);

    /// Checks a bundle against the publisher keys (bundles must be enabled).
    std::optional<publish::SignedBundle> verifyBundle(const std::string &compact, std::string &error) const;

private:
    GatewayConfig m_config;
    std::atomic<std::shared_ptr<const identity::TaskCredentialVerifier>> m_verifier;
    std::string m_passwordSecret;
    std::unique_ptr<TaskStore> m_store;
    std::unique_ptr<audit::AuditWriter> m_audit;
    SessionRegistry m_sessions;
    std::unique_ptr<UpstreamPool> m_pool;
    GatewayMetrics m_metrics;
    StatementIdentities m_statementIdentities;
    SessionPlacement m_placement;
    std::unique_ptr<asio::thread_pool> m_blockingPool;
    std::atomic<std::shared_ptr<const decide::DecisionEngine>> m_engine;
    std::atomic<long long> m_policyVersion{0};
    std::mutex m_reloadMutex; ///< the poll, SIGHUP and NOTIFY may all ask at once
    std::atomic<std::shared_ptr<const identity::KeySet>> m_publisherKeys;
    mutable std::mutex m_sourceMutex;
    PolicyInForce m_inForce; ///< guarded by m_sourceMutex

    std::optional<PolicySource> newestSource();
};

} // namespace writ::gateway
