// SPDX-License-Identifier: Apache-2.0
#pragma once

// The admin API's routes (admin_routes.cpp); private to admin_server.cpp.

namespace httplib {
class Server;
}

namespace writ::gateway {

class GatewayContext;

void registerAdminRoutes(httplib::Server &server, GatewayContext &context);

} // namespace writ::gateway
