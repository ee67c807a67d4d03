// SPDX-License-Identifier: Apache-2.0
#include "output.h"

#include <iostream>

#include <nlohmann/json.hpp>

#include <ostream>

namespace writ::cli {

void printDiagnostics(std::ostream &out, const Diagnostics &diagnostics, const std::string &format)
{
    if (format == "json") {
        nlohmann::json items = nlohmann::json::array();
        for (const auto &d : diagnostics.items())
            items.push_back({{"severity", severityName(d.severity)},
                             {"code", d.code},
                             {"message", d.message},
                             {"hint", d.hint},
                             {"file", d.location.file},
                             {"line", d.location.line},
                             {"column", d.location.column}});
        out << items.dump(2) << "\n";
        return;
    }
    for (const auto &d : diagnostics.items())
        out << formatDiagnostic(d) << "\n";
}

std::string summary(const Diagnostics &diagnostics)
{
    auto plural = [](std::size_t n, const char *word) { return std::to_string(n) + " " + word + (n == 1 ? "" : "s"); };
    return plural(diagnostics.errorCount(), "error") + ", " + plural(diagnostics.warningCount(), "warning");
}

bool reportErrors(const Diagnostics &diagnostics, const std::string &file, const std::string &action)
{
    if (!diagnostics.hasErrors())
        return false;
    Diagnostics errors;
    for (const auto &d : diagnostics.items())
        if (d.severity == Severity::Error)
            errors.add(d);
    printDiagnostics(std::cerr, errors, "text");
    std::cerr << file << ": cannot " << action << " (" << summary(diagnostics) << ")\n";
    return true;
}

} // namespace writ::cli
