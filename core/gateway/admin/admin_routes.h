// SPDX-License-Identifier: Apache-2.0
#pragma once

// The admin API's routes (admin_routes.cpp); private to admin_server.cpp.

namespace httplib {
class Server;
}

namespace writ::gateway {

class GatewayContext;

void registerAdminRoutes(httplib::Server &server, GatewayContext &context);
/// /v1/policy: the version in force, published bundles, publishing and rolling back (policy_routes.cpp).
void registerPolicyRoutes(httplib::Server &server, GatewayContext &context);

} // namespace writ::gateway
