// SPDX-License-Identifier: Apache-2.0
#pragma once

// Everything sessions share: configuration, the task-credential verifier, the JIT password secret,
// the decision engine of the deployed policy (swapped atomically when a new version is deployed),
// the state store, the audit writer and the registry of live sessions. Built once at start-up;
// every member is safe to use from any I/O thread.

#include "gateway/config/gateway_config.h"
#include "gateway/gateway_metrics.h"
#include "gateway/session/session_registry.h"
#include "gateway/session/statement_identities.h"
#include "gateway/state/task_store.h"

#include <atomic>
#include <mutex>
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

class GatewayContext
{
public:
    /// Loads keys, secret, audit file, the deployed policy and the catalog. Throws std::runtime_error
    /// with a sentence naming what is wrong and how to fix it.
    explicit GatewayContext(GatewayConfig config);
    ~GatewayContext();

    const GatewayConfig &config() const { return m_config; }
    const identity::TaskCredentialVerifier &verifier() const { return *m_verifier; }
    const std::string &passwordSecret() const { return m_passwordSecret; }
    TaskStore &store() { return *m_store; }
    audit::AuditWriter &audit() { return *m_audit; }
    SessionRegistry &sessions() { return m_sessions; }
    GatewayMetrics &metrics() { return m_metrics; }
    StatementIdentities &statementIdentities() { return m_statementIdentities; }
    /// Threads for blocking calls (state database), so that no I/O thread waits on them.
    asio::thread_pool &blockingPool() { return *m_blockingPool; }

    std::shared_ptr<const decide::DecisionEngine> engine() const { return m_engine.load(); }

    /// Rebuilds the engine when a newer deployment exists; returns true when it changed.
    bool reloadPolicy();
    long long policyVersion() const { return m_policyVersion.load(); }

private:
    GatewayConfig m_config;
    std::unique_ptr<identity::TaskCredentialVerifier> m_verifier;
    std::string m_passwordSecret;
    std::unique_ptr<TaskStore> m_store;
    std::unique_ptr<audit::AuditWriter> m_audit;
    SessionRegistry m_sessions;
    GatewayMetrics m_metrics;
    StatementIdentities m_statementIdentities;
    std::unique_ptr<asio::thread_pool> m_blockingPool;
    std::atomic<std::shared_ptr<const decide::DecisionEngine>> m_engine;
    std::atomic<long long> m_policyVersion{0};
    std::mutex m_reloadMutex; ///< the poll, SIGHUP and NOTIFY may all ask at once
};

} // namespace writ::gateway
