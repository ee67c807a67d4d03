// SPDX-License-Identifier: Apache-2.0
#pragma once

// JUnit XML, the report format CI systems (GitLab, Jenkins, GitHub test reporters) read: one
// <testsuite> with a <testcase> per case and a <failure> or <error> inside those that did not pass.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace writ::simulate {

struct JUnitCase
{
    std::string name;
    std::string className;
    double seconds = 0;
    std::optional<std::string> failure; ///< the case ran and its expectation did not hold: one-line message
    std::optional<std::string> error;   ///< the case could not run: one-line message
    std::string details;                ///< body of the failure or error element: everything a reader needs
};

struct JUnitSuite
{
    std::string name;
    double seconds = 0;
    std::vector<JUnitCase> cases;

    std::size_t failures() const;
    std::size_t errors() const;
};

/// A complete XML document (UTF-8, with declaration) holding one <testsuites> with `suite`.
std::string writeJUnitXml(const JUnitSuite &suite);

/// Text escaped for XML 1.0 element content or, with `attribute`, a double-quoted attribute value
/// (line breaks and tabs kept as character references). Characters XML 1.0 cannot carry at all
/// (control characters, invalid UTF-8) become U+FFFD.
std::string xmlEscape(std::string_view text, bool attribute = false);

} // namespace writ::simulate
