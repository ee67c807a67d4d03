// SPDX-License-Identifier: Apache-2.0
#pragma once

// The last records of an audit file, newest last, optionally filtered by field values — for the
// gateway's admin API (/v1/audit) and operators' tools. Reads backwards from the end in blocks,
// so a long file costs what the answer needs, not the file's size.

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace writ::audit {

struct TailQuery
{
    std::size_t limit = 100;                      ///< records returned at most
    std::map<std::string, std::string> equals;    ///< field -> value every returned record has (e.g. agent, verdict, event)
    std::size_t maxScanBytes = 16 * 1024 * 1024;  ///< stop looking further back than this
};

struct TailResult
{
    std::vector<std::string> records;             ///< JSON lines as written, oldest first
    std::optional<std::string> error;             ///< the file could not be read
};

TailResult tailAuditFile(const std::string &path, const TailQuery &query);

} // namespace writ::audit
