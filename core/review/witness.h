// SPDX-License-Identifier: Apache-2.0
#pragma once

// What a widening means on real data. For a scope whose row filter widened (or that is new), the
// rows the new filter admits and the old one did not — counted on the database, with one example
// primary key. For a scope whose readable columns grew, which columns those are and how they are
// classified. planWitnesses() is pure (catalog only); runWitnesses() reads the database, read-only.

#include "catalog/catalog.h"
#include "policy/policy.h"

#include <chrono>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace writ::review {

/// Could not connect to the witness database, or lost it. Per-witness problems (a filter that does
/// not check, a missing --ctx value, a statement timeout) are recorded in the witness instead.
class WitnessError : public std::runtime_error
{
public:
    using std::runtime_error::runtime_error;
};

struct WitnessColumn
{
    std::string name;
    std::string label; ///< empty when the column is not classified
    bool suggested = false; ///< the label comes from the column's name
    bool masked = false; ///< readable only through a mask

    bool operator==(const WitnessColumn &) const = default;
};

struct Witness
{
    enum class Kind { Rows, Columns };
    enum class Status {
        Pending, ///< planned; runWitnesses() computes it
        Computed,
        NeedsContext, ///< a filter uses context keys no --ctx value was given for
        Refused, ///< a filter does not check clean against the catalog, or the relation is missing
        Failed, ///< the query failed (statement timeout, a value that does not cast, ...)
    };

    Kind kind = Kind::Rows;
    Status status = Status::Pending;
    std::string agent;
    std::string task;
    std::string relation; ///< "schema.name"

    // Rows.
    bool newScope = false; ///< nothing of the relation was reachable before
    std::optional<std::string> oldFilter; ///< nullopt: no filter (with newScope: no rows at all)
    std::optional<std::string> newFilter; ///< nullopt: every row
    std::vector<std::string> contextKeys; ///< keys the filters use
    std::vector<std::string> missingContext;
    std::string countSql; ///< the exact statements run, for the record
    std::string exampleSql;
    long long rows = 0; ///< newly reachable rows
    std::vector<std::pair<std::string, std::string>> exampleKey; ///< primary key column -> value, empty when none
    bool hasPrimaryKey = true;

    // Columns.
    std::vector<WitnessColumn> columns; ///< newly readable columns

    std::string message; ///< why it was refused or failed

    bool operator==(const Witness &) const = default;
};

const char *toString(Witness::Status s); ///< "pending", "computed", "needs_context", "refused", "failed"

/// Witnesses for every scope whose reachable rows or readable columns grew from `oldPolicy` to
/// `newPolicy`. Column witnesses come out Computed; row witnesses come out Pending with their SQL
/// prepared, or Refused / NeedsContext. A row filter is only ever run after it checked clean
/// (check::checkRowFilter and compile::filterSpliceProblem); `$key` becomes a bound parameter.
std::vector<Witness> planWitnesses(const policy::Policy &oldPolicy, const policy::Policy &newPolicy,
    const catalog::Catalog &catalog, const std::map<std::string, std::string> &context);

struct WitnessOptions
{
    std::chrono::milliseconds statementTimeout {10000};
};

/// Runs the pending row witnesses on `libpqUri`, one REPEATABLE READ READ ONLY transaction each with
/// a statement timeout, binding `context` values as parameters. Throws WitnessError when the
/// database cannot be reached.
void runWitnesses(std::vector<Witness> &witnesses, const std::string &libpqUri, const std::map<std::string, std::string> &context,
    const WitnessOptions &options = {});

} // namespace writ::review
