// SPDX-License-Identifier: Apache-2.0
#include "gateway/admin/admin_server.h"

#include "gateway/admin/admin_routes.h"
#include "gateway/admin/http_json.h"
#include "gateway/admin/task_api.h"
#include "gateway/gateway_context.h"
#include "identity/secret_file.h"

#include <httplib.h>
#include <nlohmann/json.hpp>
#include <openssl/crypto.h>
#include <openssl/sha.h>

#include <array>
#include <iostream>
#include <stdexcept>
#include <thread>

namespace writ::gateway {

namespace {

using Digest = std::array<unsigned char, SHA256_DIGEST_LENGTH>;

Digest sha256(const std::string &s)
{
    Digest d{};
    SHA256(reinterpret_cast<const unsigned char *>(s.data()), s.size(), d.data());
    return d;
}

/// Compares digests, not the strings, in constant time: neither the token's content nor its
/// length leaks through timing.
bool tokenMatches(const Digest &expected, const std::string &presented)
{
    const Digest got = sha256(presented);
    return CRYPTO_memcmp(expected.data(), got.data(), expected.size()) == 0;
}

} // namespace

struct AdminServer::Impl
{
    GatewayContext &ctx;
    Digest token{};
    std::unique_ptr<httplib::Server> http;
    std::unique_ptr<TaskApi> tasks; ///< POST /v1/tasks, when tasks_api is configured
    std::thread thread;
    int port = 0;

    explicit Impl(GatewayContext &c) : ctx(c) {}
};

AdminServer::AdminServer(GatewayContext &context, int gatewayPort) : d(std::make_unique<Impl>(context))
{
    const AdminConfig &c = context.config().admin;
    identity::SecretRead token = identity::readSecretFile(c.tokenFile, 16, true, 4096);
    if (!token.secret)
        throw std::runtime_error("admin.token_file: " + token.error);
    d->token = sha256(*token.secret);
    OPENSSL_cleanse(token.secret->data(), token.secret->size());
    if (!c.certFile.empty()) {
        auto tls = std::make_unique<httplib::SSLServer>(c.certFile.c_str(), c.keyFile.c_str());
        if (!tls->is_valid())
            throw std::runtime_error("admin.tls: cannot load " + c.certFile + " and " + c.keyFile);
        d->http = std::move(tls);
    } else {
        d->http = std::make_unique<httplib::Server>();
    }
    httplib::Server &http = *d->http;
    http.set_payload_max_length(8 * 1024 * 1024);
    http.set_read_timeout(10);
    http.set_write_timeout(10);
    http.set_pre_routing_handler([this](const httplib::Request &req, httplib::Response &res) {
        if (tokenMatches(d->token, http::bearerOf(req)))
            return httplib::Server::HandlerResponse::Unhandled;
        // Agents start tasks with their own identity token, which the route verifies.
        if (d->tasks && req.method == "POST" && req.path == "/v1/tasks")
            return httplib::Server::HandlerResponse::Unhandled;
        res.status = 401;
        res.set_header("WWW-Authenticate", "Bearer realm=\"writ-gateway\"");
        res.set_content(nlohmann::json{{"error", "missing or wrong bearer token"},
                                       {"hint", "send Authorization: Bearer <the content of admin.token_file>"}}.dump(),
                        "application/json");
        return httplib::Server::HandlerResponse::Handled;
    });
    http.set_error_handler([](const httplib::Request &req, httplib::Response &res) {
        if (!res.body.empty())
            return;
        const std::string what = res.status == 404 ? "no route " + req.method + " " + req.path + " (docs/admin-api.md lists them)"
                                                   : "request failed with status " + std::to_string(res.status);
        res.set_content(nlohmann::json{{"error", what}}.dump(), "application/json");
    });
    http.set_exception_handler([](const httplib::Request &, httplib::Response &res, std::exception_ptr e) {
        std::string what = "internal error";
        try {
            std::rethrow_exception(e);
        } catch (const std::exception &ex) {
            what = ex.what();
        } catch (...) {
        }
        res.status = 500;
        res.set_content(nlohmann::json{{"error", what}}.dump(), "application/json");
    });
    registerAdminRoutes(http, context);
    if (context.config().tasksApi.enabled) {
        d->tasks = std::make_unique<TaskApi>(context, gatewayPort);
        d->tasks->registerRoutes(http, [impl = d.get()](const std::string &bearer) { return tokenMatches(impl->token, bearer); });
    }
}

AdminServer::~AdminServer()
{
    stop();
}

void AdminServer::bind()
{
    const Endpoint &e = d->ctx.config().admin.listen;
    if (e.port == 0)
        d->port = d->http->bind_to_any_port(e.host);
    else
        d->port = d->http->bind_to_port(e.host, e.port) ? e.port : -1;
    if (d->port <= 0)
        throw std::runtime_error("admin API: cannot listen on " + e.host + ":" + std::to_string(e.port)
                                 + " (in use, or not an address of this machine)");
}

int AdminServer::port() const
{
    return d->port;
}

void AdminServer::start()
{
    d->thread = std::thread([this] {
        if (!d->http->listen_after_bind())
            std::cerr << "writ-gateway: the admin API stopped serving\n";
    });
}

void AdminServer::stop()
{
    if (d->http)
        d->http->stop();
    if (d->thread.joinable())
        d->thread.join();
}

} // namespace writ::gateway
