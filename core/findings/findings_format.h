// SPDX-License-Identifier: Apache-2.0
#pragma once

// Findings as text for people, JSON for tools, and SARIF 2.1.0 for code-scanning dashboards.

#include "findings/finding.h"

#include <string>
#include <vector>

namespace writ::findings {

/// Where the findings come from; printed in headers and carried in JSON and SARIF.
struct FindingsSource
{
    std::string database; ///< e.g. "supportdesk"; may be empty
    std::string serverVersion; ///< e.g. "15.18"; may be empty
};

/// One block per finding: severity, code and object aligned in columns, then the title, why,
/// fix (indented, one SQL statement per line) and details; a count by severity at the end.
std::string formatText(const std::vector<Finding> &findings, const FindingsSource &source = {});

/// {"database", "serverVersion", "counts": {...}, "findings": [{severity, code, object, title, why, fix, details}]}
std::string formatJson(const std::vector<Finding> &findings, const FindingsSource &source = {});

/// A SARIF 2.1.0 log: one run, tool.driver "writ" with every finding kind as a rule, one result per
/// finding (level error/warning/note for high/medium/low and info) located by the object's name.
std::string formatSarif(const std::vector<Finding> &findings, const FindingsSource &source = {});

} // namespace writ::findings
