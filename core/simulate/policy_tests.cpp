// SPDX-License-Identifier: Apache-2.0
#include "simulate/policy_tests.h"

#include "common/text_file_checks.h"

#include "common/file_io.h"
#include "common/text.h"
#include "common/text_file_checks.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <set>

namespace writ::simulate {

namespace {

const std::vector<std::string> kTopKeys = {"writ_tests", "description", "defaults", "cases"};
const std::vector<std::string> kDefaultsKeys = {"agent", "task", "ctx", "env"};
const std::vector<std::string> kCaseKeys = {"name", "agent", "task", "ctx", "env", "sql", "expect", "rule", "rows", "native", "reason"};

/// Every rule id a decision can carry, so that a misspelt `rule:` is an error, not a case that can never pass.
const std::vector<std::string> kRules = [] {
    const auto &all = decide::allRules();
    return std::vector<std::string>(all.begin(), all.end());
}();

/// Defaults a case inherits for the keys it leaves out.
struct CaseDefaults
{
    std::optional<std::string> agent, task, environment;
    std::optional<std::map<std::string, std::string>> context;
};

class CaseReader
{
public:
    CaseReader(std::string_view text, const std::string &file, TestFileLoad &out)
        : m_text(text), m_file(file), m_out(out)
    {
        m_out.tests.file = file;
        m_lineStarts.push_back(0);
        for (std::size_t i = 0; i < text.size(); ++i)
            if (text[i] == '\n')
                m_lineStarts.push_back(i + 1);
    }

    void read(const YAML::Node &root);

private:
    SourceLocation at(const YAML::Node &node) const;
    void error(const YAML::Node &node, std::string code, std::string message, std::string hint = {});
    void error(const SourceLocation &where, std::string code, std::string message, std::string hint = {});
    bool checkMap(const YAML::Node &node, const std::string &what, const std::vector<std::string> &known);
    std::optional<std::string> scalar(const YAML::Node &node, const std::string &what);
    std::optional<std::map<std::string, std::string>> contextMap(const YAML::Node &node, const std::string &what);
    void readDefaults(const YAML::Node &node);
    void readCase(const YAML::Node &node, std::size_t index, std::set<std::string> &names);

