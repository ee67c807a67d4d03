// SPDX-License-Identifier: Apache-2.0
#pragma once

// One risk found in a database's current grants, as it matters for agent access: what, where,
// why, and the SQL that fixes it. Produced by findFindings(), printed by findings_format.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace writ::findings {

/// Ordered from most to least severe, so sorting by the enum puts high first.
enum class Severity { High, Medium, Low, Info };

struct Finding
{
    Severity severity = Severity::Medium;
    std::string code; ///< stable id, e.g. "public-grant"; one per kind of finding (docs/findings.md)
    std::string object; ///< "public.internal_notes", "public.customers.email", "role helpdesk_app", "schema public", ...
    std::string title; ///< one line: what is wrong with this object
    std::string why; ///< why it matters for agent access
    std::string fix; ///< what to do; SQL with quoted identifiers where the fix is a statement
    std::vector<std::string> details; ///< extra facts: who holds the grant, which columns, ...

    bool operator==(const Finding &) const = default;
};

const char *toString(Severity s); ///< "high", "medium", "low", "info"
std::optional<Severity> parseSeverity(std::string_view s);

/// Severity, then code, then object: the same findings always print in the same order.
bool findingLess(const Finding &a, const Finding &b);

} // namespace writ::findings
