// SPDX-License-Identifier: Apache-2.0
// (session code only: pulls in Asio through upstream_link.h)
#pragma once

// Idle upstream connections, kept per task so that the task's next session skips the TCP connect,
// TLS and SCRAM login. A connection is parked only after a clean Terminate with nothing in flight and
// no open transaction, and only after DISCARD ALL has reset its session state (settings, prepared
// statements, temporary tables, listeners, advisory locks). It is handed to a later session of the
// same task only — never to another task's session, whatever the role — and closed when the task ends,
// when it has idled for `pool.idle_timeout`, or when the database closed it meanwhile.

#include "gateway/session/upstream_link.h"

#include <chrono>
#include <cstddef>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace writ::gateway {

class UpstreamPool
{
public:
    UpstreamPool(std::chrono::seconds idleTimeout, std::size_t maxIdlePerTask);
    ~UpstreamPool();

    bool enabled() const { return m_idleTimeout.count() > 0 && m_maxIdle > 0; }

    /// A live idle connection of `taskId`, or null.
    std::unique_ptr<UpstreamLink> take(const std::string &taskId);
    /// Parks a reset connection; closes it instead when the task already has enough idle ones.
    void give(const std::string &taskId, std::unique_ptr<UpstreamLink> link);
    /// Closes every idle connection of the task (it ended).
    void dropTask(const std::string &taskId);
    /// Closes connections idle for longer than the timeout.
    void expire();
    std::size_t idleCount() const;
    /// Closes everything (the gateway stops: before its I/O contexts go away).
    void clear();
    std::uint64_t reused() const { return m_reused; }

private:
    struct Idle
    {
        std::unique_ptr<UpstreamLink> link;
        std::chrono::steady_clock::time_point since;
    };
    const std::chrono::seconds m_idleTimeout;
    const std::size_t m_maxIdle;
    mutable std::mutex m_mutex;
    std::map<std::string, std::deque<Idle>> m_idle;
    std::size_t m_count = 0;
    std::uint64_t m_reused = 0;
};

} // namespace writ::gateway
