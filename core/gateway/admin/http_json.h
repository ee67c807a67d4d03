// SPDX-License-Identifier: Apache-2.0
#pragma once

// What every admin API route answers with: a JSON body and a status; errors as {"error", "hint"}
// (docs/admin-api.md); and the bearer token of a request. Admin sources only (pulls in cpp-httplib).

#include <httplib.h>
#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

namespace writ::gateway::http {

inline void reply(httplib::Response &res, int status, const nlohmann::json &body)
{
    res.status = status;
    res.set_content(body.dump(), "application/json");
}

inline void fail(httplib::Response &res, int status, const std::string &error, const std::string &hint = {})
{
    nlohmann::json body{{"error", error}};
    if (!hint.empty())
        body["hint"] = hint;
    if (status == 401)
        res.set_header("WWW-Authenticate", "Bearer realm=\"writ-gateway\"");
    reply(res, status, body);
}

/// The token of "Authorization: Bearer <token>", or "" without one.
inline std::string bearerOf(const httplib::Request &req)
{
    const std::string h = req.get_header_value("Authorization");
    constexpr std::string_view prefix = "Bearer ";
    if (h.size() <= prefix.size() || h.compare(0, prefix.size(), prefix) != 0)
        return {};
    return h.substr(prefix.size());
}

} // namespace writ::gateway::http
