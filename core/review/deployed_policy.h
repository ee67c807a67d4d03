// SPDX-License-Identifier: Apache-2.0
#pragma once

// The text of a policy a database has deployed (writ.deployment keeps the canonical YAML of each
// deployment, and every published bundle is applied as one): the "after publishing" side a reviewer
// compares a draft with, found by the SHA-256 the gateway reports for the policy it enforces.

#include <stdexcept>
#include <string>

namespace writ::review {

/// The database could not be reached, has no writ runtime schema, or no deployment with that hash.
class DeployedPolicyError : public std::runtime_error
{
public:
    using std::runtime_error::runtime_error;
};

/// The policy text of the newest deployment whose sha256 is `sha256`; an empty `sha256` takes the
/// newest deployment. Throws DeployedPolicyError with a sentence that says what to do.
std::string deployedPolicyText(const std::string &libpqUri, const std::string &sha256);

} // namespace writ::review
