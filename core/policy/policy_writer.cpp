// SPDX-License-Identifier: Apache-2.0
#include "policy/policy_writer.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdio>
#include <utility>

namespace writ::policy {

namespace {

bool isPlainSafe(const std::string &v)
{
    if (v.empty() || v.size() > 200)
        return false;
    const unsigned char first = static_cast<unsigned char>(v[0]);
    if (!std::isalnum(first) && first != '_')
        return false;
    for (const char c : v) {
        const unsigned char u = static_cast<unsigned char>(c);
        if (!(std::isalnum(u) || c == '_' || c == '-' || c == '.' || c == '/' || c == '@' || c == '+'))
            return false;
    }
    // Words YAML 1.1 readers take as booleans or null, and anything that looks like a number,
    // would not read back as the same string in every tool.
    static const std::array<const char *, 12> reserved = {"true", "false", "yes", "no", "on", "off", "null", "y", "n", "nan", "inf", "~"};
    std::string lower(v);
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
    for (const char *r : reserved)
        if (lower == r)
            return false;
    const bool numeric = std::all_of(v.begin(), v.end(), [](unsigned char c) { return std::isdigit(c) || c == '.' || c == '-' || c == '+'; });
    return !numeric;
}

std::string quoted(const std::string &v)
{
    std::string out = "\"";
    for (const char c : v) {
        const unsigned char u = static_cast<unsigned char>(c);
        switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\t': out += "\\t"; break;
        case '\r': out += "\\r"; break;
        default:
            if (u < 0x20 || u == 0x7F) {
                char buf[8];
                std::snprintf(buf, sizeof buf, "\\x%02X", u);
                out += buf;
            } else {
                out += c;
            }
        }
    }
    out += '"';
    return out;
}

std::string flowList(const std::vector<std::string> &items)
{
    std::string out = "[";
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (i)
            out += ", ";
        out += yamlScalar(items[i]);
    }
    return out + "]";
}

/// Ordered key/value pairs rendered either as `{ k: v, ... }` or as indented block lines.
class Fields
{
public:
    void add(std::string key, std::string renderedValue) { m_items.emplace_back(std::move(key), std::move(renderedValue)); }
    bool empty() const { return m_items.empty(); }

    std::string flow() const
    {
        std::string out = "{ ";
        for (std::size_t i = 0; i < m_items.size(); ++i) {
            if (i)
                out += ", ";
            out += m_items[i].first + ": " + m_items[i].second;
        }
        return out + " }";
    }

    void block(std::string &out, int indent) const
    {
        for (const auto &[k, v] : m_items)
            out += std::string(indent, ' ') + k + ": " + v + "\n";
    }

private:
    std::vector<std::pair<std::string, std::string>> m_items;
};

/// `key: { ... }` on one line when it fits, otherwise `key:` and the fields one per line.
void writeEntry(std::string &out, int indent, const std::string &key, const Fields &fields)
{
    const std::string oneLine = std::string(indent, ' ') + key + ": " + fields.flow();
    if (oneLine.size() <= kCanonicalLineWidth) {
        out += oneLine + "\n";
        return;
    }
    out += std::string(indent, ' ') + key + ":\n";
    fields.block(out, indent + 2);
}

std::string stepUpList(const std::set<StepUpClass> &classes)
{
    std::vector<std::string> names;
    for (const auto c : classes)
        names.emplace_back(toString(c));
    return flowList(names);
}

Fields scopeFields(const Scope &s)
{
    Fields f;
    std::vector<std::string> ops;
    for (const auto op : s.ops)
        ops.emplace_back(toString(op));
    f.add("ops", flowList(ops));
    if (s.columns)
        f.add("columns", flowList(*s.columns));
    if (!s.updateColumns.empty())
        f.add("update_columns", flowList(s.updateColumns));
    if (!s.masks.empty()) {
        Fields masks;
        for (const auto &[column, mask] : s.masks)
            masks.add(yamlScalar(column), yamlScalar(formatMask(mask)));
        f.add("mask", masks.flow());
    }
    if (s.rows)
        f.add("rows", yamlScalar(*s.rows));
    if (s.check)
        f.add("check", yamlScalar(*s.check));
    if (!s.reason.empty())
        f.add("reason", yamlScalar(s.reason));
    return f;
}

Fields identityFields(const Identity &id)
{
    Fields f;
    if (id.kind == Identity::Kind::Spiffe) {
        f.add("spiffe", yamlScalar(id.spiffeId));
    } else {
        Fields oidc;
        oidc.add("issuer", yamlScalar(id.issuer));
        oidc.add("subject", yamlScalar(id.subject));
        f.add("oidc", oidc.flow());
    }
    if (!id.network.empty())
        f.add("network", flowList(id.network));
    return f;
}

