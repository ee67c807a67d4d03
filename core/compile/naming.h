// SPDX-License-Identifier: Apache-2.0
#pragma once

// Names of the objects Writ owns. Deterministic, prefixed writ_, at most 63 bytes (PostgreSQL's
// NAMEDATALEN - 1): a name that would be longer keeps a readable head and ends in a hash of the whole.

#include <string>
#include <string_view>

namespace writ::compile {

inline constexpr std::size_t kMaxIdentifierBytes = 63;
inline constexpr const char *kManagedPrefix = "writ_";
/// Comment on every object Writ creates; plan and drop only touch objects carrying it.
inline constexpr const char *kManagedComment = "writ:managed";
/// Owner of the masked views: never a table owner, never a login.
inline constexpr const char *kViewOwnerRole = "writ_owner";
/// Granted to every task-type role: USAGE on schema writ, EXECUTE on ctx() and the masks.
inline constexpr const char *kRuntimeRole = "writ_runtime";
/// Advisory lock key apply and task management take ('writ' in ASCII).
inline constexpr long long kAdvisoryLockKey = 0x77726974;

/// `text` cut to 63 bytes deterministically: head + '_' + 8 hex digits of SHA-256(text).
std::string shortenIdentifier(const std::string &text);

/// NOLOGIN role holding the grants of one (agent, task type).
std::string taskTypeRoleName(std::string_view agent, std::string_view task);

/// Schema of the masked views of one (agent, task type); first on its JIT roles' search_path.
std::string viewSchemaName(std::string_view agent, std::string_view task);

/// RLS policy of one role and command on one relation.
std::string policyName(std::string_view role, std::string_view command);

/// Pass-through RLS policy keeping an existing grantee's access when Writ enables RLS.
std::string passThroughPolicyName(std::string_view role, std::string_view command);

/// LOGIN role of one running task instance.
std::string jitRoleName(std::string_view taskId);

/// True for names Writ may create and drop.
bool isManagedName(std::string_view name);

/// Lowercase hex SHA-256 of `data`.
std::string sha256Hex(std::string_view data);

} // namespace writ::compile
