// SPDX-License-Identifier: Apache-2.0
#include "findings/findings_format.h"

#include "findings/findings.h"

#include <writ/version.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <sstream>

namespace writ::findings {

namespace {

using ordered_json = nlohmann::ordered_json;

constexpr std::size_t kWrapWidth = 100;
constexpr const char *kIndent = "        ";
constexpr const char *kSarifSchema = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/os/schemas/sarif-schema-2.1.0.json";

std::array<int, 4> countBySeverity(const std::vector<Finding> &findings)
{
    std::array<int, 4> counts {};
    for (const auto &f : findings)
        ++counts[static_cast<std::size_t>(f.severity)];
    return counts;
}

std::string upper(std::string s)
{
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    return s;
}

/// `text` broken at spaces into lines of at most kWrapWidth characters after `prefix`; later lines get `indent`.
std::string wrap(const std::string &prefix, const std::string &text, const std::string &indent)
{
    std::string out = prefix;
    std::size_t column = prefix.size();
    std::istringstream words(text);
    std::string word;
    bool first = true;
    while (words >> word) {
        if (!first && column + 1 + word.size() > kWrapWidth) {
            out += "\n" + indent;
            column = indent.size();
        } else if (!first) {
            out += ' ';
            ++column;
        }
        out += word;
        column += word.size();
        first = false;
    }
    return out + "\n";
}

/// Multi-line text (SQL) with every line after the first indented under the first.
std::string block(const std::string &prefix, const std::string &text, const std::string &indent)
{
    std::string out = prefix;
    for (const char c : text) {
        out += c;
        if (c == '\n')
            out += indent;
    }
    return out + "\n";
}

const char *sarifLevel(Severity s)
{
    switch (s) {
    case Severity::High:
        return "error";
    case Severity::Medium:
        return "warning";
    case Severity::Low:
    case Severity::Info:
        return "note";
    }
    return "note";
}

ordered_json findingJson(const Finding &f)
{
    ordered_json j;
    j["severity"] = toString(f.severity);
    j["code"] = f.code;
    j["object"] = f.object;
    j["title"] = f.title;
    j["why"] = f.why;
    j["fix"] = f.fix;
    j["details"] = f.details;
    return j;
}

ordered_json countsJson(const std::vector<Finding> &findings)
{
    const auto counts = countBySeverity(findings);
    ordered_json j;
    for (const Severity s : {Severity::High, Severity::Medium, Severity::Low, Severity::Info})
        j[toString(s)] = counts[static_cast<std::size_t>(s)];
    return j;
}

} // namespace

std::string formatText(const std::vector<Finding> &findings, const FindingsSource &source)
{
    std::string out;
    if (!source.database.empty())
        out += "findings for database " + source.database
            + (source.serverVersion.empty() ? std::string() : " (PostgreSQL " + source.serverVersion + ")") + "\n\n";
    std::size_t codeWidth = 0;
    for (const auto &f : findings)
        codeWidth = std::max(codeWidth, f.code.size());

    const std::string indent = kIndent;
    for (const auto &f : findings) {
        std::string severity = upper(toString(f.severity));
        severity.resize(indent.size(), ' ');
        std::string code = f.code;
        code.resize(codeWidth + 2, ' ');
        out += severity + code + f.object + "\n";
        out += wrap(indent, f.title, indent);
        out += wrap(indent + "why: ", f.why, indent + "     ");
        out += block(indent + "fix: ", f.fix, indent + "     ");
        for (const auto &d : f.details)
            out += wrap(indent + "- ", d, indent + "  ");
        out += "\n";
    }
    const auto counts = countBySeverity(findings);
    out += std::to_string(findings.size()) + (findings.size() == 1 ? " finding" : " findings");
    out += ": " + std::to_string(counts[0]) + " high, " + std::to_string(counts[1]) + " medium, " + std::to_string(counts[2])
        + " low, " + std::to_string(counts[3]) + " info\n";
    return out;
}

std::string formatJson(const std::vector<Finding> &findings, const FindingsSource &source)
{
    ordered_json j;
    j["database"] = source.database;
    j["serverVersion"] = source.serverVersion;
    j["counts"] = countsJson(findings);
    j["findings"] = ordered_json::array();
    for (const auto &f : findings)
        j["findings"].push_back(findingJson(f));
    return j.dump(2) + "\n";
}

std::string formatSarif(const std::vector<Finding> &findings, const FindingsSource &source)
{
    const auto rules = findingRules();

    ordered_json driver;
    driver["name"] = "writ";
    driver["version"] = kVersion;
    driver["rules"] = ordered_json::array();
    for (const FindingRule &r : rules) {
        ordered_json rule;
        rule["id"] = r.code;
        rule["shortDescription"] = {{"text", r.summary}};
        rule["fullDescription"] = {{"text", r.help}};
        rule["help"] = {{"text", r.help}};
        rule["defaultConfiguration"] = {{"level", sarifLevel(r.severity)}};
        rule["properties"] = {{"tags", {"security"}}};
        driver["rules"].push_back(std::move(rule));
    }

    ordered_json results = ordered_json::array();
    for (const auto &f : findings) {
        ordered_json result;
        result["ruleId"] = f.code;
        const auto it = std::find_if(rules.begin(), rules.end(), [&](const FindingRule &r) { return f.code == r.code; });
        if (it != rules.end())
            result["ruleIndex"] = static_cast<int>(it - rules.begin());
        result["level"] = sarifLevel(f.severity);
        result["message"] = {{"text", f.title + ".\n\n" + f.why + "\n\nFix:\n" + f.fix}};
        ordered_json location;
        location["logicalLocations"] = ordered_json::array({{{"name", f.object}, {"fullyQualifiedName", f.object}}});
        result["locations"] = ordered_json::array({location});
        ordered_json props;
        props["severity"] = toString(f.severity);
        props["why"] = f.why;
        props["fix"] = f.fix;
        props["details"] = f.details;
        result["properties"] = std::move(props);
        results.push_back(std::move(result));
    }

    ordered_json run;
    run["tool"] = {{"driver", std::move(driver)}};
    run["results"] = std::move(results);
    ordered_json runProps;
    runProps["database"] = source.database;
    runProps["serverVersion"] = source.serverVersion;
    run["properties"] = std::move(runProps);

    ordered_json log;
    log["$schema"] = kSarifSchema;
    log["version"] = "2.1.0";
    log["runs"] = ordered_json::array({std::move(run)});
    return log.dump(2) + "\n";
}

} // namespace writ::findings
