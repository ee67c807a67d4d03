// SPDX-License-Identifier: Apache-2.0
#pragma once

// What `writ compile` and `writ plan` say about a policy, for the studio's SQL tab. Plain
// functions over core values (no widgets), so the plan can run on a worker thread.

#include "policy/policy.h"
#include "policy/source_map.h"

#include <QString>
#include <QStringList>

namespace writ::catalog {
struct Catalog;
}

namespace writ::ui {

struct FloorSql
{
    QString sql; ///< the script, or empty when the policy does not compile
    QString problem; ///< why there is no script (the first error), or a summary of the warnings
    QStringList warnings; ///< the compiler's warnings, one line each
    int statements = 0;
};

/// The SQL that builds the policy's floor on an empty database: `writ compile`'s script without
/// the writ runtime schema (which never depends on the policy).
FloorSql compiledSql(const policy::Policy &policy, const policy::SourceMap &sources, const catalog::Catalog &catalog);

/// `writ plan` against `conninfo`: introspects, compiles, reads the last deployment and lists the
/// steps with their SQL. Blocking; never throws (errors come back in `problem`).
FloorSql planAgainst(const QString &conninfo, const policy::Policy &policy, const policy::SourceMap &sources);

} // namespace writ::ui
