// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "common/diagnostic.h"

#include <map>
#include <string>

namespace writ::policy {

/// Where each part of a loaded policy came from, keyed by a slash path:
///   "agents/<agent>", "agents/<agent>/tasks/<task>", ".../access/<schema.rel>",
///   ".../access/<schema.rel>/rows" (points at the first character of the filter text itself),
///   "classify/<schema.rel.col>", "context/<key>", "defaults/<key>".
/// Kept apart from the model so that equality and canonical writing ignore formatting.
struct SourceMap
{
    std::string file;
    std::map<std::string, SourceLocation> positions;

    /// The location of `path`, or of its nearest recorded parent, or just the file.
    SourceLocation find(const std::string &path) const;
    void set(const std::string &path, int line, int column) { positions[path] = {file, line, column}; }
};

/// Path helpers so callers build the same keys the loader records.
std::string agentPath(const std::string &agent);
std::string taskPath(const std::string &agent, const std::string &task);
std::string scopePath(const std::string &agent, const std::string &task, const std::string &relation);

} // namespace writ::policy
