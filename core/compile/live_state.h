// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "catalog/catalog.h"
#include "compile/desired_state.h"

namespace writ::compile {

/// True when row-level security on `rel` is Writ's doing: enabled, with at least one policy, all Writ's,
/// or with a Writ pass-through policy among them (those exist only where Writ enabled it, and a policy
/// someone adds later must not take them away). RLS someone else enabled keeps its own policies, and
/// Writ never turns it off.
bool writEnabledRls(const catalog::Relation &rel);

/// The Writ-managed part of a live database, as the same facts a compiled policy is made of.
/// Public replacements are one-way changes and never appear here.
DesiredState liveState(const catalog::Catalog &catalog);

} // namespace writ::compile
