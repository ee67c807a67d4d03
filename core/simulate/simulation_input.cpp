// SPDX-License-Identifier: Apache-2.0
#include "simulate/simulation_input.h"

#include "catalog/catalog_error.h"
#include "catalog/catalog_json.h"
#include "catalog/introspector.h"
#include "compile/compiler.h"
#include "policy/policy_loader.h"

namespace writ::simulate {

SimulationInput loadSimulationInput(const std::string &policyFile, const std::string &connectionUri, const std::string &catalogFile)
{
    SimulationInput in;
    policy::LoadResult loaded = policy::loadPolicyFile(policyFile);
    in.diagnostics = loaded.diagnostics;
    in.sources = loaded.sources;
    if (!loaded.ok())
        return in;
    try {
        in.catalog = std::make_shared<const catalog::Catalog>(connectionUri.empty() ? catalog::loadCatalogFile(catalogFile)
                                                                                    : catalog::introspect(connectionUri));
    } catch (const catalog::CatalogError &e) {
        in.environmentError = e.what();
        return in;
    }
    in.diagnostics.append(compile::compilePolicy(loaded.policy, loaded.sources, *in.catalog).diagnostics);
    in.policy = std::make_shared<const policy::Policy>(std::move(loaded.policy));
    return in;
}

} // namespace writ::simulate
