// SPDX-License-Identifier: Apache-2.0
#pragma once

// The gateway's view of Writ's state in PostgreSQL (the `writ` schema): running tasks, the deployed
// policy, revocations. Blocking calls over one connection of the state login (writ_admin); the
// session code runs them off its I/O threads. Every call reconnects once after a lost connection.

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace writ::gateway {

struct TaskRecord
{
    std::string id;
    std::string role;
    std::string agent;
    std::string taskType;
    std::map<std::string, std::string> context;
    std::string environment;
    std::string workflow;
    std::chrono::system_clock::time_point expiresAt;
    bool revoked = false;
    std::string revokeReason;
};

struct DeployedPolicy
{
    long long version = 0;
    std::string sha256;
    std::string policyText;
};

/// The state database could not be reached or answered unexpectedly: fail closed.
class StateError : public std::runtime_error
{
public:
    using std::runtime_error::runtime_error;
};

class TaskStore
{
public:
    explicit TaskStore(std::string dsn);
    ~TaskStore();

    std::optional<TaskRecord> findTask(const std::string &id);
    std::optional<DeployedPolicy> latestDeployment();
    /// The active signed bundle (writ.bundle), unverified: its version and compact JWS.
    std::optional<std::pair<long long, std::string>> activeBundle();

    /// Tasks revoked or expired since `since` (server time, with a 10 s overlap so that no late commit
    /// is missed: a task may be reported more than once); `since` advances to the server's now.
    std::vector<std::string> endedSince(std::string &since);

    /// Records a request for approval of `statement` by the task; returns the approval id.
    std::string requestApproval(const std::string &taskId, const std::string &stepUpClass, const std::string &fingerprint,
                                const std::string &statement, std::chrono::seconds ttl);

    /// Marks an approved, unused, unexpired approval of exactly this statement text as used; true when
    /// there was one (the statement may then run, once).
    bool consumeApproval(const std::string &taskId, const std::string &statement);

    /// The server's current time, as text for endedSince().
    std::string serverNow();

private:
    template <typename F>
    auto withConnection(F &&f);

    std::string m_dsn;
    std::mutex m_mutex;
    struct Connection; ///< wraps pqxx::connection (a typedef in libpqxx 6, so it cannot be declared here)
    std::unique_ptr<Connection> m_connection;
};

} // namespace writ::gateway
