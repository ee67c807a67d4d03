// SPDX-License-Identifier: Apache-2.0
#include "policy/policy_loader.h"

#include "common/file_io.h"
#include "common/text.h"
#include "common/text_file_checks.h"
#include "policy/policy_rules.h"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <set>
#include <sstream>

namespace writ::policy {

namespace {

/// Sees only where each document starts; everything else is ignored.
class DocumentStarts final : public YAML::EventHandler
{
public:
    void OnDocumentStart(const YAML::Mark &mark) override { start = mark; }
    void OnDocumentEnd() override {}
    void OnNull(const YAML::Mark &, YAML::anchor_t) override {}
    void OnAlias(const YAML::Mark &, YAML::anchor_t) override {}
    void OnScalar(const YAML::Mark &, const std::string &, YAML::anchor_t, const std::string &) override {}
    void OnSequenceStart(const YAML::Mark &, const std::string &, YAML::anchor_t, YAML::EmitterStyle::value) override {}
    void OnSequenceEnd() override {}
    void OnMapStart(const YAML::Mark &, const std::string &, YAML::anchor_t, YAML::EmitterStyle::value) override {}
    void OnMapEnd() override {}

    YAML::Mark start = YAML::Mark::null_mark();
};

struct DocumentScan
{
    int documents = 0;
    std::optional<YAML::Mark> stuckAt; ///< where the parser stopped making progress
};

/// Counts the YAML documents in `text`; throws YAML::Exception on syntax errors. Used instead of
/// YAML::LoadAll(), which never returns in yaml-cpp 0.7 when a ',' follows a document outside a
/// flow collection (jbeder/yaml-cpp#1040): the parser reports the same empty document forever
/// without consuming the token. A document starting where the previous one did ends the scan.
DocumentScan scanDocuments(const std::string &text)
{
    std::istringstream in(text);
    YAML::Parser parser(in);
    DocumentStarts starts;
    DocumentScan scan;
    int previous = -1;
    while (parser.HandleNextDocument(starts)) {
        if (starts.start.pos == previous) {
            scan.stuckAt = starts.start;
            break;
        }
        previous = starts.start.pos;
        ++scan.documents;
    }
    return scan;
}

/// The text of a scalar node as valid UTF-8. yaml-cpp 0.7 decodes the escapes \N and \_ to the single
/// bytes 0x85 and 0xA0 rather than to U+0085 and U+00A0, leaving invalid UTF-8 in a string read from a
/// valid file (which the writer would then write out, and JSON output would refuse). Those bytes are
/// re-encoded; any other invalid byte, which yaml-cpp does not produce, becomes U+FFFD.
std::string scalarText(const YAML::Node &node)
{
    const std::string &raw = node.Scalar();
    std::optional<std::size_t> bad = findInvalidUtf8(raw);
    if (!bad)
        return raw;
    std::string out;
    std::size_t from = 0;
    while (bad) {
        const std::size_t at = from + *bad;
        out.append(raw, from, at - from);
        const unsigned char c = static_cast<unsigned char>(raw[at]);
        if (c == 0x85 || c == 0xA0) {
            out += '\xC2';
            out += static_cast<char>(c);
        } else {
            out += "\xEF\xBF\xBD";
        }
        from = at + 1;
        bad = findInvalidUtf8(std::string_view(raw).substr(from));
    }
    out.append(raw, from, std::string::npos);
    return out;
}

const std::vector<std::string> kTopKeys = {"writ", "name", "database", "description", "classify", "context", "defaults", "agents"};
const std::vector<std::string> kDefaultsKeys = {"ttl", "max_ttl", "step_up", "bulk_read_rows"};
const std::vector<std::string> kAgentKeys = {"description", "owner", "identity", "tasks"};
const std::vector<std::string> kIdentityKeys = {"spiffe", "oidc", "network"};
const std::vector<std::string> kOidcKeys = {"issuer", "subject"};
const std::vector<std::string> kTaskKeys = {"description", "ttl", "max_ttl", "context", "approval", "environments",
                                            "allow_labels", "step_up", "statements", "limits", "access"};
const std::vector<std::string> kLimitsKeys = {"rows_per_statement", "statements"};
const std::vector<std::string> kScopeKeys = {"ops", "columns", "update_columns", "rows", "check", "mask", "reason"};

/// Walks the YAML tree once, filling the Policy and recording every mistake.
class PolicyReader
{
public:
    PolicyReader(std::string_view text, const std::string &file, LoadResult &out)
        : m_text(text), m_file(file), m_out(out)
    {
        m_out.sources.file = file;
        m_lineStarts.push_back(0);
        for (std::size_t i = 0; i < text.size(); ++i)
            if (text[i] == '\n')
                m_lineStarts.push_back(i + 1);
    }

