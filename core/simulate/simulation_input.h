// SPDX-License-Identifier: Apache-2.0
#pragma once

// What `writ simulate` and `writ test` start from: a policy file, loaded and compiled against a
// catalog read from a database or from a snapshot. A policy that does not compile has no floor to
// simulate, so compile errors stop here, with the policy's file:line:col.

#include "catalog/catalog.h"
#include "common/diagnostic.h"
#include "policy/policy.h"
#include "policy/source_map.h"

#include <memory>
#include <string>

namespace writ::simulate {

struct SimulationInput
{
    std::shared_ptr<const policy::Policy> policy;
    std::shared_ptr<const catalog::Catalog> catalog;
    policy::SourceMap sources;
    Diagnostics diagnostics;      ///< loading and compiling the policy (warnings included)
    std::string environmentError; ///< the catalog could not be read (database unreachable, bad snapshot)

    bool ok() const { return environmentError.empty() && !diagnostics.hasErrors() && policy && catalog; }
};

/// Loads `policyFile`, reads the catalog from `connectionUri` (introspection) or else from
/// `catalogFile` (a `writ catalog` snapshot), and compiles the policy against it.
SimulationInput loadSimulationInput(const std::string &policyFile, const std::string &connectionUri, const std::string &catalogFile);

} // namespace writ::simulate
