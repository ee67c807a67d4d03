// SPDX-License-Identifier: Apache-2.0
#include "simulate/test_case_writer.h"

#include "common/file_io.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <set>

namespace writ::simulate {

namespace {

/// A YAML double-quoted scalar: backslash, quote and control characters escaped.
std::string quoted(const std::string &s)
{
    std::string out = "\"";
    for (const char ch : s) {
        const auto c = static_cast<unsigned char>(ch);
        switch (ch) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        default:
            if (c < 0x20 || c == 0x7f) {
                char buf[8];
                std::snprintf(buf, sizeof buf, "\\x%02x", c);
                out += buf;
            } else {
                out += ch;
            }
        }
    }
    return out + "\"";
}

/// The indentation of the existing case items ("  - name: ..."), so an appended case lines up with them.
std::string itemIndent(const std::string &text)
{
    const auto cases = text.find("\ncases:");
    std::size_t pos = cases == std::string::npos ? (text.rfind("cases:", 0) == 0 ? 0 : std::string::npos) : cases + 1;
    if (pos == std::string::npos)
        return "  ";
    while ((pos = text.find('\n', pos)) != std::string::npos) {
        ++pos;
        std::size_t i = pos;
        while (i < text.size() && text[i] == ' ')
            ++i;
        if (i + 1 < text.size() && text[i] == '-' && text[i + 1] == ' ')
            return text.substr(pos, i - pos);
    }
    return "  ";
}

std::string freeName(const std::string &name, const TestFile &existing)
{
    std::set<std::string> taken;
    for (const auto &c : existing.cases)
        taken.insert(c.name);
    std::string candidate = name;
    for (int n = 2; taken.count(candidate); ++n)
        candidate = name + " (" + std::to_string(n) + ")";
    return candidate;
}

} // namespace

std::string testCaseYaml(const TestCase &c, const std::string &indent)
{
    const std::string key = indent + "  ";
    std::string out = indent + "- name: " + quoted(c.name) + "\n";
    out += key + "agent: " + quoted(c.agent) + "\n";
    out += key + "task: " + quoted(c.task) + "\n";
    if (!c.context.empty()) {
        out += key + "ctx: {";
        bool first = true;
        for (const auto &[k, v] : c.context) {
            out += std::string(first ? " " : ", ") + quoted(k) + ": " + quoted(v);
            first = false;
        }
        out += " }\n";
    }
    if (!c.environment.empty())
        out += key + "env: " + quoted(c.environment) + "\n";
    out += key + "sql: " + quoted(c.sql) + "\n";
    out += key + "expect: " + decide::toString(c.expect) + "\n";
    if (!c.rule.empty())
        out += key + "rule: " + c.rule + "\n";
    if (c.rows)
        out += key + "rows: " + std::to_string(*c.rows) + "\n";
    if (c.native)
        out += key + "native: " + quoted(toString(*c.native)) + "\n";
    if (!c.reason.empty())
        out += key + "reason: " + quoted(c.reason) + "\n";
    return out;
}

std::string appendTestCase(const std::string &path, const TestCase &testCase, std::string &error)
{
    std::string text;
    std::error_code ec;
    TestFile existing;
    if (std::filesystem::exists(path, ec)) {
        auto content = readTextFile(path, error, kMaxTestFileBytes);
        if (!content)
            return {};
        text = std::move(*content);
        const TestFileLoad before = loadPolicyTests(text, path);
        if (!before.ok()) {
            error = path + " has errors; fix them before adding a case (writ test reports them)";
            return {};
        }
        existing = before.tests;
    } else {
        text = "# Policy test cases (docs/simulate.md): writ test POLICY " + std::filesystem::path(path).filename().string()
            + " (--catalog FILE | --db URL)\nwrit_tests: 1\ncases:\n";
    }
    TestCase c = testCase;
    c.name = freeName(c.name.empty() ? std::string("simulated statement") : c.name, existing);
    if (!text.empty() && text.back() != '\n')
        text += '\n';
    text += testCaseYaml(c, itemIndent(text));

    const TestFileLoad after = loadPolicyTests(text, path);
    const bool landed = after.ok() && after.tests.cases.size() == existing.cases.size() + 1 && after.tests.cases.back().name == c.name
        && after.tests.cases.back().sql == c.sql;
    if (!landed) {
        error = "cannot append to " + path + ": its cases: list must be the file's last key, written as a block (\"- name: ...\" items)";
        return {};
    }
    if (!writeFileAtomically(path, text, error))
        return {};
    return c.name;
}

} // namespace writ::simulate
