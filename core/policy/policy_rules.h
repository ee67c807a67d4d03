// SPDX-License-Identifier: Apache-2.0
#pragma once

// Small validity rules shared by the loader, the studio's editors and the CLI.

#include "policy/policy.h"

#include <optional>
#include <string>
#include <string_view>

namespace writ::policy {

/// Agent, task, policy and label names: [a-z][a-z0-9_-]{0,47}. Short and lowercase because they end up
/// in role names (63-byte limit) and in audit records.
bool isValidId(std::string_view s);

/// An unquoted PostgreSQL column name (letters, digits, _, $; not starting with a digit).
bool isValidColumnName(std::string_view s);

/// "schema.table.column" or "table.column" (schema public).
std::optional<ColumnRef> parseColumnRef(std::string_view s);

/// Why a SPIFFE id is invalid (per the SPIFFE ID spec), or nullopt when it is valid.
std::optional<std::string> spiffeIdProblem(std::string_view id);

/// IPv4 or IPv6 address with a prefix length, e.g. 10.0.0.0/8, fd00::/8.
bool isValidCidr(std::string_view s);

} // namespace writ::policy
