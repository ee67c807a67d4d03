// SPDX-License-Identifier: Apache-2.0
#pragma once

// One step from a policy to what every gateway enforces, shared by `writ publish` and the studio:
// validate (load, introspect, compile, read the publisher key and the deployment before), apply the
// floor in one transaction (after a confirmation that sees the plan), sign the bundle, push it (through
// a gateway's admin API or straight into the state database) and verify the gateway serves it. When
// anything fails after the floor changed, the floor goes back to the policy deployed before, so nothing
// is half-published. Blocking: the studio runs it off the UI thread.

#include "common/diagnostic.h"
#include "compile/compiler.h"
#include "compile/plan.h"
#include "identity/key.h"
#include "policy/policy_loader.h"

#include <functional>
#include <optional>
#include <string>

namespace writ::publish {

struct SignedBundle;

enum class PublishStep { Validate, Apply, Sign, Push, Verify };
enum class StepState { Running, Done, Failed };

/// "validate", "apply", "sign", "push", "verify".
const char *toString(PublishStep step);

struct StepEvent
{
    PublishStep step = PublishStep::Validate;
    StepState state = StepState::Running;
    std::string message; ///< what happened, in words ("applied deployment v4 (3 step(s))")
};

struct PublishRequest
{
    std::string policyPath;                ///< read from here unless policyText is given
    std::optional<std::string> policyText; ///< the policy itself (the studio's draft); policyPath then only names it
    std::string db;                        ///< libpq URI or key=value string of the governed database (its writ schema is the state)
    std::string publisherKeyPath;          ///< private key the gateways' bundles.publisher_keys trust
    std::string gateway;                   ///< admin API URL; empty: store the bundle in the state database
    std::string tokenFile;                 ///< the admin token (with gateway)
    const char *tokenOption = "--token-file"; ///< where the token file was named, for the message when it is refused
    int verifyAttempts = 20;               ///< times GET /v1/policy is asked before giving up
    int verifyIntervalMs = 500;
};

/// Why validation stopped. Input faults are the policy's or the key's; Environment ones the
/// database's or the file system's.
enum class ValidateFailure { None, Load, Catalog, Compile, Key, State };

/// A policy ready to publish: what validation produced, kept for the steps after it.
struct ValidatedPolicy
{
    ValidateFailure failure = ValidateFailure::None;
    std::string error;               ///< for Catalog, Key and State failures
    bool keyUnreadable = false;      ///< Key failure: the file could not be read (rather than parsed)
    std::string keyWarning;          ///< e.g. the key file is readable by others
    policy::LoadResult loaded;
    Diagnostics compileDiagnostics;  ///< set once compiling ran (warnings too)
    std::optional<compile::CompileResult> compiled;
    std::optional<identity::PrivateKey> key;
    std::optional<compile::Deployment> before; ///< the deployment in force before this publish
    std::string canonicalText;       ///< policy::writePolicy of the loaded policy: what the bundle carries
    std::string sha256;              ///< of canonicalText

    bool ok() const { return failure == ValidateFailure::None; }
};

/// What the confirmation sees: the floor's plan, computed under the deployment lock, and both policies.
struct PublishPlan
{
    const compile::Plan &floor;
    const ValidatedPolicy &policy;
};

struct PublishResult
{
    bool published = false;
    bool declined = false;                 ///< the confirmation said no: nothing changed
    std::optional<PublishStep> failedStep; ///< where it stopped
    std::string error;                     ///< why, in words
    bool inputFault = false;               ///< the failure is the input's (policy, key), not the environment's
    compile::Plan plan;
    long long deployment = 0;              ///< the floor's new deployment version; 0 when the plan was empty
    long long version = 0;                 ///< the published bundle's version
    std::string sha256;
    std::string kid;
    bool floorRestored = false;            ///< the floor changed, then went back (see floorMessage)
    std::string floorMessage;              ///< after a failure that followed a floor change: what happened to the floor
};

class Publisher
{
public:
    /// Called as each step starts, ends or fails (on the publishing thread).
    std::function<void(const StepEvent &)> onStep;
    /// Asked once with the plan, inside the deployment's transaction; false aborts with nothing changed.
    /// Unset: the plan is applied without asking.
    std::function<bool(const PublishPlan &)> confirm;

    /// Validates, then publishes. The validate step's failure is reported like the others.
    PublishResult run(const PublishRequest &request);

    /// Step 1 alone: load, compile against the live catalog, read the key and the last deployment.
    ValidatedPolicy validate(const PublishRequest &request);
    /// Steps 2 to 5 for a policy validate() accepted.
    PublishResult publish(const PublishRequest &request, const ValidatedPolicy &policy);

private:
    void report(PublishStep step, StepState state, const std::string &message = {});
    long long push(const PublishRequest &request, const SignedBundle &bundle, std::string &error);
    bool verifyServed(const PublishRequest &request, long long version, const std::string &sha256, std::string &error);
};

/// Puts the floor of `db` back to `policyText` (the policy deployed before). Says what happened, in words;
/// `restored` tells whether the floor is back.
std::string restoreFloor(const std::string &db, const std::string &policyText, bool *restored = nullptr);

} // namespace writ::publish
