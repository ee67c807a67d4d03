// SPDX-License-Identifier: Apache-2.0
#pragma once

// Catalog snapshots as JSON: what `writ catalog -o FILE` writes and what offline review,
// tests and the studio read back without a database. The format is versioned by the
// top-level key "writ_catalog" (currently 1); keys appear in a fixed order so a snapshot
// diffs cleanly in git.

#include "catalog/catalog.h"

#include <filesystem>
#include <string>
#include <string_view>

namespace writ::catalog {

/// Snapshot format version written by toJson() and the newest one catalogFromJson() accepts.
inline constexpr int kCatalogFormatVersion = 1;

/// Pretty JSON (2-space indent, stable key order, trailing newline). Every field is written.
std::string toJson(const Catalog &catalog);

/// Parses a snapshot. Optional fields may be missing (they take the model's defaults), unknown
/// keys are ignored; anything else wrong throws CatalogError naming the line:column or the
/// field path, e.g. "relations[3].columns[1].notNull: expected a boolean, got a string".
Catalog catalogFromJson(std::string_view text);

/// Reads and parses a snapshot file; errors start with the file name.
Catalog loadCatalogFile(const std::filesystem::path &path);

/// Writes a snapshot atomically (temporary file, then rename). Throws CatalogError on I/O errors.
void saveCatalogFile(const std::filesystem::path &path, const Catalog &catalog);

} // namespace writ::catalog
