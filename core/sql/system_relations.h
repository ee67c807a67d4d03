// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <string_view>

namespace writ::sql::detail {

/// A table or view of PostgreSQL 15's pg_catalog (pg_class, pg_roles, pg_stat_activity, ...).
/// An unqualified name is one of these before anything on the search_path, as PostgreSQL
/// searches pg_catalog first; other names, pg_* or not, are looked up in the Catalog, so a user
/// table that merely starts with pg_ is never taken for a system one.
bool isPgCatalogRelation(std::string_view name);

} // namespace writ::sql::detail
