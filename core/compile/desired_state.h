// SPDX-License-Identifier: Apache-2.0
#pragma once

// What the database must hold for a policy to be enforced natively: the facts a compiled policy
// consists of. The planner compares these against the live catalog and the last deployment.
// Each fact is a plain comparable value, so sets of them diff with std::set_difference.

#include <compare>
#include <string>
#include <vector>

namespace writ::compile {

/// A NOLOGIN role Writ creates and owns (one per agent task type).
struct RoleFact
{
    std::string name;
    std::string description; ///< "agent/task", stored in the role's comment after writ:managed
    auto operator<=>(const RoleFact &) const = default;
};

/// `member` is granted membership in `role`.
struct MembershipFact
{
    std::string role;
    std::string member;
    auto operator<=>(const MembershipFact &) const = default;
};

/// A schema Writ creates (the masked views of one task type).
struct SchemaFact
{
    std::string name;
    auto operator<=>(const SchemaFact &) const = default;
};

/// One privilege held by a Writ role. `column` empty = object-level; `relation` empty = schema privilege.
struct GrantFact
{
    std::string role;
    std::string schema;
    std::string relation;
    std::string column;
    std::string privilege; ///< SELECT, INSERT, UPDATE, DELETE, USAGE
    auto operator<=>(const GrantFact &) const = default;
};

/// A relation on which row-level security must be enabled.
struct RlsFact
{
    std::string schema;
    std::string relation;
    auto operator<=>(const RlsFact &) const = default;
};

/// A row-level security policy Writ creates.
struct PolicyFact
{
    std::string schema;
    std::string relation;
    std::string name;
    std::string command; ///< SELECT, INSERT, UPDATE, DELETE
    std::string role;
    std::string usingSql; ///< empty = no USING clause
    std::string checkSql; ///< empty = no WITH CHECK clause
    bool passThrough = false; ///< keeps an existing grantee's access; not an agent's scope
    auto operator<=>(const PolicyFact &) const = default;
};

/// A security-barrier view presenting masked columns, owned by writ_owner.
struct ViewFact
{
    std::string schema;
    std::string name;
    std::string definitionSql; ///< the SELECT
    auto operator<=>(const ViewFact &) const = default;
};

/// A privilege PUBLIC held on a relation in scope, replaced by explicit grants to existing roles.
struct PublicReplacementFact
{
    std::string schema;
    std::string relation;
    std::string column; ///< empty = relation-level
    std::string privilege;
    std::vector<std::string> grantees; ///< the roles given the privilege explicitly instead
    auto operator<=>(const PublicReplacementFact &) const = default;
};

/// PUBLIC's EXECUTE on a SECURITY DEFINER function, replaced by explicit grants to existing roles: such a
/// function runs with its owner's rights, so PUBLIC's EXECUTE would let every agent reach past its scope.
struct FunctionReplacementFact
{
    std::string schema;
    std::string name;
    std::string arguments; ///< identity arguments, as pg_get_function_identity_arguments prints them
    std::vector<std::string> grantees;
    auto operator<=>(const FunctionReplacementFact &) const = default;
};

struct DesiredState
{
    std::vector<RoleFact> roles;
    std::vector<MembershipFact> memberships;
    std::vector<SchemaFact> schemas;
    std::vector<GrantFact> grants;
    std::vector<RlsFact> rls;
    std::vector<PolicyFact> policies;
    std::vector<ViewFact> views;
    std::vector<PublicReplacementFact> publicReplacements;
    std::vector<FunctionReplacementFact> functionReplacements;

    /// Sorts and removes duplicates so equal states compare equal and serialize identically.
    void normalize();
    bool operator==(const DesiredState &) const = default;
};

} // namespace writ::compile
