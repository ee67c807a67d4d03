// SPDX-License-Identifier: Apache-2.0
#pragma once

// Reads a live database into a Catalog value. A fixed number of catalog queries, whatever the
// number of tables, all in one read-only REPEATABLE READ transaction so the result is one
// consistent snapshot. Only system catalogs are read, never table data.

#include "catalog/catalog.h"

#include <chrono>
#include <functional>
#include <string>
#include <string_view>

namespace writ::catalog {

struct IntrospectOptions
{
    /// Also read pg_catalog and information_schema (pg_toast and temporary schemas never).
    bool includeSystemSchemas = false;
    /// Read every function, not only SECURITY DEFINER ones (which are what access control needs).
    bool includeAllFunctions = false;
    /// How long a catalog query may wait for a lock (pg_get_viewdef locks the tables a view reads,
    /// so a long DDL transaction elsewhere would otherwise stall introspection).
    std::chrono::milliseconds lockTimeout {30000};
    /// Called before each step ("connecting", "reading relations", ...); for progress displays.
    std::function<void(std::string_view step)> progress;
};

/// What one introspection cost.
struct IntrospectStats
{
    int queries = 0; ///< catalog queries sent (BEGIN/COMMIT not counted)
    std::chrono::milliseconds connectTime {0};
    std::chrono::milliseconds queryTime {0}; ///< from BEGIN to COMMIT
};

/// The catalog queries introspect() runs, whatever the database holds.
inline constexpr int kIntrospectQueryCount = 9;

/// Connects with a libpq URI or key=value string (connect_timeout=10 is added when absent),
/// reads the catalog and disconnects. Throws CatalogError — nothing else — with a message
/// that says what to fix: unreachable server, failed authentication, missing database,
/// permission denied on a catalog, unsupported server version.
Catalog introspect(const std::string &libpqUri, const IntrospectOptions &options = {}, IntrospectStats *stats = nullptr);

/// The connection string introspect() uses: `libpqUri` plus connect_timeout=10 unless it sets one.
/// Throws CatalogError when libpq cannot parse it.
std::string withConnectTimeout(const std::string &libpqUri);

} // namespace writ::catalog
