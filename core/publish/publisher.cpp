// SPDX-License-Identifier: Apache-2.0
#include "publish/publisher.h"

#include "publish/admin_client.h"
#include "publish/bundle.h"
#include "publish/bundle_store.h"

#include "catalog/introspector.h"
#include "compile/deployment.h"
#include "compile/naming.h"
#include "identity/signing_key_file.h"
#include "policy/policy_writer.h"

#include <chrono>
#include <thread>

namespace writ::publish {

const char *toString(PublishStep step)
{
    switch (step) {
    case PublishStep::Validate: return "validate";
    case PublishStep::Apply: return "apply";
    case PublishStep::Sign: return "sign";
    case PublishStep::Push: return "push";
    case PublishStep::Verify: return "verify";
    }
    return "?";
}

std::string restoreFloor(const std::string &db, const std::string &policyText, bool *restored)
{
    if (restored)
        *restored = false;
    if (policyText.empty())
        return "the database keeps the new floor: the deployment before it did not record its policy; publish the previous policy file";
    try {
        const policy::LoadResult previous = policy::loadPolicy(policyText, "the previous deployment");
        const catalog::Catalog cat = catalog::introspect(db);
        const compile::CompileResult compiled = compile::compilePolicy(previous.policy, previous.sources, cat);
        if (!previous.ok() || !compiled.ok())
            return "the previous deployment's policy no longer compiles; the database keeps the new floor";
        compile::ApplyOptions options;
        options.policyName = previous.policy.name;
        options.policyText = policyText;
        options.policySha256 = compile::sha256Hex(policyText);
        options.confirm = [](const compile::Plan &) { return true; };
        const auto result = compile::applyDesiredState(db, compiled.state, options);
        if (restored)
            *restored = true;
        return "the database floor was rolled back to the previous policy (deployment v" + std::to_string(result.version) + ")";
    } catch (const std::exception &e) {
        return std::string("rolling the floor back failed too: ") + e.what() + "; run `writ apply` with the previous policy";
    }
}

void Publisher::report(PublishStep step, StepState state, const std::string &message)
{
    if (onStep)
        onStep(StepEvent{step, state, message});
}

PublishResult Publisher::run(const PublishRequest &request)
{
    const ValidatedPolicy policy = validate(request);
    if (policy.ok())
        return publish(request, policy);
    PublishResult result;
    result.failedStep = PublishStep::Validate;
    result.inputFault = policy.failure == ValidateFailure::Load || policy.failure == ValidateFailure::Compile
                        || (policy.failure == ValidateFailure::Key && !policy.keyUnreadable);
    if (!policy.error.empty()) {
        result.error = policy.error;
    } else {
        // The first error is the one to fix first; the rest are in the diagnostics.
        const Diagnostics &all = policy.failure == ValidateFailure::Load ? policy.loaded.diagnostics : policy.compileDiagnostics;
        for (const auto &d : all.items())
            if (d.severity == Severity::Error) {
                result.error = d.message;
                break;
            }
    }
    return result;
}

ValidatedPolicy Publisher::validate(const PublishRequest &request)
{
    report(PublishStep::Validate, StepState::Running);
    ValidatedPolicy v;
    const auto fail = [&](ValidateFailure failure, std::string error) {
        v.failure = failure;
        v.error = std::move(error);
        report(PublishStep::Validate, StepState::Failed, v.error.empty() ? "the policy has errors" : v.error);
        return v;
    };
    v.loaded = request.policyText ? policy::loadPolicy(*request.policyText, request.policyPath) : policy::loadPolicyFile(request.policyPath);
    if (!v.loaded.ok())
        return fail(ValidateFailure::Load, {});
    catalog::Catalog cat;
    try {
        cat = catalog::introspect(request.db);
    } catch (const std::exception &e) {
        return fail(ValidateFailure::Catalog, e.what());
    }
    v.compiled = compile::compilePolicy(v.loaded.policy, v.loaded.sources, cat);
    v.compileDiagnostics = v.compiled->diagnostics;
    if (!v.compiled->ok())
        return fail(ValidateFailure::Compile, {});
    identity::SigningKeyLoad key = identity::loadSigningKeyFile(request.publisherKeyPath, "");
    v.keyWarning = key.warning;
    if (!key.key) {
        v.keyUnreadable = key.unreadable;
        return fail(ValidateFailure::Key, key.error);
    }
    v.key = std::move(key.key);
    try {
        v.before = compile::loadLastDeployment(request.db);
    } catch (const std::exception &e) {
        return fail(ValidateFailure::State, e.what());
    }
    v.canonicalText = policy::writePolicy(v.loaded.policy);
    v.sha256 = compile::sha256Hex(v.canonicalText);
    report(PublishStep::Validate, StepState::Done, "policy " + v.loaded.policy.name + " compiles against the database");
    return v;
}

PublishResult Publisher::publish(const PublishRequest &request, const ValidatedPolicy &policy)
{
    PublishResult result;
    const auto fail = [&](PublishStep step, std::string error) {
        result.failedStep = step;
        result.error = std::move(error);
        report(step, StepState::Failed, result.error);
        // Nothing half-published: a floor this publish changed goes back to the one before it.
        if (result.deployment > 0)
            result.floorMessage = restoreFloor(request.db, policy.before ? policy.before->policyText : std::string(), &result.floorRestored);
        return result;
    };

    // 2. The floor, in one transaction.
    report(PublishStep::Apply, StepState::Running);
    compile::ApplyOptions options;
    options.policyName = policy.loaded.policy.name;
    options.policyText = policy.canonicalText;
    options.policySha256 = policy.sha256;
    options.confirm = [this, &policy](const compile::Plan &plan) { return confirm ? confirm(PublishPlan{plan, policy}) : true; };
    compile::ApplyResult applied;
    try {
        applied = compile::applyDesiredState(request.db, policy.compiled->state, options);
    } catch (const std::exception &e) {
        return fail(PublishStep::Apply, std::string("the database was not changed: ") + e.what());
    }
    result.plan = applied.plan;
    if (applied.aborted) {
        result.declined = true;
        report(PublishStep::Apply, StepState::Failed, "not confirmed; nothing changed");
        return result;
    }
    result.deployment = applied.version;
    report(PublishStep::Apply, StepState::Done,
           applied.plan.empty() ? std::string("no database changes")
                                : "applied deployment v" + std::to_string(applied.version) + " (" + std::to_string(applied.plan.steps.size()) + " step(s))");

    // 3. The bundle, signed.
    report(PublishStep::Sign, StepState::Running);
    BundleContent content;
    content.policyName = policy.loaded.policy.name;
    content.policyText = policy.canonicalText;
    content.deployment = applied.version ? applied.version : (policy.before ? policy.before->version : 0);
    std::string error;
    const auto bundle = signBundle(content, *policy.key, error);
    if (!bundle)
        return fail(PublishStep::Sign, error);
    result.kid = bundle->kid;
    result.sha256 = bundle->content.sha256;
    report(PublishStep::Sign, StepState::Done, "signed with key " + bundle->kid + ", sha256 " + bundle->content.sha256.substr(0, 12));

    // 4. Pushed.
    report(PublishStep::Push, StepState::Running);
    const long long version = push(request, *bundle, error);
    if (version <= 0)
        return fail(PublishStep::Push, error);
    report(PublishStep::Push, StepState::Done, "bundle v" + std::to_string(version));

    // 5. Served.
    report(PublishStep::Verify, StepState::Running);
    if (!verifyServed(request, version, bundle->content.sha256, error))
        return fail(PublishStep::Verify, error);
    result.version = version;
    result.published = true;
    report(PublishStep::Verify, StepState::Done,
           request.gateway.empty() ? "gateways switch to bundle v" + std::to_string(version) + " at once"
                                   : request.gateway + " enforces bundle v" + std::to_string(version));
    return result;
}

long long Publisher::push(const PublishRequest &request, const SignedBundle &bundle, std::string &error)
{
    if (!request.gateway.empty()) {
        const AdminAnswer a = callAdmin(request.gateway, request.tokenFile, "PUT", "/v1/policy", bundle.compact, request.tokenOption);
        if (!a.ok()) {
            error = "the gateway refused the bundle: " + a.error;
            return 0;
        }
        return a.body.value("published", 0LL);
    }
    try {
        return storeBundle(request.db, bundle);
    } catch (const BundleStoreError &e) {
        error = e.what();
        return 0;
    }
}

bool Publisher::verifyServed(const PublishRequest &request, long long version, const std::string &sha256, std::string &error)
{
    if (request.gateway.empty())
        return true;
    for (int attempt = 0; attempt < request.verifyAttempts; ++attempt) {
        const AdminAnswer a = callAdmin(request.gateway, request.tokenFile, "GET", "/v1/policy", nullptr, request.tokenOption);
        if (a.ok() && a.body.value("version", 0LL) == version && a.body.value("sha256", "") == sha256)
            return true;
        error = a.ok() ? "the gateway enforces version " + std::to_string(a.body.value("version", 0LL)) + ", not " + std::to_string(version)
                       : a.error;
        std::this_thread::sleep_for(std::chrono::milliseconds(request.verifyIntervalMs));
    }
    return false;
}

} // namespace writ::publish
