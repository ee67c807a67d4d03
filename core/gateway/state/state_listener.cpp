// SPDX-License-Identifier: Apache-2.0
#include "gateway/state/state_listener.h"

#include "catalog/introspector.h"

#include <pqxx/pqxx>

#include <chrono>
#include <iostream>

namespace writ::gateway {

namespace {

inline constexpr const char *kTaskEndedChannel = "writ_task_ended";
inline constexpr const char *kDeploymentChannel = "writ_deployment";
inline constexpr const char *kBundleChannel = "writ_bundle";

class Receiver final : public pqxx::notification_receiver
{
public:
    Receiver(pqxx::connection_base &c, const std::string &channel, std::function<void(const std::string &)> onPayload)
        : pqxx::notification_receiver(c, channel), m_onPayload(std::move(onPayload))
    {
    }
    void operator()(const std::string &payload, int) override { m_onPayload(payload); }

private:
    std::function<void(const std::string &)> m_onPayload;
};

} // namespace

StateListener::StateListener(std::string dsn, Handlers handlers) : m_dsn(std::move(dsn)), m_handlers(std::move(handlers)) {}

StateListener::~StateListener()
{
    stop();
}

void StateListener::start()
{
    m_stop = false;
    m_thread = std::thread([this] { run(); });
}

void StateListener::stop()
{
    m_stop = true;
    if (m_thread.joinable())
        m_thread.join();
}

void StateListener::run()
{
    bool reported = false;
    while (!m_stop) {
        try {
            pqxx::connection c(catalog::withConnectTimeout(m_dsn));
            Receiver ended(c, kTaskEndedChannel, [this](const std::string &id) {
                if (m_handlers.taskEnded && !id.empty())
                    m_handlers.taskEnded(id);
            });
            const auto onPolicy = [this](const std::string &) {
                if (m_handlers.deployed)
                    m_handlers.deployed();
            };
            Receiver deployed(c, kDeploymentChannel, onPolicy);
            Receiver bundle(c, kBundleChannel, onPolicy);
            // LISTEN is sent lazily by libpqxx; one round trip makes sure it is in place.
            c.get_notifs();
            if (m_handlers.listeningChanged)
                m_handlers.listeningChanged(true);
            if (reported)
                std::cerr << "writ-gateway: listening for revocations again\n";
            reported = false;
            while (!m_stop)
                c.await_notification(0, 250000); // wakes at least every 250 ms to see stop()
        } catch (const std::exception &e) {
            if (m_handlers.listeningChanged)
                m_handlers.listeningChanged(false);
            if (!reported)
                std::cerr << "writ-gateway: not listening for revocations (" << e.what()
                          << "); polling still ends revoked tasks' sessions within a second\n";
            reported = true;
            for (int i = 0; i < 10 && !m_stop; ++i)
                std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
    }
    if (m_handlers.listeningChanged)
        m_handlers.listeningChanged(false);
}

} // namespace writ::gateway
