// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "catalog/catalog.h"
#include "common/diagnostic.h"
#include "compile/desired_state.h"
#include "policy/policy.h"
#include "policy/source_map.h"

namespace writ::compile {

struct CompileResult
{
    DesiredState state;
    Diagnostics diagnostics; ///< errors mean `state` must not be applied

    bool ok() const { return !diagnostics.hasErrors(); }
};

/// Policy + Catalog -> the facts the database must hold (ARCHITECTURE §5). Pure: no I/O.
/// Lints fail closed: an unknown relation or column, a filter that cannot be embedded, a superuser or
/// BYPASSRLS role that would see through the floor — each an error or a warning naming the fix.
CompileResult compilePolicy(const policy::Policy &policy, const policy::SourceMap &sources, const catalog::Catalog &catalog);

} // namespace writ::compile
