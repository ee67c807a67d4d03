// SPDX-License-Identifier: Apache-2.0
#pragma once

// Counters the admin API exports at /metrics (Prometheus text format). Lock-free: sessions on
// every I/O thread bump them as they go; the admin thread reads them.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>

namespace writ::gateway {

struct GatewayMetrics
{
    std::atomic<std::uint64_t> connectionsAccepted{0};
    std::atomic<std::uint64_t> connectionsRefusedBusy{0};   ///< max_clients reached
    std::atomic<std::uint64_t> authenticationsRefused{0};
    std::atomic<std::uint64_t> sessionsOpened{0};            ///< authenticated and logged in upstream
    std::atomic<std::uint64_t> sessionsTerminated{0};        ///< ended by revocation, expiry or an admin
    std::atomic<std::uint64_t> statementsAllowed{0};
    std::atomic<std::uint64_t> statementsDenied{0};
    std::atomic<std::uint64_t> statementsApprovalRequired{0};
    std::atomic<std::uint64_t> auditFailures{0};             ///< records that could not be written (statement refused)
    std::atomic<std::uint64_t> policyReloads{0};
    std::atomic<std::uint64_t> revocationsNotified{0};       ///< task ends pushed by the state database (NOTIFY)
    std::atomic<std::uint64_t> bundlesRejected{0};           ///< active bundles refused (bad signature, unknown key, bad policy)
    std::atomic<bool> stateListening{false};                 ///< the LISTEN connection to the state database is up
    const std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();

    /// Counts a decision by its verdict name ("allow", "deny", "approval_required").
    void countVerdict(const std::string &verdict)
    {
        if (verdict == "allow")
            ++statementsAllowed;
        else if (verdict == "approval_required")
            ++statementsApprovalRequired;
        else
            ++statementsDenied;
    }

    double uptimeSeconds() const
    {
        return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    }
};

} // namespace writ::gateway