void writeTask(std::string &out, const TaskType &t)
{
    const std::string in(8, ' ');
    std::string body; // a task without keys is written `id: {}`, so that it reads back as a mapping
    if (!t.description.empty())
        body += in + "description: " + yamlScalar(t.description) + "\n";
    if (t.ttl)
        body += in + "ttl: " + formatDuration(*t.ttl) + "\n";
    if (t.maxTtl)
        body += in + "max_ttl: " + formatDuration(*t.maxTtl) + "\n";
    if (!t.contextKeys.empty())
        body += in + "context: " + flowList(t.contextKeys) + "\n";
    if (t.approval == Approval::Required)
        body += in + "approval: required\n";
    if (!t.environments.empty())
        body += in + "environments: " + flowList(t.environments) + "\n";
    if (!t.allowLabels.empty())
        body += in + "allow_labels: " + flowList(t.allowLabels) + "\n";
    if (t.stepUp)
        body += in + "step_up: " + stepUpList(*t.stepUp) + "\n";
    if (!t.statements.empty()) {
        body += in + "statements:\n";
        for (const auto &s : t.statements)
            body += in + "  - " + yamlScalar(s) + "\n";
    }
    if (t.limits.rowsPerStatement || t.limits.statements) {
        Fields limits;
        if (t.limits.rowsPerStatement)
            limits.add("rows_per_statement", std::to_string(*t.limits.rowsPerStatement));
        if (t.limits.statements)
            limits.add("statements", std::to_string(*t.limits.statements));
        writeEntry(body, 8, "limits", limits);
    }
    if (!t.access.empty()) {
        body += in + "access:\n";
        for (const auto &s : t.access)
            writeEntry(body, 10, s.relation.toString(), scopeFields(s));
    }
    out += "      " + yamlScalar(t.id) + (body.empty() ? ": {}\n" : ":\n" + body);
}

} // namespace

std::string yamlScalar(const std::string &value)
{
    return isPlainSafe(value) ? value : quoted(value);
}

std::string writePolicy(const Policy &p)
{
    std::string out;
    out += "writ: " + std::to_string(p.formatVersion) + "\n";
    out += "name: " + yamlScalar(p.name) + "\n";
    out += "database: " + yamlScalar(p.database) + "\n";
    if (!p.description.empty())
        out += "description: " + yamlScalar(p.description) + "\n";
    if (!p.classify.empty()) {
        out += "classify:\n";
        for (const auto &[column, label] : p.classify)
            out += "  " + yamlScalar(column.toString()) + ": " + yamlScalar(label) + "\n";
    }
    if (!p.context.empty()) {
        out += "context:\n";
        for (const auto &k : p.context)
            out += "  " + yamlScalar(k.name) + ": " + toString(k.type) + "\n";
    }
    out += "defaults:\n";
    out += "  ttl: " + formatDuration(p.defaults.ttl) + "\n";
    out += "  max_ttl: " + formatDuration(p.defaults.maxTtl) + "\n";
    out += "  step_up: " + stepUpList(p.defaults.stepUp) + "\n";
    out += "  bulk_read_rows: " + std::to_string(p.defaults.bulkReadRows) + "\n";
    if (p.agents.empty())
        return out;
    out += "agents:\n";
    for (const auto &a : p.agents) {
        if (a.description.empty() && a.owner.empty() && a.identities.empty() && a.tasks.empty()) {
            out += "  " + yamlScalar(a.id) + ": {}\n"; // reads back as a mapping, not as null
            continue;
        }
        out += "  " + yamlScalar(a.id) + ":\n";
        if (!a.description.empty())
            out += "    description: " + yamlScalar(a.description) + "\n";
        if (!a.owner.empty())
            out += "    owner: " + yamlScalar(a.owner) + "\n";
        if (!a.identities.empty()) {
            out += "    identity:\n";
            for (const auto &id : a.identities) {
                const Fields f = identityFields(id);
                const std::string oneLine = "      - " + f.flow();
                if (oneLine.size() <= kCanonicalLineWidth) {
                    out += oneLine + "\n";
                } else {
                    std::string block;
                    f.block(block, 8);
                    out += "      - " + block.substr(8); // first field follows the dash
                }
            }
        }
        if (!a.tasks.empty()) {
            out += "    tasks:\n";
            for (const auto &t : a.tasks)
                writeTask(out, t);
        }
    }
    return out;
}

} // namespace writ::policy
