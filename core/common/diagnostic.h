// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <string>
#include <vector>

namespace writ {

/// A place in a source file. Lines and columns are 1-based; 0 means "unknown".
struct SourceLocation
{
    std::string file;
    int line = 0;
    int column = 0;

    bool isKnown() const { return line > 0; }
    bool operator==(const SourceLocation &) const = default;
};

enum class Severity { Error, Warning, Info };

/// A user mistake or a finding: never thrown, always collected and shown with a place and a fix.
struct Diagnostic
{
    Severity severity = Severity::Error;
    std::string code;    ///< stable machine-readable id, e.g. "policy.unknown-key"
    std::string message; ///< what is wrong, in words a person can act on
    std::string hint;    ///< what to do about it; may be empty
    SourceLocation location;

    bool operator==(const Diagnostic &) const = default;
};

class Diagnostics
{
public:
    void add(Diagnostic d) { m_items.push_back(std::move(d)); }
    void error(std::string code, std::string message, std::string hint = {}, SourceLocation at = {});
    void warning(std::string code, std::string message, std::string hint = {}, SourceLocation at = {});
    void append(const Diagnostics &other);

    const std::vector<Diagnostic> &items() const { return m_items; }
    bool empty() const { return m_items.empty(); }
    std::size_t size() const { return m_items.size(); }
    bool hasErrors() const;
    std::size_t errorCount() const;
    std::size_t warningCount() const;

    /// Sorts by file, line, column so output reads top to bottom.
    void sortByLocation();

private:
    std::vector<Diagnostic> m_items;
};

const char *severityName(Severity s);

/// "file:line:col: error: message [code]\n  hint: ..." — the format compilers use, so editors can jump.
std::string formatDiagnostic(const Diagnostic &d);

} // namespace writ
