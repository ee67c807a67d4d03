// SPDX-License-Identifier: Apache-2.0
#pragma once

// Which I/O thread a new client connection runs on: the one serving the fewest now (the first of
// equals). Round-robin placement ignores how long connections live: after churn, long-lived ones
// can pile up on one thread while another idles. The counts are also what /metrics shows.
//
// Filling the first thread before using the others (fewer, busier threads sleep less in epoll_wait)
// was measured and not kept: at 8 clients it cost prepared-statement throughput and gained none in
// the simple protocol (docs/benchmarks.md).

#include <atomic>
#include <cstddef>
#include <memory>
#include <vector>

namespace writ::gateway {

class SessionPlacement
{
public:
    explicit SessionPlacement(std::size_t threads); ///< at least one

    std::size_t threads() const { return m_threads; }

    /// Chooses the thread for a new connection and counts it there. One caller at a time (the
    /// accepting thread); leave() may run meanwhile on any thread.
    std::size_t enter();
    /// The connection counted on `thread` has ended.
    void leave(std::size_t thread);

    /// Connections on all threads now (max_clients, the shutdown drain).
    int connections() const;
    /// Connections on each thread now, for /metrics.
    std::vector<int> connectionsPerThread() const;

private:
    std::size_t m_threads;
    std::unique_ptr<std::atomic<int>[]> m_connections;
};

} // namespace writ::gateway
