// SPDX-License-Identifier: Apache-2.0
#include "gateway/gateway_info.h"

#include <CLI/CLI.hpp>

#include <iostream>

int main(int argc, char **argv)
{
    CLI::App app{"writ-gateway — PostgreSQL wire-protocol gateway enforcing task-scoped agent access"};
    app.set_version_flag("--version", writ::gateway::buildDescription());
    std::string config;
    app.add_option("--config", config, "Gateway configuration file (YAML)");
    CLI11_PARSE(app, argc, argv);
    std::cerr << "writ-gateway: the proxy is not available in this build yet; see docs/roadmap.md\n";
    return 3;
}
