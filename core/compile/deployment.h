// SPDX-License-Identifier: Apache-2.0
#pragma once

// Reading and writing deployments: the only part of core/compile that talks to a database.

#include "compile/compiler.h"
#include "compile/plan.h"

#include <functional>
#include <optional>
#include <string>

namespace writ::compile {

/// The JSON stored in writ.deployment.state: the applied facts plus what the server printed back.
std::string deploymentStateJson(const Deployment &d);
/// Throws std::runtime_error on malformed JSON (a deployment row written by hand).
Deployment deploymentFromJson(const std::string &json);

/// The newest deployment in the database, or nullopt when Writ never deployed there.
/// Throws catalog::CatalogError on connection problems.
std::optional<Deployment> loadLastDeployment(const std::string &libpqUri);

struct ApplyOptions
{
    std::string policyName;
    std::string policySha256;
    std::string policyText; ///< canonical YAML, stored with the deployment
    /// Called with the plan computed under the lock; return false to abort (nothing is changed).
    std::function<bool(const Plan &)> confirm;
};

struct ApplyResult
{
    Plan plan;
    long long version = 0; ///< the new deployment's version; 0 when the plan was empty or aborted
    bool aborted = false;
};

/// Plans and applies in one transaction under an advisory lock, then records a deployment row
/// (version, sha256, who, when, SQL, state). Any failure rolls everything back and throws
/// ApplyError naming the failing step. An empty plan changes nothing and records nothing.
ApplyResult applyDesiredState(const std::string &libpqUri, const DesiredState &desired, const ApplyOptions &options);

class ApplyError : public std::runtime_error
{
public:
    using std::runtime_error::runtime_error;
};

} // namespace writ::compile
