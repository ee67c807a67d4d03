// SPDX-License-Identifier: Apache-2.0
#include "gateway/gateway_context.h"

#include "audit/audit_writer.h"
#include "catalog/introspector.h"
#include "common/file_io.h"
#include "decide/decision_engine.h"
#include "identity/jwk.h"
#include "identity/secret_file.h"
#include "identity/task_credential.h"
#include "policy/policy_loader.h"
#include "tasks/task_password.h"

#include <asio/thread_pool.hpp>

#include <stdexcept>

namespace writ::gateway {

namespace {

std::string readSecret(const std::string &path, const char *what, std::size_t minBytes)
{
    identity::SecretRead r = identity::readSecretFile(path, minBytes, true);
    if (!r.secret)
        throw std::runtime_error(std::string(what) + ": " + r.error);
    return std::move(*r.secret);
}

identity::KeySet readKeys(const std::vector<std::string> &files)
{
    identity::KeySet all;
    for (const auto &file : files) {
        std::string error;
        const auto text = readTextFile(file, error, identity::kMaxKeyFileBytes);
        if (!text)
            throw std::runtime_error("credentials.key_files: " + error);
        auto set = identity::parseJwks(*text);
        if (!set)
            throw std::runtime_error("credentials.key_files: " + file + ": " + set.error().toString());
        for (auto &k : set.value().keys)
            all.keys.push_back(std::move(k));
    }
    if (all.keys.empty())
        throw std::runtime_error("credentials.key_files hold no usable key: task credentials could never be verified");
    return all;
}

} // namespace

GatewayContext::GatewayContext(GatewayConfig config) : m_config(std::move(config))
{
    const auto &c = m_config;
    m_verifier = std::make_unique<identity::TaskCredentialVerifier>(
        identity::TaskCredentialRules{c.credentials.issuer, c.credentials.audience, identity::kDefaultLeeway, c.credentials.maxLifetime},
        readKeys(c.credentials.keyFiles));
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
    m_blockingPool = std::make_unique<asio::thread_pool>(2);
    if (!reloadPolicy())
        throw std::runtime_error("no policy is deployed in the state database: run `writ apply` first");
}

GatewayContext::~GatewayContext()
{
    if (m_blockingPool)
        m_blockingPool->join();
}

bool GatewayContext::reloadPolicy()
{
    std::lock_guard lock(m_reloadMutex);
    const auto deployed = m_store->latestDeployment();
    if (!deployed || deployed->version == m_policyVersion.load())
        return false;
    auto loaded = policy::loadPolicy(deployed->policyText, "deployment " + std::to_string(deployed->version));
    if (loaded.diagnostics.hasErrors())
        throw std::runtime_error("deployment " + std::to_string(deployed->version) + " holds a policy that does not load");
    auto catalog = std::make_shared<const catalog::Catalog>(catalog::introspect(m_config.stateDsn));
    auto policy = std::make_shared<const policy::Policy>(std::move(loaded.policy));
    m_engine.store(std::make_shared<const decide::DecisionEngine>(policy, catalog, std::to_string(deployed->version)));
    m_policyVersion.store(deployed->version);
    return true;
}

} // namespace writ::gateway
