// SPDX-License-Identifier: Apache-2.0
#include "publish/admin_client.h"

#include "identity/secret_file.h"

#include <httplib.h>

#include <string_view>

namespace writ::publish {

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
    answer.text = res->body;
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

} // namespace writ::publish
