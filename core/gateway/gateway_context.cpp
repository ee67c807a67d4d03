// SPDX-License-Identifier: Apache-2.0
#include "gateway/gateway_context.h"

#include "gateway/session/upstream_pool.h"

#include "audit/audit_writer.h"
#include "catalog/introspector.h"
#include "common/file_io.h"
#include "decide/decision_engine.h"
#include "identity/jwk.h"
#include "identity/secret_file.h"
#include "identity/task_credential.h"
#include "policy/policy_loader.h"
#include "publish/bundle_store.h"
#include "tasks/task_password.h"

#include <asio/thread_pool.hpp>

#include <stdexcept>
#include <thread>

namespace writ::gateway {

namespace {

std::string readSecret(const std::string &path, const char *what, std::size_t minBytes)
{
    identity::SecretRead r = identity::readSecretFile(path, minBytes, true);
    if (!r.secret)
        throw std::runtime_error(std::string(what) + ": " + r.error);
    return std::move(*r.secret);
}

identity::KeySet readKeys(const std::vector<std::string> &files, const std::string &what)
{
    identity::KeySet all;
    for (const auto &file : files) {
        std::string error;
        const auto text = readTextFile(file, error, identity::kMaxKeyFileBytes);
        if (!text)
            throw std::runtime_error(what + ": " + error);
        auto set = identity::parseJwks(*text);
        if (!set)
            throw std::runtime_error(what + ": " + file + ": " + set.error().toString());
        for (auto &k : set.value().keys)
            all.keys.push_back(std::move(k));
    }
    if (all.keys.empty())
        throw std::runtime_error(what + " hold no usable key");
    return all;
}

std::size_t ioThreads(const GatewayConfig &c)
{
    return c.workers > 0 ? static_cast<std::size_t>(c.workers) : std::max(1u, std::thread::hardware_concurrency());
}

} // namespace

GatewayContext::GatewayContext(GatewayConfig config)
    : m_config(std::move(config))
    , m_placement(ioThreads(m_config))
{
    const auto &c = m_config;
    reloadKeys(c);
    std::string secretError;
    const auto secret = tasks::loadTaskPasswordSecret(c.passwordSecretFile, secretError);
    if (!secret)
        throw std::runtime_error("password_secret: " + secretError);
    m_passwordSecret = *secret;
    std::string auditKey;
    if (!c.audit.keyFile.empty())
        auditKey = readSecret(c.audit.keyFile, "audit.key_file", 32);
    m_audit = std::make_unique<audit::AuditWriter>(c.audit.file, auditKey);
    m_store = std::make_unique<TaskStore>(c.stateDsn);
    m_pool = std::make_unique<UpstreamPool>(c.pool.idleTimeout, static_cast<std::size_t>(std::max(0, c.pool.maxIdlePerTask)));
    m_blockingPool = std::make_unique<asio::thread_pool>(2);
    if (!reloadPolicy())
        throw std::runtime_error(c.bundles.enabled
                                     ? "no signed policy bundle is published in the state database: run `writ publish POLICY --db ... --publisher-key ...`"
                                     : "no policy is deployed in the state database: run `writ apply` first");
}

GatewayContext::~GatewayContext()
{
    if (m_blockingPool)
        m_blockingPool->join();
}

std::vector<std::string> GatewayContext::reloadKeys(const GatewayConfig &fresh)
{
    // Both sets are read before either is switched: a bad file changes nothing.
    identity::KeySet credentialKeys = readKeys(fresh.credentials.keyFiles, "credentials.key_files");
    const std::size_t credentialKeyCount = credentialKeys.keys.size();
    auto verifier = std::make_shared<const identity::TaskCredentialVerifier>(
        identity::TaskCredentialRules{fresh.credentials.issuer, fresh.credentials.audience, identity::kDefaultLeeway,
                                      fresh.credentials.maxLifetime},
        std::move(credentialKeys));
    std::shared_ptr<const identity::KeySet> publishers;
    if (m_config.bundles.enabled)
        publishers = std::make_shared<const identity::KeySet>(readKeys(fresh.bundles.publisherKeys, "bundles.publisher_keys"));
    std::vector<std::string> changed{std::to_string(credentialKeyCount) + " task-credential key(s)"};
    m_verifier.store(std::move(verifier));
    if (publishers) {
        changed.push_back(std::to_string(publishers->keys.size()) + " publisher key(s)");
        m_publisherKeys.store(std::move(publishers));
    }
    return changed;
}

std::optional<publish::SignedBundle> GatewayContext::verifyBundle(const std::string &compact, std::string &error) const
{
    const auto keys = m_publisherKeys.load();
    if (!keys) {
        error = "this gateway trusts no publisher keys (no bundles section)";
        return std::nullopt;
    }
    return publish::verifyBundle(compact, *keys, error);
}

std::optional<PolicySource> GatewayContext::newestSource()
{
    if (!m_config.bundles.enabled) {
        const auto deployed = m_store->latestDeployment();
        if (!deployed)
            return std::nullopt;
        return PolicySource{deployed->version, deployed->policyText, deployed->sha256, "", "deployment " + std::to_string(deployed->version)};
    }
    const auto stored = m_store->activeBundle(); // StateError names a failing state database
    if (!stored)
        return std::nullopt;
    if (stored->first == m_policyVersion.load())
        return PolicySource{stored->first, "", "", "", ""}; // unchanged: not verified again
    std::string error;
    const auto bundle = verifyBundle(stored->second, error);
    if (!bundle) {
        // Fail closed: keep enforcing what was verified before, and say why loudly.
        ++m_metrics.bundlesRejected;
        throw std::runtime_error("bundle " + std::to_string(stored->first) + " is refused: " + error);
    }
    return PolicySource{stored->first, bundle->content.policyText, bundle->content.sha256, bundle->kid,
                        "bundle " + std::to_string(stored->first)};
}

bool GatewayContext::reloadPolicy()
{
    std::lock_guard lock(m_reloadMutex);
    const auto source = newestSource();
    if (!source || source->version == m_policyVersion.load())
        return false;
    auto loaded = policy::loadPolicy(source->text, source->label);
    if (loaded.diagnostics.hasErrors())
        throw std::runtime_error(source->label + " holds a policy that does not load");
    auto catalog = std::make_shared<const catalog::Catalog>(catalog::introspect(m_config.stateDsn));
    auto policy = std::make_shared<const policy::Policy>(std::move(loaded.policy));
    m_engine.store(std::make_shared<const decide::DecisionEngine>(policy, catalog, std::to_string(source->version)));
    {
        std::lock_guard infoLock(m_sourceMutex);
        m_inForce = {source->version, source->sha256, source->publisher, source->text};
    }
    m_policyVersion.store(source->version);
    return true;
}

GatewayContext::PolicyInForce GatewayContext::policyInForce() const
{
    std::lock_guard lock(m_sourceMutex);
    return m_inForce;
}

} // namespace writ::gateway
