// SPDX-License-Identifier: Apache-2.0
#include "admin_client.h"

#include "commands.h"
#include "identity/secret_file.h"

#include <CLI/CLI.hpp>

#include <httplib.h>

#include <iostream>

namespace writ::cli {

AdminAnswer callAdmin(const std::string &gatewayUrl, const std::string &tokenFile, const std::string &method,
                      const std::string &path, const nlohmann::json &body, const char *tokenOption)
{
    AdminAnswer answer;
    identity::SecretRead token = identity::readSecretFile(tokenFile, 16, false, 64 * 1024);
    if (!token.secret) {
        answer.error = std::string(tokenOption) + ": " + token.error;
        return answer;
    }
    httplib::Client client(gatewayUrl);
    if (!client.is_valid()) {
        answer.error = "'" + gatewayUrl + "' is not a gateway admin URL such as http://127.0.0.1:6433";
        return answer;
    }
    client.set_bearer_token_auth(*token.secret);
    client.set_connection_timeout(10);
    client.set_read_timeout(30);
    // A string body is sent as it is (a signed bundle); anything else as JSON.
    const std::string payload = body.is_null() ? std::string() : body.is_string() ? body.get<std::string>() : body.dump();
    const char *type = body.is_string() ? "application/jose" : "application/json";
    const httplib::Result res = method == "POST"     ? client.Post(path, payload, type)
                                : method == "PUT"    ? client.Put(path, payload, type)
                                : method == "DELETE" ? client.Delete(path)
                                                     : client.Get(path);
    if (!res) {
        answer.error = "cannot reach the gateway's admin API at " + gatewayUrl + ": " + httplib::to_string(res.error());
        return answer;
    }
    answer.status = res->status;
    answer.body = nlohmann::json::parse(res->body, nullptr, false);
    if (answer.body.is_discarded())
        answer.body = nullptr;
    if (!answer.ok()) {
        answer.error = answer.body.is_object() && answer.body.contains("error") && answer.body["error"].is_string()
                           ? answer.body["error"].get<std::string>()
                           : "the gateway answered HTTP " + std::to_string(res->status);
        if (res->status == 401)
            answer.error += std::string(" (check ") + tokenOption
                            + (std::string_view(tokenOption) == "--token-file" ? ": it must hold the gateway's admin.token_file)" : ")");
    }
    return answer;
}

int reportAdminError(const AdminAnswer &a, const char *command)
{
    std::cerr << "writ " << command << ": " << a.error << "\n";
    return a.status == 400 || a.status == 404 || a.status == 409 ? ExitDiagnostics : ExitEnvironment;
}

void StateTarget::addOptions(CLI::App *cmd)
{
    auto *dbOption = cmd->add_option("--db", db, "Database (libpq URI) holding the writ schema");
    auto *gatewayOption = cmd->add_option("--gateway", gateway, "A gateway's admin API, e.g. http://127.0.0.1:6433 (instead of --db)");
    auto *tokenOption = cmd->add_option("--token-file", tokenFile, "File holding the gateway's admin token (with --gateway)");
    dbOption->excludes(gatewayOption);
    gatewayOption->needs(tokenOption);
    tokenOption->needs(gatewayOption);
}

bool StateTarget::valid(const char *command) const
{
    if (db.empty() && gateway.empty()) {
        std::cerr << "writ " << command << ": say where Writ's state is: --db URL or --gateway URL --token-file FILE\n";
        return false;
    }
    return true;
}

} // namespace writ::cli
