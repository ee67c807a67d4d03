// SPDX-License-Identifier: Apache-2.0
#pragma once

// SQL for creating and removing each kind of fact. The model never prints SQL; this module does,
// always quoting through sql_quote.

#include "compile/desired_state.h"

#include <string>

namespace writ::compile {

std::string createSql(const RoleFact &f);
std::string dropSql(const RoleFact &f);
std::string createSql(const MembershipFact &f);
std::string dropSql(const MembershipFact &f);
std::string createSql(const SchemaFact &f);
std::string dropSql(const SchemaFact &f);
std::string createSql(const GrantFact &f);
std::string dropSql(const GrantFact &f);
std::string createSql(const RlsFact &f);
std::string dropSql(const RlsFact &f);
std::string createSql(const PolicyFact &f);
std::string dropSql(const PolicyFact &f);
std::string createSql(const ViewFact &f);
std::string dropSql(const ViewFact &f);
std::string createSql(const PublicReplacementFact &f);
std::string createSql(const FunctionReplacementFact &f);

/// Human-readable names for plan output, e.g. "SELECT(email) on public.customers to writ_a/t".
std::string describe(const GrantFact &f);       ///< "... to role"
std::string describeRevoke(const GrantFact &f); ///< "... from role"
std::string describePrivilege(const GrantFact &f);
std::string describe(const PolicyFact &f);

/// The writ runtime schema (resources/sql/runtime.sql), embedded at build time.
const char *runtimeSql();

} // namespace writ::compile
