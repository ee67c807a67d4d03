// SPDX-License-Identifier: Apache-2.0
#include "gateway/session/upstream_pool.h"

#include <poll.h>

namespace writ::gateway {

namespace {

/// An idle connection must have nothing to say: readable means the server closed it or sent an error
/// (e.g. it was terminated), so it cannot be handed out.
bool quietAndOpen(UpstreamLink &link)
{
    if (!link.stream || !link.stream->isOpen())
        return false;
    pollfd p{link.stream->socket().native_handle(), POLLIN, 0};
    return ::poll(&p, 1, 0) == 0;
}

void closeLink(std::unique_ptr<UpstreamLink> &link)
{
    if (link && link->stream)
        link->stream->close();
    link.reset();
}

} // namespace

UpstreamPool::UpstreamPool(std::chrono::seconds idleTimeout, std::size_t maxIdlePerTask)
    : m_idleTimeout(idleTimeout), m_maxIdle(maxIdlePerTask)
{
}

UpstreamPool::~UpstreamPool()
{
    clear();
}

void UpstreamPool::clear()
{
    std::lock_guard lock(m_mutex);
    for (auto &[task, links] : m_idle)
        for (auto &idle : links)
            closeLink(idle.link);
    m_idle.clear();
    m_count = 0;
}

std::unique_ptr<UpstreamLink> UpstreamPool::take(const std::string &taskId)
{
    std::lock_guard lock(m_mutex);
    const auto it = m_idle.find(taskId);
    if (it == m_idle.end())
        return nullptr;
    auto &links = it->second;
    while (!links.empty()) {
        Idle idle = std::move(links.back()); // the most recently used: the warmest caches
        links.pop_back();
        --m_count;
        if (quietAndOpen(*idle.link)) {
            if (links.empty())
                m_idle.erase(it);
            ++m_reused;
            return std::move(idle.link);
        }
        closeLink(idle.link);
    }
    m_idle.erase(it);
    return nullptr;
}

void UpstreamPool::give(const std::string &taskId, std::unique_ptr<UpstreamLink> link)
{
    std::lock_guard lock(m_mutex);
    auto &links = m_idle[taskId];
    if (!enabled() || links.size() >= m_maxIdle) {
        closeLink(link);
        if (links.empty())
            m_idle.erase(taskId);
        return;
    }
    links.push_back({std::move(link), std::chrono::steady_clock::now()});
    ++m_count;
}

void UpstreamPool::dropTask(const std::string &taskId)
{
    std::lock_guard lock(m_mutex);
    const auto it = m_idle.find(taskId);
    if (it == m_idle.end())
        return;
    for (auto &idle : it->second)
        closeLink(idle.link);
    m_count -= it->second.size();
    m_idle.erase(it);
}

void UpstreamPool::expire()
{
    std::lock_guard lock(m_mutex);
    const auto oldest = std::chrono::steady_clock::now() - m_idleTimeout;
    for (auto it = m_idle.begin(); it != m_idle.end();) {
        auto &links = it->second;
        while (!links.empty() && links.front().since < oldest) {
            closeLink(links.front().link);
            links.pop_front();
            --m_count;
        }
        it = links.empty() ? m_idle.erase(it) : std::next(it);
    }
}

std::size_t UpstreamPool::idleCount() const
{
    std::lock_guard lock(m_mutex);
    return m_count;
}

} // namespace writ::gateway
