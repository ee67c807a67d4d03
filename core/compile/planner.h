// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "catalog/catalog.h"
#include "compile/desired_state.h"
#include "compile/plan.h"

#include <optional>

namespace writ::compile {

/// SHA-256 of the embedded runtime SQL; a deployment records it so an upgrade shows in the plan.
std::string runtimeSha256();

/// Desired state minus live state, touching only Writ-managed objects. `last` is the previous
/// deployment (nullopt on a database Writ never deployed to): a live difference from it that the
/// policy did not ask for is drift, reported as such and undone. Pure: no I/O.
Plan planChanges(const DesiredState &desired, const catalog::Catalog &live, const std::optional<Deployment> &last);

/// Every fact as a creation, for `writ compile`: the SQL that builds the floor on an empty database.
Plan planFromScratch(const DesiredState &desired);

} // namespace writ::compile
