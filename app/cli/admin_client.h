// SPDX-License-Identifier: Apache-2.0
#pragma once

// The CLI's side of the gateway's admin API client (core/publish/admin_client.h): how its failures become
// exit codes, and where the commands that work either on the state database (--db) or through a gateway
// (--gateway) find Writ's state.

#include "publish/admin_client.h"

#include <string>

namespace CLI {
class App;
}

namespace writ::cli {

using publish::AdminAnswer;
using publish::callAdmin;

/// Prints the failure; returns the exit code: the API's refusals (400, 404, 409) are the input's
/// fault (ExitDiagnostics), anything else the environment's (ExitEnvironment).
int reportAdminError(const AdminAnswer &a, const char *command);

/// Where Writ's state is reached: the state database (--db) or a gateway's admin API (--gateway with
/// --token-file). One of the two is required.
struct StateTarget
{
    std::string db, gateway, tokenFile;

    void addOptions(CLI::App *cmd);
    /// False (with a message) when neither was given.
    bool valid(const char *command) const;
    bool viaGateway() const { return !gateway.empty(); }
};

} // namespace writ::cli
