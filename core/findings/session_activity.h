// SPDX-License-Identifier: Apache-2.0
#pragma once

// Who is connected right now, per login role: the application names and client addresses seen in
// pg_stat_activity. One login used by several applications or from several hosts is a shared
// principal: nothing in the database can tell its users apart.

#include <string>
#include <vector>

namespace writ::findings {

/// The client sessions of one login role at the moment of reading.
struct LoginActivity
{
    std::string role;
    std::vector<std::string> applications; ///< distinct non-empty application_name values, sorted
    std::vector<std::string> clientAddresses; ///< distinct client addresses, sorted; "local" = Unix socket
    int sessions = 0; ///< client backends of this role
    int hiddenSessions = 0; ///< of those, sessions whose address the reader may not see

    bool operator==(const LoginActivity &) const = default;
};

struct SessionActivity
{
    bool collected = false; ///< false: not read (offline review); no session-based findings then
    std::string observer; ///< the role that read pg_stat_activity
    bool seesAllSessions = true; ///< observer is superuser or a member of pg_read_all_stats
    std::vector<LoginActivity> logins; ///< sorted by role; the reader's own session is left out

    const LoginActivity *find(const std::string &role) const;
    bool operator==(const SessionActivity &) const = default;
};

/// Reads pg_stat_activity with one query (the reader's own backend excluded). Without superuser or
/// pg_read_all_stats, other roles' sessions show their application name but no client address;
/// seesAllSessions says so. Throws catalog::CatalogError when the connection or the query fails.
SessionActivity readSessionActivity(const std::string &libpqUri);

} // namespace writ::findings