    void read(const YAML::Node &root);

private:
    SourceLocation at(const YAML::Node &node) const;
    SourceLocation atContent(const YAML::Node &node) const;
    void record(const std::string &path, const YAML::Node &node);
    void recordContent(const std::string &path, const YAML::Node &node);
    /// Records each scalar of a list under path/<value>, so errors about one item point at it.
    void recordItems(const std::string &path, const YAML::Node &list);
    void error(const YAML::Node &node, std::string code, std::string message, std::string hint = {});

    /// Checks that `node` is a mapping with only known keys, each once. Returns false if not a mapping.
    bool checkMap(const YAML::Node &node, const std::string &what, const std::vector<std::string> &known);
    bool isMap(const YAML::Node &node, const std::string &what);

    std::optional<std::string> scalar(const YAML::Node &node, const std::string &what);
    std::optional<std::int64_t> integer(const YAML::Node &node, const std::string &what, std::int64_t min, std::int64_t max);
    std::optional<Duration> duration(const YAML::Node &node, const std::string &what);
    std::vector<std::string> stringList(const YAML::Node &node, const std::string &what);
    std::optional<std::string> identifierKey(const YAML::Node &key, const std::string &what);
    std::set<StepUpClass> stepUpList(const YAML::Node &node, const std::string &what);

    void readClassify(const YAML::Node &node);
    void readContext(const YAML::Node &node);
    void readDefaults(const YAML::Node &node);
    void readAgents(const YAML::Node &node);
    void readIdentity(const YAML::Node &node, Agent &agent, const std::string &path);
    void readTask(const YAML::Node &node, const Agent &agent, TaskType &task);
    void readScope(const YAML::Node &node, const Agent &agent, const TaskType &task, Scope &scope);
    void checkFilterParameters(const YAML::Node &node, const std::string &filter, const TaskType &task, const std::string &what);

    Policy &p() { return m_out.policy; }

