// SPDX-License-Identifier: Apache-2.0
#pragma once

// What one task type can reach if everything it is allowed goes wrong at once: relations, columns,
// sensitive columns, an estimate of the rows, and what it can write. Reviewers compare it before
// and after a change; the studio shows it beside each scope canvas.

#include "catalog/catalog.h"
#include "policy/policy.h"

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace writ::review {

struct ClassifiedColumn
{
    std::string column; ///< "schema.relation.column"
    std::string label; ///< the policy's label, or the suggested one ("pii", "pci", "secret")
    bool suggested = false; ///< from the column's name (findings/classification.h), not from `classify`
    bool masked = false; ///< read only through a mask in this task
    bool readable = true; ///< false: only inserted or updated, never read

    bool operator==(const ClassifiedColumn &) const = default;
};

struct RelationReach
{
    std::string relation; ///< "schema.name"
    std::vector<std::string> ops; ///< "select", "insert", "update", "delete"
    std::vector<std::string> columns; ///< named in the scope, or every catalog column for `all`
    bool allColumns = false; ///< the scope says every column
    bool columnsExpanded = true; ///< false: `all` and the relation is not in the catalog, so columns is empty
    std::vector<std::string> updateColumns; ///< what UPDATE may set (empty without update)
    bool filtered = false; ///< a row filter applies
    std::optional<double> rows; ///< the catalog's reltuples; nullopt without a catalog or never analyzed

    bool operator==(const RelationReach &) const = default;
};

struct BlastRadius
{
    std::string agent;
    std::string task;
    std::vector<RelationReach> relations; ///< in the order of the task's access list
    std::size_t columnCount = 0; ///< distinct relation.column pairs in reach (any operation)
    bool columnsExact = true; ///< false when an `all` scope could not be expanded (no catalog)
    std::vector<ClassifiedColumn> classified; ///< sorted by column
    /// Sum of reltuples over the relations whose existing rows are reachable (select, update or delete;
    /// an insert-only scope reaches no existing row). nullopt when any of them has no estimate.
    std::optional<double> rows;
    bool rowsUpperBound = false; ///< a row filter applies to at least one of them
    std::vector<std::string> inserts; ///< relations the task may insert into
    std::vector<std::string> updates;
    std::vector<std::string> deletes;

    bool operator==(const BlastRadius &) const = default;
};

/// `catalog` may be null: then `all` columns stay unexpanded and rows unknown, and only the
/// policy's `classify` labels and name suggestions for named columns count as classified.
BlastRadius blastRadius(
    const policy::Policy &policy, const policy::TaskType &task, const policy::Agent &agent, const catalog::Catalog *catalog);

} // namespace writ::review
