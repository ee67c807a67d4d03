// SPDX-License-Identifier: Apache-2.0
#include "gateway/session_placement.h"

#include <algorithm>

namespace writ::gateway {

SessionPlacement::SessionPlacement(std::size_t threads)
    : m_threads(std::max<std::size_t>(1, threads))
    , m_connections(std::make_unique<std::atomic<int>[]>(m_threads))
{
}

std::size_t SessionPlacement::enter()
{
    std::size_t chosen = 0;
    for (std::size_t i = 1; i < m_threads; ++i)
        if (m_connections[i].load(std::memory_order_relaxed) < m_connections[chosen].load(std::memory_order_relaxed))
            chosen = i;
    m_connections[chosen].fetch_add(1, std::memory_order_relaxed);
    return chosen;
}

void SessionPlacement::leave(std::size_t thread)
{
    if (thread < m_threads)
        m_connections[thread].fetch_sub(1, std::memory_order_relaxed);
}

int SessionPlacement::connections() const
{
    int all = 0;
    for (std::size_t i = 0; i < m_threads; ++i)
        all += m_connections[i].load(std::memory_order_relaxed);
    return all;
}

std::vector<int> SessionPlacement::connectionsPerThread() const
{
    std::vector<int> out(m_threads);
    for (std::size_t i = 0; i < m_threads; ++i)
        out[i] = m_connections[i].load(std::memory_order_relaxed);
    return out;
}

} // namespace writ::gateway