    std::string_view m_text;
    std::vector<std::size_t> m_lineStarts; ///< byte offset of each line, so a position costs one line's scan, not the file's
    std::string m_file;
    LoadResult &m_out;
};

SourceLocation PolicyReader::at(const YAML::Node &node) const
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

SourceLocation PolicyReader::atContent(const YAML::Node &node) const
{
    SourceLocation loc = at(node);
    const YAML::Mark mark = node.Mark();
    // Quoted scalars start one character before their content.
    if (mark.pos >= 0 && static_cast<std::size_t>(mark.pos) < m_text.size()) {
        const char c = m_text[static_cast<std::size_t>(mark.pos)];
        if (c == '"' || c == '\'')
            ++loc.column;
    }
    return loc;
}

void PolicyReader::record(const std::string &path, const YAML::Node &node)
{
    m_out.sources.positions[path] = at(node);
}

void PolicyReader::recordItems(const std::string &path, const YAML::Node &list)
{
    if (!list.IsSequence())
        return;
    for (const auto &item : list)
        if (item.IsScalar())
            record(path + "/" + scalarText(item), item);
}

void PolicyReader::recordContent(const std::string &path, const YAML::Node &node)
{
    m_out.sources.positions[path] = atContent(node);
}

void PolicyReader::error(const YAML::Node &node, std::string code, std::string message, std::string hint)
{
    m_out.diagnostics.error(std::move(code), std::move(message), std::move(hint), at(node));
}

bool PolicyReader::isMap(const YAML::Node &node, const std::string &what)
{
    if (node.IsMap())
        return true;
    error(node, "policy.expected-map", what + " must be a mapping of keys to values",
          "write it as `key: value` lines indented under it, or `{ key: value }`");
    return false;
}

bool PolicyReader::checkMap(const YAML::Node &node, const std::string &what, const std::vector<std::string> &known)
{
    if (!isMap(node, what))
        return false;
    std::set<std::string> seen;
    for (const auto &kv : node) {
        if (!kv.first.IsScalar()) {
            error(kv.first, "policy.bad-key", "keys of " + what + " must be plain words");
            continue;
        }
        const std::string key = scalarText(kv.first);
        if (!seen.insert(key).second)
            error(kv.first, "policy.duplicate-key", "key '" + key + "' appears twice in " + what,
                  "keep one of them; YAML would silently use only the first");
        if (std::find(known.begin(), known.end(), key) == known.end()) {
            std::string hint = "allowed keys: " + joinList(known);
            if (auto near = closestMatch(key, known))
                hint = "did you mean '" + *near + "'? " + hint;
            error(kv.first, "policy.unknown-key", "unknown key '" + key + "' in " + what, hint);
        }
    }
    return true;
}

std::optional<std::string> PolicyReader::scalar(const YAML::Node &node, const std::string &what)
{
    if (node.IsScalar())
        return scalarText(node);
    if (node.IsNull())
        error(node, "policy.missing-value", what + " has no value", "write a value after the colon");
    else
        error(node, "policy.expected-scalar", what + " must be a single value, not a " + (node.IsMap() ? "mapping" : "list"));
    return std::nullopt;
}

std::optional<std::int64_t> PolicyReader::integer(const YAML::Node &node, const std::string &what, std::int64_t min, std::int64_t max)
{
    const auto text = scalar(node, what);
    if (!text)
        return std::nullopt;
    std::int64_t value = 0;
    const auto [p, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
    if (ec != std::errc() || p != text->data() + text->size()) {
        error(node, "policy.expected-integer", what + " must be a whole number, got '" + *text + "'");
        return std::nullopt;
    }
    if (value < min || value > max) {
        error(node, "policy.out-of-range", what + " must be between " + std::to_string(min) + " and " + std::to_string(max)
                                               + ", got " + *text);
        return std::nullopt;
    }
    return value;
}

std::optional<Duration> PolicyReader::duration(const YAML::Node &node, const std::string &what)
{
    const auto text = scalar(node, what);
    if (!text)
        return std::nullopt;
    if (auto d = parseDuration(*text))
        return d;
    error(node, "policy.bad-duration", what + " '" + *text + "' is not a duration",
          "use a number with a unit s, m, h or d, e.g. 30s, 5m, 1h30m (at most 366d)");
    return std::nullopt;
}

/// `[]`, or a key with nothing after its colon (null): lists read both as empty, so a rule that refuses an
/// empty list must refuse both, or `ops:` alone would pass where `ops: []` does not (and the policy's
/// canonical form, which writes `[]`, would not load).
static bool isEmptyList(const YAML::Node &node)
{
    return node.IsNull() || (node.IsSequence() && node.size() == 0);
}

/// Where to point at `map`'s value for `key`: the value, or, when it is null (nothing after the colon,
/// which YAML places at whatever comes next, often the next line), the key itself.
static YAML::Node valueOrKey(const YAML::Node &map, const char *key)
{
    const YAML::Node value = map[key];
    if (!value.IsNull())
        return value;
    for (const auto &kv : map)
        if (kv.first.IsScalar() && kv.first.Scalar() == key)
            return kv.first;
    return value;
}

std::vector<std::string> PolicyReader::stringList(const YAML::Node &node, const std::string &what)
{
    std::vector<std::string> out;
    if (node.IsNull())
        return out;
    if (!node.IsSequence()) {
        error(node, "policy.expected-list", what + " must be a list", "write it as [a, b] or as '- a' lines");
        return out;
    }
    std::set<std::string> seen;
    for (const auto &item : node) {
        if (auto s = scalar(item, "an item of " + what)) {
            if (!seen.insert(*s).second) {
                error(item, "policy.duplicate-item", "'" + *s + "' is listed twice in " + what);
                continue;
            }
            out.push_back(*s);
        }
    }
    return out;
}

std::optional<std::string> PolicyReader::identifierKey(const YAML::Node &key, const std::string &what)
{
    const std::string id = scalarText(key);
    if (!isValidId(id)) {
        error(key, "policy.bad-id", what + " '" + id + "' is not a valid name",
              "use lowercase letters, digits, '-' and '_', starting with a letter, at most 48 characters");
        return std::nullopt;
    }
    return id;
}

std::set<StepUpClass> PolicyReader::stepUpList(const YAML::Node &node, const std::string &what)
{
    std::set<StepUpClass> out;
    if (node.IsNull())
        return out;
    if (!node.IsSequence()) {
        error(node, "policy.expected-list", what + " must be a list", "e.g. [export, ddl, bulk_read]");
        return out;
    }
    static const std::vector<std::string> names = {"export", "import", "ddl", "bulk_read", "sensitive_read"};
    for (const auto &item : node) {
        const auto s = scalar(item, "an item of " + what);
        if (!s)
            continue;
        if (const auto c = parseStepUpClass(*s)) {
            if (!out.insert(*c).second)
                error(item, "policy.duplicate-item", "'" + *s + "' is listed twice in " + what);
        } else {
            std::string hint = "allowed: " + joinList(names);
            if (auto near = closestMatch(*s, names))
                hint = "did you mean '" + *near + "'? " + hint;
            error(item, "policy.unknown-step-up", "unknown step-up class '" + *s + "' in " + what, hint);
        }
    }
    return out;
}

void PolicyReader::read(const YAML::Node &root)
{
    if (!root || root.IsNull()) {
        m_out.diagnostics.error("policy.empty", "the policy file is empty",
                                "start with `writ: 1`, `name:`, `database:` and `agents:`", {m_file, 1, 1});
        return;
    }
    if (!checkMap(root, "the policy", kTopKeys))
        return;
    Policy &policy = m_out.policy;

    if (const auto v = root["writ"]) {
        if (const auto n = integer(v, "writ (the format version)", 0, 1000); n && *n != 1)
            error(v, "policy.unsupported-version", "policy format version " + std::to_string(*n) + " is not supported",
                  "this Writ reads `writ: 1`");
    } else {
        m_out.diagnostics.error("policy.missing-key", "the policy has no `writ:` format version", "add `writ: 1` as the first line",
                                at(root));
    }
    if (const auto v = root["name"]) {
        if (auto s = scalar(v, "name")) {
            policy.name = *s;
            if (!isValidId(policy.name))
                error(v, "policy.bad-id", "policy name '" + policy.name + "' is not a valid name",
                      "use lowercase letters, digits, '-' and '_', starting with a letter");
        }
    } else {
        m_out.diagnostics.error("policy.missing-key", "the policy has no `name:`", "add e.g. `name: support-desk`", at(root));
    }
    if (const auto v = root["database"]) {
        if (auto s = scalar(v, "database"))
            policy.database = *s;
    } else {
        m_out.diagnostics.error("policy.missing-key", "the policy has no `database:`",
                                "add the name of the PostgreSQL database this policy governs", at(root));
    }
    if (const auto v = root["description"])
        if (auto s = scalar(v, "description"))
            policy.description = *s;
    if (const auto v = root["context"])
        readContext(v);
    if (const auto v = root["classify"])
        readClassify(v);
    if (const auto v = root["defaults"])
        readDefaults(v);
    if (const auto v = root["agents"])
        readAgents(v);
    else
        m_out.diagnostics.warning("policy.no-agents", "the policy has no `agents:`; it grants nothing",
                                  "add an agent with at least one task", at(root));
}

void PolicyReader::readClassify(const YAML::Node &node)
{
    if (!isMap(node, "classify"))
        return;
    std::set<ColumnRef> seen;
    for (const auto &kv : node) {
        const std::string key = scalarText(kv.first);
        const auto ref = parseColumnRef(key);
        if (!ref) {
            error(kv.first, "policy.bad-column-ref", "'" + key + "' in classify is not a column reference",
                  "write schema.table.column, e.g. public.customers.email");
            continue;
        }
        if (!seen.insert(*ref).second) {
            error(kv.first, "policy.duplicate-key", "column " + ref->toString() + " is classified twice");
            continue;
        }
        const auto label = scalar(kv.second, "the label of " + key);
        if (!label)
            continue;
        if (!isValidId(*label)) {
            error(kv.second, "policy.bad-label", "label '" + *label + "' is not a valid name", "use a word such as pii, pci or secret");
            continue;
        }
        p().classify[*ref] = *label;
        record("classify/" + ref->toString(), kv.first);
    }
}

void PolicyReader::readContext(const YAML::Node &node)
{
    if (!isMap(node, "context"))
        return;
    static const std::vector<std::string> types = {"int", "bigint", "numeric", "text", "uuid", "bool", "date", "timestamptz"};
    for (const auto &kv : node) {
        const auto name = identifierKey(kv.first, "context key");
        if (!name)
            continue;
        if (name->find('-') != std::string::npos) {
            error(kv.first, "policy.bad-id", "context key '" + *name + "' may not contain '-'",
                  "it is used as $" + *name + " in SQL; use '_' instead");
            continue;
        }
        if (p().findContextKey(*name)) {
            error(kv.first, "policy.duplicate-key", "context key '" + *name + "' is declared twice");
            continue;
        }
        const auto typeName = scalar(kv.second, "the type of context key " + *name);
        if (!typeName)
            continue;
        const auto type = parseContextType(*typeName);
        if (!type) {
            std::string hint = "allowed types: " + joinList(types);
            if (auto near = closestMatch(*typeName, types))
                hint = "did you mean '" + *near + "'? " + hint;
            error(kv.second, "policy.unknown-type", "unknown context type '" + *typeName + "'", hint);
            continue;
        }
        p().context.push_back({*name, *type});
        record("context/" + *name, kv.first);
    }
}

void PolicyReader::readDefaults(const YAML::Node &node)
{
    if (!checkMap(node, "defaults", kDefaultsKeys))
        return;
    Defaults &d = p().defaults;
    if (const auto v = node["ttl"])
        if (auto x = duration(v, "defaults.ttl"))
            d.ttl = *x;
    if (const auto v = node["max_ttl"])
        if (auto x = duration(v, "defaults.max_ttl"))
            d.maxTtl = *x;
    if (const auto v = node["step_up"])
        d.stepUp = stepUpList(v, "defaults.step_up");
    if (const auto v = node["bulk_read_rows"])
        if (auto x = integer(v, "defaults.bulk_read_rows", 1, std::int64_t(1) << 50))
            d.bulkReadRows = *x;
    if (d.ttl > d.maxTtl)
        error(node, "policy.ttl-above-max", "defaults.ttl (" + formatDuration(d.ttl) + ") is longer than defaults.max_ttl ("
                                               + formatDuration(d.maxTtl) + ")",
              "lower ttl or raise max_ttl");
    record("defaults", node);
}

void PolicyReader::readAgents(const YAML::Node &node)
{
    if (node.IsNull())
        return;
    if (!isMap(node, "agents"))
        return;
    for (const auto &kv : node) {
        const auto id = identifierKey(kv.first, "agent id");
        if (!id)
            continue;
        if (p().findAgent(*id)) {
            error(kv.first, "policy.duplicate-agent", "agent '" + *id + "' is defined twice", "merge the two definitions");
            continue;
        }
        const std::string path = agentPath(*id);
        record(path, kv.first);
        Agent agent;
        agent.id = *id;
        const YAML::Node &a = kv.second;
        if (!checkMap(a, "agent '" + *id + "'", kAgentKeys)) {
            p().agents.push_back(std::move(agent));
            continue;
        }
        if (const auto v = a["description"])
            if (auto s = scalar(v, "description"))
                agent.description = *s;
        if (const auto v = a["owner"])
            if (auto s = scalar(v, "owner"))
                agent.owner = *s;
        if (const auto v = a["identity"])
            readIdentity(v, agent, path);
        else
            error(kv.first, "policy.no-identity", "agent '" + *id + "' has no identity, so no workload can act as it",
                  "add `identity: [ { spiffe: \"spiffe://your-domain/agents/" + *id + "\" } ]` or an oidc issuer and subject");
        if (const auto tasks = a["tasks"]; tasks && !tasks.IsNull() && isMap(tasks, "tasks of agent '" + *id + "'")) {
            for (const auto &tkv : tasks) {
                const auto tid = identifierKey(tkv.first, "task type id");
                if (!tid)
                    continue;
                if (std::any_of(agent.tasks.begin(), agent.tasks.end(), [&](const TaskType &t) { return t.id == *tid; })) {
                    error(tkv.first, "policy.duplicate-task", "task '" + *tid + "' is defined twice for agent '" + *id + "'");
                    continue;
                }
                record(taskPath(*id, *tid), tkv.first);
                TaskType task;
                task.id = *tid;
                readTask(tkv.second, agent, task);
                agent.tasks.push_back(std::move(task));
            }
        } else {
            m_out.diagnostics.warning("policy.no-tasks", "agent '" + *id + "' has no tasks; it can do nothing",
                                      "add a task under `tasks:`", at(kv.first));
        }
        p().agents.push_back(std::move(agent));
    }
}

void PolicyReader::readIdentity(const YAML::Node &node, Agent &agent, const std::string &path)
{
    if (!node.IsSequence()) {
        error(node, "policy.expected-list", "identity of agent '" + agent.id + "' must be a list",
              "e.g. identity: [ { spiffe: \"spiffe://example.com/agents/" + agent.id + "\" } ]");
        return;
    }
    if (node.size() == 0) { // the same as no identity at all, which is an error
        error(node, "policy.no-identity", "agent '" + agent.id + "' has an empty identity list, so no workload can act as it",
              "add `{ spiffe: \"spiffe://your-domain/agents/" + agent.id + "\" }` or an oidc issuer and subject");
        return;
    }
    for (const auto &item : node) {
        const std::string what = "an identity of agent '" + agent.id + "'";
        if (!checkMap(item, what, kIdentityKeys))
            continue;
        Identity id;
        const auto spiffe = item["spiffe"];
        const auto oidc = item["oidc"];
        if (spiffe && oidc) {
            error(item, "policy.bad-identity", what + " names both spiffe and oidc", "write them as two list items");
            continue;
        }
        if (spiffe) {
            id.kind = Identity::Kind::Spiffe;
            auto s = scalar(spiffe, "spiffe id");
            if (!s)
                continue;
            if (auto problem = spiffeIdProblem(*s)) {
                error(spiffe, "policy.bad-identity", "SPIFFE id '" + *s + "' is invalid: " + *problem,
                      "write spiffe://trust-domain/path, e.g. spiffe://example.com/agents/" + agent.id);
                continue;
            }
            id.spiffeId = *s;
        } else if (oidc) {
            id.kind = Identity::Kind::Oidc;
            if (!checkMap(oidc, "oidc identity", kOidcKeys))
                continue;
            const auto issuer = oidc["issuer"];
            const auto subject = oidc["subject"];
            if (!issuer || !subject) {
                error(oidc, "policy.bad-identity", "an oidc identity needs both issuer and subject",
                      "e.g. oidc: { issuer: \"https://auth.example.com\", subject: " + agent.id + " }");
                continue;
            }
            auto is = scalar(issuer, "oidc issuer");
            auto sub = scalar(subject, "oidc subject");
            if (!is || !sub)
                continue;
            if (is->rfind("https://", 0) != 0) {
                error(issuer, "policy.bad-identity", "oidc issuer '" + *is + "' must be an https:// URL",
                      "use the exact `iss` value your identity provider puts in tokens");
                continue;
            }
            if (sub->empty()) {
                error(subject, "policy.bad-identity", "oidc subject is empty");
                continue;
            }
            id.issuer = *is;
            id.subject = *sub;
        } else {
            error(item, "policy.bad-identity", what + " names neither spiffe nor oidc",
                  "add `spiffe: spiffe://...` or `oidc: { issuer: ..., subject: ... }`");
            continue;
        }
        if (const auto net = item["network"]) {
            for (const auto &cidr : stringList(net, "network")) {
                if (!isValidCidr(cidr)) {
                    error(net, "policy.bad-network", "'" + cidr + "' is not a CIDR range",
                          "write an address with a prefix length, e.g. 10.20.0.0/16 or fd00::/8");
                    continue;
                }
                id.network.push_back(cidr);
            }
        }
        if (std::find(agent.identities.begin(), agent.identities.end(), id) != agent.identities.end()) {
            error(item, "policy.duplicate-item", "this identity is listed twice for agent '" + agent.id + "'");
            continue;
        }
        agent.identities.push_back(std::move(id));
    }
    record(path + "/identity", node);
}

void PolicyReader::readTask(const YAML::Node &node, const Agent &agent, TaskType &task)
{
    const std::string name = agent.id + "/" + task.id;
    if (!checkMap(node, "task '" + name + "'", kTaskKeys))
        return;
    if (const auto v = node["description"])
        if (auto s = scalar(v, "description"))
            task.description = *s;
    if (const auto v = node["ttl"])
        task.ttl = duration(v, "ttl of " + name);
    if (const auto v = node["max_ttl"])
        task.maxTtl = duration(v, "max_ttl of " + name);
    if (effectiveTtl(p(), task) > effectiveMaxTtl(p(), task))
        error(node["ttl"] ? node["ttl"] : node, "policy.ttl-above-max",
              "ttl of " + name + " (" + formatDuration(effectiveTtl(p(), task)) + ") is longer than its max_ttl ("
                  + formatDuration(effectiveMaxTtl(p(), task)) + ")",
              "lower ttl or raise max_ttl");
    if (const auto v = node["context"]) {
        for (const auto &key : stringList(v, "context of " + name)) {
            if (!p().findContextKey(key)) {
                std::vector<std::string> declared;
                for (const auto &k : p().context)
                    declared.push_back(k.name);
                error(v, "policy.undeclared-context", "context key '" + key + "' of " + name + " is not declared",
                      "declare it with its type under the top-level `context:` (declared: "
                          + (declared.empty() ? std::string("none") : joinList(declared)) + ")");
                continue;
            }
            task.contextKeys.push_back(key);
        }
    }
    if (const auto v = node["approval"]) {
        if (auto s = scalar(v, "approval")) {
            if (*s == "required")
                task.approval = Approval::Required;
            else if (*s == "none")
                task.approval = Approval::None;
            else
                error(v, "policy.bad-approval", "approval must be 'none' or 'required', got '" + *s + "'");
        }
    }
    if (const auto v = node["environments"]) {
        task.environments = stringList(v, "environments");
        for (const auto &e : task.environments)
            if (!isValidId(e))
                error(v, "policy.bad-id", "environment '" + e + "' is not a valid name", "e.g. prod, staging, dev");
    }
    if (const auto v = node["allow_labels"])
        task.allowLabels = stringList(v, "allow_labels");
    if (const auto v = node["step_up"])
        task.stepUp = stepUpList(v, "step_up of " + name);
    if (const auto v = node["statements"]) {
        task.statements = stringList(v, "statements");
        if (isEmptyList(v))
            error(valueOrKey(node, "statements"), "policy.empty-allowlist", "statements of " + name + " is an empty list: the task could run nothing",
                  "list the SQL templates it may run, or remove `statements:` to allow anything in scope");
    }
    if (const auto v = node["limits"]; v && checkMap(v, "limits of " + name, kLimitsKeys)) {
        if (const auto x = v["rows_per_statement"])
            task.limits.rowsPerStatement = integer(x, "limits.rows_per_statement", 1, std::int64_t(1) << 50);
        if (const auto x = v["statements"])
            task.limits.statements = integer(x, "limits.statements", 1, std::int64_t(1) << 50);
    }
    const auto access = node["access"];
    if (!access || access.IsNull()) {
        if (task.statements.empty())
            m_out.diagnostics.warning("policy.no-access", "task " + name + " has no `access:`; it can read nothing",
                                      "add the relations it needs under `access:`", at(node));
        return;
    }
    if (!isMap(access, "access of " + name))
        return;
    for (const auto &kv : access) {
        const std::string relText = scalarText(kv.first);
        const auto rel = parseQualifiedName(relText);
        if (!rel) {
            error(kv.first, "policy.bad-relation", "'" + relText + "' is not a relation name",
                  "write schema.table, e.g. public.tickets (unquoted identifiers only)");
            continue;
        }
        if (std::any_of(task.access.begin(), task.access.end(), [&](const Scope &s) { return s.relation == *rel; })) {
            error(kv.first, "policy.duplicate-scope", "relation " + rel->toString() + " appears twice in the access of " + name,
                  "merge the two scopes into one");
            continue;
        }
        Scope scope;
        scope.relation = *rel;
        record(scopePath(agent.id, task.id, rel->toString()), kv.first);
        readScope(kv.second, agent, task, scope);
        task.access.push_back(std::move(scope));
    }
}

void PolicyReader::readScope(const YAML::Node &node, const Agent &agent, const TaskType &task, Scope &scope)
{
    const std::string rel = scope.relation.toString();
    const std::string what = "the scope of " + rel + " in " + agent.id + "/" + task.id;
    const std::string path = scopePath(agent.id, task.id, rel);
    if (!checkMap(node, what, kScopeKeys))
        return;
    static const std::vector<std::string> opNames = {"select", "insert", "update", "delete"};
    if (const auto v = node["ops"]) {
        for (const auto &op : stringList(v, "ops")) {
            if (const auto o = parseOperation(op)) {
                scope.ops.insert(*o);
            } else {
                std::string hint = "allowed operations: " + joinList(opNames);
                if (auto near = closestMatch(op, opNames))
                    hint = "did you mean '" + *near + "'? " + hint;
                error(v, "policy.unknown-operation", "unknown operation '" + op + "' in " + what, hint);
            }
        }
        if (isEmptyList(v))
            error(valueOrKey(node, "ops"), "policy.no-operations", what + " allows no operation", "list at least one of select, insert, update, delete");
    } else {
        error(node, "policy.no-operations", what + " has no `ops:`", "add e.g. `ops: [select]`");
    }
    if (const auto v = node["columns"]) {
        if (v.IsScalar() && (v.Scalar() == "all" || v.Scalar() == "*")) {
            scope.columns.reset(); // explicit "every column"
        } else {
            scope.columns = stringList(v, "columns");
            for (const auto &c : *scope.columns)
                if (!isValidColumnName(c))
                    error(v, "policy.bad-column", "'" + c + "' is not a column name", "use the column's unquoted name");
            if (isEmptyList(v))
                error(valueOrKey(node, "columns"), "policy.no-columns", what + " lists no columns", "list the columns, or remove `columns:` to allow all");
        }
        record(path + "/columns", v);
        recordItems(path + "/columns", v);
    }
    auto inColumns = [&](const std::string &c) {
        return !scope.columns || std::find(scope.columns->begin(), scope.columns->end(), c) != scope.columns->end();
    };
    if (const auto v = node["update_columns"]) {
        scope.updateColumns = stringList(v, "update_columns");
        if (!scope.ops.count(Operation::Update))
            error(v, "policy.update-columns-without-update", "update_columns is set but " + what + " does not allow update",
                  "add update to ops, or remove update_columns");
        for (const auto &c : scope.updateColumns)
            if (!inColumns(c))
                error(v, "policy.update-column-not-in-columns", "update column '" + c + "' is not in the columns of " + what,
                      "add it to columns, or remove it from update_columns");
        record(path + "/update_columns", v);
        recordItems(path + "/update_columns", v);
    }
    if (const auto v = node["rows"]) {
        if (auto s = scalar(v, "rows")) {
            scope.rows = *s;
            recordContent(path + "/rows", v);
            checkFilterParameters(v, *s, task, "the row filter of " + rel);
        }
    }
    if (const auto v = node["check"]) {
        if (auto s = scalar(v, "check")) {
            scope.check = *s;
            recordContent(path + "/check", v);
            checkFilterParameters(v, *s, task, "the check of " + rel);
            if (!scope.ops.count(Operation::Insert) && !scope.ops.count(Operation::Update))
                error(v, "policy.check-without-write", "check is set but " + what + " allows neither insert nor update",
                      "a check applies to written rows: add insert or update, or remove check");
        }
    }
    if (const auto v = node["mask"]; v && isMap(v, "mask")) {
        for (const auto &kv : v) {
            const std::string column = scalarText(kv.first);
            const auto text = scalar(kv.second, "the mask of " + column);
            if (!text)
                continue;
            const auto mask = parseMask(*text);
            if (!mask) {
                error(kv.second, "policy.unknown-mask", "unknown mask '" + *text + "' for column " + column,
                      "use one of email, partial, partial(keep_start,keep_end), hash, redact, null");
                continue;
            }
            if (!inColumns(column))
                error(kv.first, "policy.mask-not-in-columns", "masked column '" + column + "' is not in the columns of " + what,
                      "add it to columns (it is then readable only masked)");
            if (!scope.ops.count(Operation::Select))
                error(kv.first, "policy.mask-without-select", "a mask on " + column + " has no effect: " + what + " does not allow select");
            scope.masks[column] = *mask;
            record(path + "/mask/" + column, kv.first);
        }
    }
    if (const auto v = node["reason"])
        if (auto s = scalar(v, "reason"))
            scope.reason = *s;
}

void PolicyReader::checkFilterParameters(const YAML::Node &node, const std::string &filter, const TaskType &task,
                                         const std::string &what)
{
    const SourceLocation base = atContent(node);
    for (const auto &param : contextParameters(filter)) {
        if (std::find(task.contextKeys.begin(), task.contextKeys.end(), param.name) != task.contextKeys.end())
            continue;
        SourceLocation loc = base;
        if (filter.find('\n') == std::string::npos) // single-line scalars map offsets to columns directly
            loc.column += lineColumnAt(filter, param.offset).column - 1;
        const bool declared = p().findContextKey(param.name) != nullptr;
        m_out.diagnostics.error(
            "policy.undeclared-parameter", "$" + param.name + " in " + what + " is not in the context of task '" + task.id + "'",
            declared ? "add " + param.name + " to the task's `context:` list"
                     : "declare `" + param.name + ": <type>` under the top-level `context:` and list it in the task's `context:`",
            loc);
    }
}

} // namespace

std::vector<ContextParameter> contextParameters(std::string_view filter)
{
    std::vector<ContextParameter> out;
    std::size_t i = 0;
    while (i < filter.size()) {
        const char c = filter[i];
        if (c == '\'' || c == '"') { // skip literals and quoted identifiers, with doubled quotes inside
            ++i;
            while (i < filter.size()) {
                if (filter[i] == c) {
                    if (i + 1 < filter.size() && filter[i + 1] == c) {
                        i += 2;
                        continue;
                    }
                    break;
                }
                ++i;
            }
            ++i;
            continue;
        }
        if (c == '$' && i + 1 < filter.size()) {
            const char n = filter[i + 1];
            if ((n >= 'a' && n <= 'z') || (n >= 'A' && n <= 'Z') || n == '_') {
                std::size_t j = i + 1;
                while (j < filter.size()
                       && ((filter[j] >= 'a' && filter[j] <= 'z') || (filter[j] >= 'A' && filter[j] <= 'Z')
                           || (filter[j] >= '0' && filter[j] <= '9') || filter[j] == '_'))
                    ++j;
                out.push_back({std::string(filter.substr(i + 1, j - i - 1)), i});
                i = j;
                continue;
            }
        }
        ++i;
    }
    return out;
}

LoadResult loadPolicy(std::string_view text, const std::string &fileName)
{
    LoadResult result;
    result.sources.file = fileName;
    if (!checkTextFile(text, fileName, {"policy", "the policy", kMaxPolicyBytes, "split it per database, or check that this is the right file"},
                       result.diagnostics))
        return result;
    YAML::Node root;
    try {
        const std::string owned(text);
        const DocumentScan scan = scanDocuments(owned);
        if (scan.stuckAt) {
            const YAML::Mark &m = *scan.stuckAt;
            const std::size_t pos = static_cast<std::size_t>(std::max(m.pos, 0));
            const std::string what = pos < owned.size() ? "'" + owned.substr(pos, 1) + "'" : std::string("text");
            result.diagnostics.error("policy.yaml-syntax", "YAML syntax error: unexpected " + what,
                                     "remove it: a ',' separates items only inside [ ] or { }", {fileName, m.line + 1, m.column + 1});
            return result;
        }
        if (scan.documents > 1) {
            result.diagnostics.error("policy.many-documents", "the file holds " + std::to_string(scan.documents) + " YAML documents",
                                     "keep one policy per file (remove the extra `---`)", {fileName, 1, 1});
            return result;
        }
        if (scan.documents == 1)
            root = YAML::Load(owned);
    } catch (const YAML::Exception &e) {
        SourceLocation loc{fileName, 0, 0};
        if (e.mark.pos >= 0)
            loc = {fileName, e.mark.line + 1, e.mark.column + 1};
        result.diagnostics.error("policy.yaml-syntax", "YAML syntax error: " + e.msg,
                                 "check indentation, colons and quotes near this place", loc);
        return result;
    }
    try {
        PolicyReader(text, fileName, result).read(root);
    } catch (const YAML::Exception &e) {
        // Defensive: the reader checks node types before converting, but never let the library crash a load.
        result.diagnostics.error("policy.yaml-structure", std::string("unexpected YAML structure: ") + e.what(), {},
                                 {fileName, e.mark.line + 1, e.mark.column + 1});
    }
    result.diagnostics.sortByLocation();
    return result;
}

LoadResult loadPolicyFile(const std::string &path)
{
    std::string error;
    const auto text = readTextFile(path, error, kMaxPolicyBytes);
    if (!text) {
        LoadResult r;
        r.sources.file = path;
        r.diagnostics.error("policy.unreadable", "cannot read " + path + ": " + error, "check the path and its permissions",
                            {path, 0, 0});
        return r;
    }
    return loadPolicy(*text, path);
}

} // namespace writ::policy
