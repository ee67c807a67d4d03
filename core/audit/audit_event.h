// SPDX-License-Identifier: Apache-2.0
#pragma once

// One audit record before it is sealed into the chain: who did what, through which session, and
// what Writ decided. Empty fields are left out of the JSON line.

#include <cstdint>
#include <optional>
#include <string>

namespace writ::audit {

enum class EventKind { Connect, Statement, Decision, Approval, Revocation, Disconnect, TaskStart };

struct AuditEvent
{
    EventKind kind = EventKind::Statement;
    std::int64_t timeMicros = 0;  ///< Unix time in microseconds; 0 = now when appended
    std::string agent;
    std::string task;             ///< task instance id
    std::string taskType;
    std::string workflow;         ///< token claim, or the sqlcommenter traceparent of the statement
    std::string session;          ///< gateway session id
    std::string client;           ///< client address:port
    std::string databaseRole;     ///< the JIT role the session runs as
    std::string fingerprint;      ///< libpg_query fingerprint, hex
    std::string query;            ///< normalized: literals replaced by $n
    std::string verdict;          ///< allow / deny / approval_required
    std::string rule;             ///< the deciding rule id
    std::string approval;         ///< approval id, when one was asked for or used
    std::optional<std::int64_t> rows;
    std::optional<std::int64_t> durationMicros;
    std::string sqlstate;
    std::string message;          ///< free text: the deny message, the revocation reason, ...
};

const char *toString(EventKind k);

} // namespace writ::audit
