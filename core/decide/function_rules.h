// SPDX-License-Identifier: Apache-2.0
#pragma once

// Built-in functions an agent must never call through the gateway, whatever its scope: they read
// or write server files, move data past the relation checks (large objects, dblink, dynamic SQL
// such as query_to_xml), act on other sessions, or change the server.

#include <optional>
#include <string>
#include <string_view>

namespace writ::decide {

struct DangerousFunction
{
    const char *category; ///< "server file", "large object", "dblink", "dynamic SQL", ...
    const char *why;      ///< one sentence for the deny message
};

/// `schema` is the resolved schema ("pg_catalog" for built-ins); `name` lower-case.
std::optional<DangerousFunction> classifyDangerousFunction(std::string_view schema, std::string_view name);

/// Functions of Writ's own runtime schema an agent may call (context and masks): harmless by design.
bool isWritRuntimeFunction(std::string_view schema, std::string_view name);

} // namespace writ::decide