    std::string_view m_text;
    std::vector<std::size_t> m_lineStarts;
    std::string m_file;
    TestFileLoad &m_out;
    CaseDefaults m_defaults;
};

SourceLocation CaseReader::at(const YAML::Node &node) const
{
    const YAML::Mark mark = node.Mark();
    if (mark.pos < 0)
        return {m_file, 0, 0};
    const std::size_t offset = std::min(static_cast<std::size_t>(mark.pos), m_text.size());
    const auto next = std::upper_bound(m_lineStarts.begin(), m_lineStarts.end(), offset);
    const std::size_t start = *(next - 1);
    const LineColumn lc = lineColumnAt(m_text.substr(start), offset - start);
    return {m_file, static_cast<int>(next - m_lineStarts.begin()), lc.column};
}

void CaseReader::error(const YAML::Node &node, std::string code, std::string message, std::string hint)
{
    error(at(node), std::move(code), std::move(message), std::move(hint));
}

void CaseReader::error(const SourceLocation &where, std::string code, std::string message, std::string hint)
{
    m_out.diagnostics.error(std::move(code), std::move(message), std::move(hint), where);
}

bool CaseReader::checkMap(const YAML::Node &node, const std::string &what, const std::vector<std::string> &known)
{
    if (!node.IsMap()) {
        error(node, "tests.expected-map", what + " must be a mapping of keys to values",
              "write it as `key: value` lines indented under it, or `{ key: value }`");
        return false;
    }
    std::set<std::string> seen;
    for (const auto &kv : node) {
        if (!kv.first.IsScalar()) {
            error(kv.first, "tests.bad-key", "keys of " + what + " must be plain words");
            continue;
        }
        const std::string key = kv.first.Scalar();
        if (!seen.insert(key).second)
            error(kv.first, "tests.duplicate-key", "key '" + key + "' appears twice in " + what, "keep one of them");
        if (std::find(known.begin(), known.end(), key) == known.end()) {
            std::string hint = "allowed keys: " + joinList(known);
            if (auto near = closestMatch(key, known))
                hint = "did you mean '" + *near + "'? " + hint;
            error(kv.first, "tests.unknown-key", "unknown key '" + key + "' in " + what, hint);
        }
    }
    return true;
}

std::optional<std::string> CaseReader::scalar(const YAML::Node &node, const std::string &what)
{
    if (node.IsScalar())
        return node.Scalar();
    if (node.IsNull())
        error(node, "tests.missing-value", what + " has no value", "write a value after the colon");
    else
        error(node, "tests.expected-scalar", what + " must be a single value, not a " + (node.IsMap() ? "mapping" : "list"));
    return std::nullopt;
}

std::optional<std::map<std::string, std::string>> CaseReader::contextMap(const YAML::Node &node, const std::string &what)
{
    std::map<std::string, std::string> out;
    if (node.IsNull())
        return out;
    if (!node.IsMap()) {
        error(node, "tests.expected-map", what + " must map context keys to values", "e.g. ctx: { customer_id: 42 }");
        return std::nullopt;
    }
    bool ok = true;
    for (const auto &kv : node) {
        const auto key = scalar(kv.first, "a key of " + what);
        const auto value = scalar(kv.second, what + (key ? "." + *key : std::string()));
        if (!key || !value) {
            ok = false;
            continue;
        }
        if (!out.emplace(*key, *value).second) {
            error(kv.first, "tests.duplicate-key", "context key '" + *key + "' appears twice in " + what);
            ok = false;
        }
    }
    return ok ? std::optional(out) : std::nullopt;
}

void CaseReader::readDefaults(const YAML::Node &node)
{
    if (!checkMap(node, "defaults", kDefaultsKeys))
        return;
    if (const YAML::Node n = node["agent"])
        m_defaults.agent = scalar(n, "defaults.agent");
    if (const YAML::Node n = node["task"])
        m_defaults.task = scalar(n, "defaults.task");
    if (const YAML::Node n = node["env"])
        m_defaults.environment = scalar(n, "defaults.env");
    if (const YAML::Node n = node["ctx"])
        m_defaults.context = contextMap(n, "defaults.ctx");
}

void CaseReader::readCase(const YAML::Node &node, std::size_t index, std::set<std::string> &names)
{
    const std::string what = "case " + std::to_string(index + 1);
    if (!checkMap(node, what, kCaseKeys))
        return;
    TestCase c;
    c.location = at(node);
    bool complete = true;
    auto required = [&](const char *key, const std::optional<std::string> &fallback, std::string &into, const char *hint) {
        if (const YAML::Node n = node[key]) {
            if (auto s = scalar(n, what + "." + key))
                into = *s;
            else
                complete = false;
        } else if (fallback) {
            into = *fallback;
        } else {
            error(c.location, "tests.missing-key", what + " has no `" + key + "`", hint);
            complete = false;
        }
    };
    required("name", std::nullopt, c.name, "name each case so a failure says which one");
    required("agent", m_defaults.agent, c.agent, "add `agent:` to the case or to `defaults:`");
    required("task", m_defaults.task, c.task, "add `task:` to the case or to `defaults:`");
    required("sql", std::nullopt, c.sql, "the statement to decide, e.g. sql: SELECT id FROM tickets");
    if (!c.name.empty() && !names.insert(c.name).second)
        error(node["name"], "tests.duplicate-name", "two cases are named '" + c.name + "'", "give each case its own name");
    if (node["sql"] && c.sql.find_first_not_of(" \t\r\n") == std::string::npos && node["sql"].IsScalar()) {
        error(node["sql"], "tests.empty-sql", what + " has an empty `sql`");
        complete = false;
    }

    if (const YAML::Node n = node["ctx"]) {
        if (auto m = contextMap(n, what + ".ctx"))
            c.context = *m;
        else
            complete = false;
    } else if (m_defaults.context) {
        c.context = *m_defaults.context;
    }
    if (const YAML::Node n = node["env"]) {
        if (auto s = scalar(n, what + ".env"))
            c.environment = *s;
    } else if (m_defaults.environment) {
        c.environment = *m_defaults.environment;
    }

    if (const YAML::Node n = node["expect"]) {
        if (auto s = scalar(n, what + ".expect")) {
            if (auto v = decide::parseVerdict(*s))
                c.expect = *v;
            else {
                error(n, "tests.bad-expect", what + ": expect '" + *s + "' is not a verdict", "use allow, deny or approval_required");
                complete = false;
            }
        }
    } else {
        error(c.location, "tests.missing-key", what + " has no `expect`", "add expect: allow, deny or approval_required");
        complete = false;
    }
    if (const YAML::Node n = node["rule"]) {
        if (auto s = scalar(n, what + ".rule")) {
            if (std::find(kRules.begin(), kRules.end(), *s) == kRules.end()) {
                std::string hint = "rules: " + joinList(kRules);
                if (auto near = closestMatch(*s, kRules))
                    hint = "did you mean '" + *near + "'? " + hint;
                error(n, "tests.unknown-rule", what + ": no rule is called '" + *s + "'", hint);
            } else {
                c.rule = *s;
            }
        }
    }
    if (const YAML::Node n = node["rows"]) {
        if (auto s = scalar(n, what + ".rows")) {
            std::int64_t value = -1;
            const auto [p, ec] = std::from_chars(s->data(), s->data() + s->size(), value);
            if (ec != std::errc() || p != s->data() + s->size() || value < 0)
                error(n, "tests.bad-rows", what + ": rows must be a whole number of rows, 0 or more, got '" + *s + "'");
            else
                c.rows = value;
        }
    }
    if (const YAML::Node n = node["native"]) {
        if (auto s = scalar(n, what + ".native")) {
            if (auto o = parseNativeExpectation(*s))
                c.native = *o;
            else
                error(n, "tests.bad-native", what + ": native '" + *s + "' is not an outcome",
                      "use succeed (PostgreSQL runs it as the task's role), deny (it refuses with SQLSTATE 42501) or the "
                      "SQLSTATE it fails with, e.g. 42703");
        }
    }
    if (const YAML::Node n = node["reason"])
        if (auto s = scalar(n, what + ".reason"))
            c.reason = *s;
    if (complete)
        m_out.tests.cases.push_back(std::move(c));
}

void CaseReader::read(const YAML::Node &root)
{
    if (root.IsNull() || !root.IsDefined()) {
        error(SourceLocation{m_file, 1, 1}, "tests.empty", "the case file is empty", "add a `cases:` list");
        return;
    }
    if (!checkMap(root, "the case file", kTopKeys))
        return;
    if (const YAML::Node v = root["writ_tests"]) {
        const auto s = scalar(v, "writ_tests");
        if (s && *s != std::to_string(kTestFileVersion))
            error(v, "tests.version", "writ_tests: " + *s + " is not a case file format this writ reads",
                  "this version reads writ_tests: " + std::to_string(kTestFileVersion));
    }
    if (const YAML::Node d = root["defaults"])
        readDefaults(d);
    const YAML::Node cases = root["cases"];
    if (!cases) {
        error(SourceLocation{m_file, 1, 1}, "tests.missing-key", "the case file has no `cases:` list",
              "add cases: followed by one `- name: ...` item per case");
        return;
    }
    if (!cases.IsSequence()) {
        error(cases, "tests.expected-list", "`cases` must be a list", "write each case as a `- name: ...` item");
        return;
    }
    std::set<std::string> names;
    for (std::size_t i = 0; i < cases.size(); ++i)
        readCase(cases[i], i, names);
}

} // namespace

TestFileLoad loadPolicyTests(std::string_view text, const std::string &fileName)
{
    TestFileLoad result;
    result.tests.file = fileName;
    if (!checkTextFile(text, fileName, {"tests", "the case file", kMaxTestFileBytes, "split it into several files"}, result.diagnostics))
        return result;
    YAML::Node root;
    try {
        root = YAML::Load(std::string(text));
    } catch (const YAML::Exception &e) {
        SourceLocation loc{fileName, 0, 0};
        if (e.mark.pos >= 0)
            loc = {fileName, e.mark.line + 1, e.mark.column + 1};
        result.diagnostics.error("tests.yaml-syntax", "YAML syntax error: " + e.msg, "check indentation, colons and quotes near this place",
                                 loc);
        return result;
    }
    try {
        CaseReader(text, fileName, result).read(root);
    } catch (const YAML::Exception &e) {
        // Defensive: the reader checks node types before converting, but never let the library end a load.
        result.diagnostics.error("tests.yaml-structure", std::string("unexpected YAML structure: ") + e.what(), {},
                                 {fileName, e.mark.line + 1, e.mark.column + 1});
    }
    result.diagnostics.sortByLocation();
    return result;
}

TestFileLoad loadPolicyTestsFile(const std::string &path)
{
    std::string error;
    const auto text = readTextFile(path, error, kMaxTestFileBytes);
    if (!text) {
        TestFileLoad r;
        r.tests.file = path;
        r.diagnostics.error("tests.unreadable", "cannot read " + path + ": " + error, "check the path and its permissions", {path, 0, 0});
        return r;
    }
    return loadPolicyTests(*text, path);
}

std::string toString(const NativeExpectation &n)
{
    if (n.succeed)
        return "succeed";
    return n.sqlstate == "42501" ? std::string("deny") : n.sqlstate;
}

std::optional<NativeExpectation> parseNativeExpectation(std::string_view s)
{
    if (s == "succeed")
        return NativeExpectation {true, {}};
    if (s == "deny")
        return NativeExpectation {false, "42501"};
    if (s.size() == 5 && std::all_of(s.begin(), s.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z'); }))
        return NativeExpectation {false, std::string(s)};
    return std::nullopt;
}

} // namespace writ::simulate
