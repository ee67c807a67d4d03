// SPDX-License-Identifier: Apache-2.0
#include "common/diagnostic.h"

#include <algorithm>
#include <tuple>

namespace writ {

void Diagnostics::error(std::string code, std::string message, std::string hint, SourceLocation at)
{
    m_items.push_back({Severity::Error, std::move(code), std::move(message), std::move(hint), std::move(at)});
}

void Diagnostics::warning(std::string code, std::string message, std::string hint, SourceLocation at)
{
    m_items.push_back({Severity::Warning, std::move(code), std::move(message), std::move(hint), std::move(at)});
}

void Diagnostics::append(const Diagnostics &other)
{
    m_items.insert(m_items.end(), other.m_items.begin(), other.m_items.end());
}

bool Diagnostics::hasErrors() const
{
    return errorCount() > 0;
}

std::size_t Diagnostics::errorCount() const
{
    return std::count_if(m_items.begin(), m_items.end(), [](const Diagnostic &d) { return d.severity == Severity::Error; });
}

std::size_t Diagnostics::warningCount() const
{
    return std::count_if(m_items.begin(), m_items.end(), [](const Diagnostic &d) { return d.severity == Severity::Warning; });
}

void Diagnostics::sortByLocation()
{
    std::stable_sort(m_items.begin(), m_items.end(), [](const Diagnostic &a, const Diagnostic &b) {
        return std::tie(a.location.file, a.location.line, a.location.column)
             < std::tie(b.location.file, b.location.line, b.location.column);
    });
}

const char *severityName(Severity s)
{
    switch (s) {
    case Severity::Error: return "error";
    case Severity::Warning: return "warning";
    case Severity::Info: return "info";
    }
    return "error";
}

std::string formatDiagnostic(const Diagnostic &d)
{
    std::string out;
    if (!d.location.file.empty()) {
        out += d.location.file;
        if (d.location.line > 0) {
            out += ':' + std::to_string(d.location.line);
            if (d.location.column > 0)
                out += ':' + std::to_string(d.location.column);
        }
        out += ": ";
    }
    out += severityName(d.severity);
    out += ": ";
    out += d.message;
    if (!d.code.empty())
        out += " [" + d.code + "]";
    if (!d.hint.empty())
        out += "\n  hint: " + d.hint;
    return out;
}

} // namespace writ
