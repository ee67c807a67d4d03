// SPDX-License-Identifier: Apache-2.0
#pragma once

// A client of the gateway's admin API (docs/admin-api.md): one request with the bearer token read from
// a file, the answer as JSON. Shared by the CLI (--gateway) and the studio; blocking, so the studio
// calls it off the UI thread.

#include <nlohmann/json.hpp>

#include <string>

namespace writ::publish {

struct AdminAnswer
{
    int status = 0;            ///< HTTP status; 0 when the gateway could not be reached
    nlohmann::json body;       ///< the answer's JSON (null when it had none)
    std::string text;          ///< the raw body (the /metrics route answers Prometheus text, not JSON)
    std::string error;         ///< why it failed, in words: unreachable, refused token, or the API's "error"
    bool ok() const { return status >= 200 && status < 300; }
};

/// `gatewayUrl` like http://127.0.0.1:6433 or https://gw.example.com:6433 (its certificate is
/// verified). `method` GET, POST, PUT or DELETE; a string `body` is sent as it is, anything else as JSON.
/// `tokenOption` names where the bearer token came from (an option, a setting), for the message when
/// it is refused.
AdminAnswer callAdmin(const std::string &gatewayUrl, const std::string &tokenFile, const std::string &method,
                      const std::string &path, const nlohmann::json &body = nullptr, const char *tokenOption = "--token-file");

} // namespace writ::publish
