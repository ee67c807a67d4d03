// SPDX-License-Identifier: Apache-2.0
#pragma once

// Where a client connects from, checked against CIDR ranges: the TLS exemptions of the gateway's
// configuration and the `network:` lists of the agent's identities in the policy.

#include "gateway/config/gateway_config.h"
#include "policy/policy.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace writ::gateway {

/// "10.1.2.3:5555" or "[::1]:5555" / "::1:5555" (as Stream::remoteAddress gives it) -> the address part.
std::string addressOf(std::string_view clientAddress);

/// True when `address` lies in `cidr` ("10.0.0.0/8", "fd00::/8", or a single address).
bool inCidr(std::string_view address, std::string_view cidr);

bool isLoopback(std::string_view address);

/// May this client skip TLS? Loopback (when the config allows it) or an exempt network.
bool tlsExempt(std::string_view clientAddress, const TlsConfig &tls);

/// Why `agent` may not connect from `clientAddress`, or nullopt when it may: an agent whose identities
/// list networks may connect only from one of them (identities without networks allow anywhere).
std::optional<std::string> networkProblem(const policy::Policy &policy, const std::string &agent, std::string_view clientAddress);

} // namespace writ::gateway
