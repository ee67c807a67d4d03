// SPDX-License-Identifier: Apache-2.0
#include "common/diagnostic.h"
#include "gateway/admin/admin_server.h"
#include "gateway/config/gateway_config.h"
#include "gateway/gateway_context.h"
#include "gateway/gateway_info.h"
#include "gateway/server.h"

#include <CLI/CLI.hpp>

#include <sys/resource.h>

#include <csignal>
#include <iostream>

int main(int argc, char **argv)
{
    CLI::App app{"writ-gateway — PostgreSQL wire-protocol gateway enforcing task-scoped agent access"};
    app.set_version_flag("--version", writ::gateway::buildDescription());
    std::string config;
    bool checkOnly = false;
    app.add_option("-c,--config", config, "Gateway configuration file (YAML; docs/gateway.md)")->required();
    app.add_flag("--check", checkOnly, "Check the configuration (and that keys, secret, audit file and state database work), then exit");
    CLI11_PARSE(app, argc, argv);

    // A write past a file-size limit must fail (the audit writer then refuses statements: fail closed),
    // not kill every session with SIGXFSZ; a peer that went away is a failed write, not SIGPIPE.
    std::signal(SIGXFSZ, SIG_IGN);
    std::signal(SIGPIPE, SIG_IGN);
    // Each client holds two descriptors (its socket and its database connection): use every descriptor
    // the system allows rather than the soft limit of 1024, which caps a gateway near 500 clients.
    if (rlimit files{}; ::getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur < files.rlim_max) {
        files.rlim_cur = files.rlim_max;
        ::setrlimit(RLIMIT_NOFILE, &files);
    }

    auto loaded = writ::gateway::loadGatewayConfig(config);
    for (const auto &d : loaded.diagnostics.items())
        std::cerr << writ::formatDiagnostic(d) << "\n";
    if (!loaded.ok())
        return 1;
    const rlim_t needed = 2 * static_cast<rlim_t>(loaded.config.maxClients) + 64;
    if (rlimit files{}; ::getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur != RLIM_INFINITY && files.rlim_cur < needed)
        std::cerr << "writ-gateway: warning: " << files.rlim_cur << " file descriptors allow about " << (files.rlim_cur - 64) / 2
                  << " clients, fewer than max_clients " << loaded.config.maxClients << " (raise the limit, e.g. LimitNOFILE=" << needed
                  << " in the systemd unit)\n";
    try {
        writ::gateway::GatewayContext context(loaded.config);
        writ::gateway::GatewayServer server(context);
        server.bind();
        std::unique_ptr<writ::gateway::AdminServer> admin;
        if (loaded.config.admin.enabled) {
            admin = std::make_unique<writ::gateway::AdminServer>(context, server.port());
            admin->bind();
        }
        if (checkOnly) {
            std::cout << "writ-gateway: " << config << " is ok (policy deployment " << context.policyVersion() << ")\n";
            return 0;
        }
        std::cerr << "writ-gateway: listening on " << loaded.config.listen.host << ":" << server.port()
                  << ", enforcing policy deployment " << context.policyVersion() << "\n";
        if (admin) {
            std::cerr << "writ-gateway: admin API on " << (loaded.config.admin.certFile.empty() ? "http://" : "https://")
                      << loaded.config.admin.listen.host << ":" << admin->port() << "\n";
            admin->start();
        }
        server.run();
        if (admin)
            admin->stop();
        std::cerr << "writ-gateway: stopped\n";
        return 0;
    } catch (const std::exception &e) {
        std::cerr << "writ-gateway: " << e.what() << "\n";
        return 3;
    }
}
