// SPDX-License-Identifier: Apache-2.0
#pragma once

// Live client sessions: by task, for revocation ("end every session of task T now"); by the
// cancel keys the gateway handed out, mapped to the upstream backend each one stands for; and
// what the admin API lists (who, from where, since when, how many statements). It also keeps the
// statement count of each task across its sessions, so that reconnecting does not reset the
// task's `statements` limit.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace writ::gateway {

/// What a session exposes to the registry; implemented by ClientSession.
class SessionHandle
{
public:
    virtual ~SessionHandle() = default;
    /// Ends the session from any thread: the client gets a FATAL error with `reason`.
    virtual void terminate(const std::string &reason) = 0;
};

struct UpstreamKey
{
    std::int32_t pid = 0;
    std::int32_t key = 0;
};

/// Who a session is; fixed once it is authenticated.
struct SessionInfo
{
    std::string sessionId;
    std::string taskId;
    std::string agent;
    std::string taskType;
    std::string role;
    std::string client;     ///< address:port
    std::string workflow;
    std::chrono::system_clock::time_point startedAt;
};

/// Statements run by one task through this gateway instance, shared by its sessions.
using TaskCounter = std::shared_ptr<std::atomic<std::int64_t>>;

struct SessionSnapshot
{
    std::int32_t pid = 0;   ///< the id the client saw in BackendKeyData; the admin API's session id
    SessionInfo info;
    std::int64_t taskStatements = 0;
};

struct SessionRegistration
{
    std::int32_t pid = 0;
    std::int32_t key = 0;
    TaskCounter statements; ///< the task's counter
};

class SessionRegistry
{
public:
    /// Registers a session; returns the (pid, key) pair the client receives in BackendKeyData and
    /// the task's statement counter.
    SessionRegistration add(SessionInfo info, std::weak_ptr<SessionHandle> session, UpstreamKey upstream);
    void remove(std::int32_t pid);

    /// The upstream backend behind a client's cancel key; nullopt for an unknown or wrong key.
    std::optional<UpstreamKey> upstreamFor(std::int32_t pid, std::int32_t key) const;

    /// Terminates every session of the task and forgets its statement count (the task has ended);
    /// returns how many sessions there were.
    std::size_t terminateTask(const std::string &taskId, const std::string &reason);
    /// Live sessions of the task on this gateway.
    std::size_t countTask(const std::string &taskId) const;

    /// Terminates every session (shutdown); returns how many there were.
    std::size_t terminateAll(const std::string &reason);

    /// Terminates one session; false when there is no such session.
    bool terminateSession(std::int32_t pid, const std::string &reason);

    std::vector<SessionSnapshot> list() const;
    std::size_t size() const;

private:
    struct Entry
    {
        SessionInfo info;
        std::weak_ptr<SessionHandle> session;
        std::int32_t clientKey = 0;
        UpstreamKey upstream;
        TaskCounter statements;
    };
    mutable std::mutex m_mutex;
    std::map<std::int32_t, Entry> m_byPid;
    std::map<std::string, TaskCounter> m_taskCounters;
    std::int32_t m_nextPid = 1;
};

} // namespace writ::gateway
