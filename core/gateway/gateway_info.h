// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <string>

namespace writ::gateway {

/// One line naming the gateway build and what it supports; printed by `writ-gateway --version`.
std::string buildDescription();

} // namespace writ::gateway
