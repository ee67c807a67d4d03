// SPDX-License-Identifier: Apache-2.0
#include "gateway/session/session_registry.h"

#include <algorithm>

#include <openssl/rand.h>

#include <stdexcept>

namespace writ::gateway {

namespace {

std::int32_t randomKey()
{
    std::int32_t key = 0;
    // Cancel keys guard against other clients cancelling this session's statements: never predictable.
    if (RAND_bytes(reinterpret_cast<unsigned char *>(&key), sizeof key) != 1)
        throw std::runtime_error("no randomness for a cancel key");
    return key;
}

} // namespace

SessionRegistration SessionRegistry::add(SessionInfo info, std::weak_ptr<SessionHandle> session, UpstreamKey upstream)
{
    const std::int32_t key = randomKey();
    std::lock_guard lock(m_mutex);
    while (m_byPid.count(m_nextPid) || m_nextPid <= 0)
        m_nextPid = m_nextPid <= 0 ? 1 : m_nextPid + 1;
    const std::int32_t pid = m_nextPid++;
    TaskCounter &counter = m_taskCounters[info.taskId];
    if (!counter)
        counter = std::make_shared<std::atomic<std::int64_t>>(0);
    m_byPid[pid] = {std::move(info), std::move(session), key, upstream, counter};
    return {pid, key, counter};
}

void SessionRegistry::remove(std::int32_t pid)
{
    std::lock_guard lock(m_mutex);
    m_byPid.erase(pid);
}

std::optional<UpstreamKey> SessionRegistry::upstreamFor(std::int32_t pid, std::int32_t key) const
{
    std::lock_guard lock(m_mutex);
    const auto it = m_byPid.find(pid);
    if (it == m_byPid.end() || it->second.clientKey != key)
        return std::nullopt;
    return it->second.upstream;
}

std::size_t SessionRegistry::terminateTask(const std::string &taskId, const std::string &reason)
{
    std::vector<std::shared_ptr<SessionHandle>> victims;
    {
        std::lock_guard lock(m_mutex);
        for (const auto &[pid, e] : m_byPid)
            if (e.info.taskId == taskId)
                if (auto s = e.session.lock())
                    victims.push_back(std::move(s));
        m_taskCounters.erase(taskId);
    }
    // Outside the lock: terminate() may remove the session from the registry.
    for (const auto &s : victims)
        s->terminate(reason);
    return victims.size();
}

std::size_t SessionRegistry::countTask(const std::string &taskId) const
{
    std::lock_guard lock(m_mutex);
    return static_cast<std::size_t>(std::count_if(m_byPid.begin(), m_byPid.end(), [&](const auto &entry) {
        return entry.second.info.taskId == taskId && !entry.second.session.expired();
    }));
}

std::size_t SessionRegistry::terminateAll(const std::string &reason)
{
    std::vector<std::shared_ptr<SessionHandle>> victims;
    {
        std::lock_guard lock(m_mutex);
        for (const auto &[pid, e] : m_byPid)
            if (auto s = e.session.lock())
                victims.push_back(std::move(s));
    }
    for (const auto &s : victims)
        s->terminate(reason);
    return victims.size();
}

bool SessionRegistry::terminateSession(std::int32_t pid, const std::string &reason)
{
    std::shared_ptr<SessionHandle> victim;
    {
        std::lock_guard lock(m_mutex);
        const auto it = m_byPid.find(pid);
        if (it != m_byPid.end())
            victim = it->second.session.lock();
    }
    if (!victim)
        return false;
    victim->terminate(reason);
    return true;
}

std::vector<SessionSnapshot> SessionRegistry::list() const
{
    std::lock_guard lock(m_mutex);
    std::vector<SessionSnapshot> out;
    out.reserve(m_byPid.size());
    for (const auto &[pid, e] : m_byPid)
        out.push_back({pid, e.info, e.statements ? e.statements->load() : 0});
    return out;
}

std::size_t SessionRegistry::size() const
{
    std::lock_guard lock(m_mutex);
    return m_byPid.size();
}

} // namespace writ::gateway
