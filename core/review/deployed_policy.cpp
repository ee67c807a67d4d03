// SPDX-License-Identifier: Apache-2.0
#include "review/deployed_policy.h"

#include <pqxx/pqxx>

namespace writ::review {

std::string deployedPolicyText(const std::string &libpqUri, const std::string &sha256)
{
    try {
        pqxx::connection connection(libpqUri);
        pqxx::read_transaction tx(connection);
        if (!tx.exec1("SELECT to_regclass('writ.deployment') IS NOT NULL")[0].as<bool>())
            throw DeployedPolicyError("the database has no writ runtime schema: nothing was ever deployed there");
        const pqxx::result r = tx.exec_params(
            "SELECT policy FROM writ.deployment WHERE ($1 = '' OR sha256 = $1) AND policy IS NOT NULL ORDER BY version DESC LIMIT 1",
            sha256);
        if (r.empty())
            throw DeployedPolicyError(sha256.empty() ? std::string("the database has no deployment with a policy text")
                                                     : "no deployment of this database has the policy the gateway enforces (sha256 "
                    + sha256.substr(0, 12) + "); connect the studio to the gateway's database");
        return r[0][0].as<std::string>();
    } catch (const pqxx::failure &e) {
        throw DeployedPolicyError(std::string("cannot read the deployed policy: ") + e.what());
    }
}

} // namespace writ::review
