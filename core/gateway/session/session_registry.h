// SPDX-License-Identifier: Apache-2.0
#pragma once

// Live client sessions by task, for revocation ("end every session of task T now"), and the cancel
// keys the gateway handed out, mapped to the upstream backend each one stands for.

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

class SessionRegistry
{
public:
    /// Registers a session and returns the (pid, key) pair the client receives in BackendKeyData.
    std::pair<std::int32_t, std::int32_t> add(const std::string &taskId, std::weak_ptr<SessionHandle> session,
                                              UpstreamKey upstream);
    void remove(std::int32_t pid);

    /// The upstream backend behind a client's cancel key; nullopt for an unknown or wrong key.
    std::optional<UpstreamKey> upstreamFor(std::int32_t pid, std::int32_t key) const;

    /// Terminates every session of the task; returns how many there were.
    std::size_t terminateTask(const std::string &taskId, const std::string &reason);

    std::size_t size() const;

private:
    struct Entry
    {
        std::string taskId;
        std::weak_ptr<SessionHandle> session;
        std::int32_t clientKey = 0;
        UpstreamKey upstream;
    };
    mutable std::mutex m_mutex;
    std::map<std::int32_t, Entry> m_byPid;
    std::int32_t m_nextPid = 1;
};

} // namespace writ::gateway
