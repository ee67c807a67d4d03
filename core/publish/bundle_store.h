// SPDX-License-Identifier: Apache-2.0
#pragma once

// Published bundles in the state database (writ.bundle). The active bundle is the one activated last;
// publishing activates the new bundle, a rollback activates an earlier one again. Every change notifies
// `writ_bundle`, so every gateway switches at once. Each call opens its own connection.

#include "publish/bundle.h"

#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace pqxx {
class transaction_base;
}

namespace writ::publish {

/// The state database could not be reached or refused the change.
class BundleStoreError : public std::runtime_error
{
public:
    using std::runtime_error::runtime_error;
};

struct StoredBundle
{
    long long version = 0;
    std::string compact;
};

struct BundleInfo
{
    long long version = 0, deployment = 0;
    std::string policyName, sha256, publisher, publishedBy, publishedAt, activatedAt; ///< times ISO 8601 UTC
    bool active = false;
};

/// Stores and activates a verified bundle; returns its version.
long long storeBundle(const std::string &libpqUri, const SignedBundle &bundle);
/// The active bundle; nullopt when none was ever published (or the runtime schema is missing).
std::optional<StoredBundle> activeBundle(const std::string &libpqUri);
/// The same inside a caller's transaction (the gateway's state connection, polled every few seconds).
std::optional<StoredBundle> activeBundle(pqxx::transaction_base &tx);
std::optional<StoredBundle> bundleByVersion(const std::string &libpqUri, long long version);
/// Activates an earlier bundle again. False when there is no such version.
bool activateBundle(const std::string &libpqUri, long long version);
/// Newest first.
std::vector<BundleInfo> listBundles(const std::string &libpqUri);

} // namespace writ::publish
