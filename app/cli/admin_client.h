// SPDX-License-Identifier: Apache-2.0
#pragma once

// The CLI's client of the gateway's admin API (docs/admin-api.md): one request with the bearer token
// read from a file, the answer as JSON. Used by the commands that work either on the state database
// (--db) or through a gateway (--gateway).

#include <nlohmann/json.hpp>

#include <string>

namespace CLI {
class App;
}

namespace writ::cli {

struct AdminAnswer
{
    int status = 0;            ///< HTTP status; 0 when the gateway could not be reached
    nlohmann::json body;       ///< the answer's JSON (null when it had none)
    std::string error;         ///< why it failed, in words: unreachable, refused token, or the API's "error"
    bool ok() const { return status >= 200 && status < 300; }
};

/// `gatewayUrl` like http://127.0.0.1:6433 or https://gw.example.com:6433 (its certificate is
/// verified). `method` GET, POST, PUT or DELETE; a string `body` is sent as it is, anything else as JSON.
/// `tokenOption` names the option the bearer token came from, for the message when it is refused.
AdminAnswer callAdmin(const std::string &gatewayUrl, const std::string &tokenFile, const std::string &method,
                      const std::string &path, const nlohmann::json &body = nullptr, const char *tokenOption = "--token-file");

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
