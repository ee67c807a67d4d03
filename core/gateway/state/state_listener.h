// SPDX-License-Identifier: Apache-2.0
#pragma once

// Pushes from the state database: the `writ` schema's triggers NOTIFY `writ_task_ended` (payload: the
// task id) when a task is completed or revoked, `writ_deployment` when a policy is deployed and
// `writ_bundle` when a signed bundle is published or rolled back to. Every
// gateway listens, so a revocation reaches all of them at once, whichever gateway or CLI ended the task.
// The poll in server.cpp stays as the safety net: it catches expiries (no event) and anything sent
// while this connection was down. Runs on its own thread with its own connection.

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <thread>

namespace writ::gateway {

class StateListener
{
public:
    struct Handlers
    {
        std::function<void(const std::string &taskId)> taskEnded;
        std::function<void()> deployed;
        std::function<void(bool listening)> listeningChanged;
    };

    StateListener(std::string dsn, Handlers handlers);
    ~StateListener(); ///< stops and joins

    void start();
    void stop();
private:
    void run();

    std::string m_dsn;
    Handlers m_handlers;
    std::atomic<bool> m_stop{false};
    std::thread m_thread;
};

} // namespace writ::gateway
