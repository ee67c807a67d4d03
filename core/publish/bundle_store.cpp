// SPDX-License-Identifier: Apache-2.0
#include "publish/bundle_store.h"

#include "catalog/introspector.h"

#include <pqxx/pqxx>

namespace writ::publish {

namespace {

template <typename Fn>
auto withConnection(const std::string &uri, Fn fn)
{
    try {
        pqxx::connection c(catalog::withConnectTimeout(uri));
        return fn(c);
    } catch (const pqxx::broken_connection &e) {
        throw BundleStoreError(std::string("could not connect to the state database: ") + e.what());
    } catch (const pqxx::sql_error &e) {
        throw BundleStoreError(std::string("the state database refused: ") + e.what());
    }
}

std::string iso(const char *column)
{
    return std::string("coalesce(to_char(") + column + " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), '')";
}

bool schemaReady(pqxx::transaction_base &tx)
{
    return tx.exec1("SELECT to_regclass('writ.bundle') IS NOT NULL")[0].as<bool>();
}

} // namespace

long long storeBundle(const std::string &libpqUri, const SignedBundle &bundle)
{
    return withConnection(libpqUri, [&](pqxx::connection &c) {
        pqxx::work tx(c);
        if (!schemaReady(tx))
            throw BundleStoreError("the writ runtime schema has no bundle table: run `writ apply` (or `writ publish`) with this version first");
        const auto row = tx.exec_params1(
            "INSERT INTO writ.bundle (policy_name, sha256, signed, publisher, deployment) VALUES ($1, $2, $3, $4, nullif($5, 0))"
            " RETURNING version",
            bundle.content.policyName, bundle.content.sha256, bundle.compact, bundle.kid, bundle.content.deployment);
        tx.commit();
        return row[0].as<long long>();
    });
}

std::optional<StoredBundle> activeBundle(pqxx::transaction_base &tx)
{
    if (!schemaReady(tx))
        return std::nullopt;
    const auto rows = tx.exec("SELECT version, signed FROM writ.bundle ORDER BY activated_at DESC, version DESC LIMIT 1");
    if (rows.empty())
        return std::nullopt;
    return StoredBundle{rows[0][0].as<long long>(), rows[0][1].as<std::string>()};
}

std::optional<StoredBundle> activeBundle(const std::string &libpqUri)
{
    return withConnection(libpqUri, [&](pqxx::connection &c) {
        pqxx::read_transaction tx(c);
        return activeBundle(tx);
    });
}

std::optional<StoredBundle> bundleByVersion(const std::string &libpqUri, long long version)
{
    return withConnection(libpqUri, [&](pqxx::connection &c) -> std::optional<StoredBundle> {
        pqxx::read_transaction tx(c);
        if (!schemaReady(tx))
            return std::nullopt;
        const auto rows = tx.exec_params("SELECT version, signed FROM writ.bundle WHERE version = $1", version);
        if (rows.empty())
            return std::nullopt;
        return StoredBundle{rows[0][0].as<long long>(), rows[0][1].as<std::string>()};
    });
}

bool activateBundle(const std::string &libpqUri, long long version)
{
    return withConnection(libpqUri, [&](pqxx::connection &c) {
        pqxx::work tx(c);
        // clock_timestamp, not now(): two activations in one transaction must still order.
        const auto r = tx.exec_params("UPDATE writ.bundle SET activated_at = clock_timestamp() WHERE version = $1", version);
        tx.commit();
        return r.affected_rows() == 1;
    });
}

std::vector<BundleInfo> listBundles(const std::string &libpqUri)
{
    return withConnection(libpqUri, [&](pqxx::connection &c) {
        pqxx::read_transaction tx(c);
        std::vector<BundleInfo> out;
        if (!schemaReady(tx))
            return out;
        const auto rows = tx.exec(
            "SELECT version, coalesce(deployment, 0), policy_name, sha256, publisher, published_by::text, " + iso("published_at") + ", "
            + iso("activated_at") + ", version = (SELECT version FROM writ.bundle ORDER BY activated_at DESC, version DESC LIMIT 1)"
            + " FROM writ.bundle ORDER BY version DESC");
        for (const auto &r : rows)
            out.push_back({r[0].as<long long>(), r[1].as<long long>(), r[2].as<std::string>(), r[3].as<std::string>(),
                           r[4].as<std::string>(), r[5].as<std::string>(), r[6].as<std::string>(), r[7].as<std::string>(),
                           r[8].as<bool>()});
        return out;
    });
}

} // namespace writ::publish
