// SPDX-License-Identifier: Apache-2.0
#include "audit/audit_json.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cstring>

namespace writ::audit {

namespace {

constexpr std::string_view kHashMember = ",\"hash\":\"";
constexpr std::size_t kHexLength = 64;

} // namespace

const char *toString(EventKind k)
{
    switch (k) {
    case EventKind::Connect: return "connect";
    case EventKind::Statement: return "statement";
    case EventKind::Decision: return "decision";
    case EventKind::Approval: return "approval";
    case EventKind::Revocation: return "revocation";
    case EventKind::Disconnect: return "disconnect";
    case EventKind::TaskStart: return "task_start";
    }
    return "statement";
}

namespace {

/// Bytes a JSON string holds as they are: printable ASCII but the quote and the backslash.
constexpr std::array<bool, 256> kPlainBytes = [] {
    std::array<bool, 256> plain{};
    for (int c = 0x20; c <= 0x7e; ++c)
        plain[c] = c != '"' && c != '\\';
    return plain;
}();

/// Appends `value` as a JSON string. Printable ASCII without quotes or backslashes (nearly every
/// audited value) is copied as is; anything else goes through nlohmann-json's serializer, so escapes
/// and the replacement of invalid UTF-8 are exactly the library's.
void appendString(std::string &out, std::string_view value)
{
    // Every byte is looked at (no early exit): a loop the compiler can keep simple, and the plain
    // case is the one that matters.
    bool plain = true;
    for (const char c : value)
        plain &= kPlainBytes[static_cast<unsigned char>(c)];
    if (plain) {
        const std::size_t at = out.size();
        out.resize(at + value.size() + 2);
        char *p = out.data() + at;
        *p = '"';
        std::memcpy(p + 1, value.data(), value.size());
        p[value.size() + 1] = '"';
        return;
    }
    out += nlohmann::json(std::string(value)).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

/// Writes an object's members in the order they are added; the caller adds them in sorted key order.
class MemberWriter
{
public:
    explicit MemberWriter(std::string &out) : m_out(out) { m_out += '{'; }
    void text(std::string_view key, std::string_view value, bool always = false)
    {
        if (value.empty() && !always)
            return;
        name(key);
        appendString(m_out, value);
    }
    template<typename Integer>
    void number(std::string_view key, Integer value)
    {
        name(key);
        m_out += std::to_string(value);
    }
    void finish() { m_out += '}'; }

private:
    void name(std::string_view key)
    {
        // ,"key": in one append (keys are short literals of this file)
        char head[32];
        std::size_t n = 0;
        if (!m_first)
            head[n++] = ',';
        m_first = false;
        head[n++] = '"';
        const std::size_t length = std::min(key.size(), sizeof head - 4);
        std::memcpy(head + n, key.data(), length);
        n += length;
        head[n++] = '"';
        head[n++] = ':';
        m_out.append(head, n);
    }
    std::string &m_out;
    bool m_first = true;
};

} // namespace

std::string recordBody(const AuditEvent &e, std::int64_t timeMicros, std::uint64_t seq, const std::string &prev)
{
    // Canonical: members in byte order of their keys, no spaces, nlohmann-json's escaping (a test
    // compares every field against the library's own serialization). Written directly because
    // building a JSON object per statement was the largest part of the gateway's own CPU time.
    std::string out;
    out.reserve(256 + e.query.size() + e.message.size());
    MemberWriter w(out);
    w.text("agent", e.agent);
    w.text("approval", e.approval);
    w.text("client", e.client);
    w.text("db_role", e.databaseRole);
    if (e.durationMicros)
        w.number("duration_us", *e.durationMicros);
    w.text("event", toString(e.kind), true);
    w.text("fingerprint", e.fingerprint);
    w.text("message", e.message);
    w.text("prev", prev, true);
    w.text("query", e.query);
    if (e.rows)
        w.number("rows", *e.rows);
    w.text("rule", e.rule);
    w.number("seq", seq);
    w.text("session", e.session);
    w.text("sqlstate", e.sqlstate);
    w.text("task", e.task);
    w.text("task_type", e.taskType);
    w.number("time_us", timeMicros);
    w.text("verdict", e.verdict);
    w.text("workflow", e.workflow);
    w.finish();
    return out;
}

void appendHash(std::string &body, const std::string &hash)
{
    body.pop_back(); // the closing brace
    body.append(kHashMember).append(hash).append("\"}");
}

std::optional<ParsedLine> parseLine(const std::string &line, std::string &problem)
{
    // The hash member is the line's last one, appended after serialization: find it by position.
    const std::size_t tail = kHashMember.size() + kHexLength + 2; // ,"hash":"<64 hex>"}
    if (line.size() < tail + 2 || line.compare(line.size() - tail, kHashMember.size(), kHashMember) != 0
        || line.compare(line.size() - 2, 2, "\"}") != 0) {
        problem = "the line does not end with a hash member";
        return std::nullopt;
    }
    ParsedLine p;
    p.hash = line.substr(line.size() - kHexLength - 2, kHexLength);
    p.body = line.substr(0, line.size() - tail) + "}";
    const auto j = nlohmann::json::parse(p.body, nullptr, false);
    if (j.is_discarded() || !j.is_object()) {
        problem = "the line is not a JSON object";
        return std::nullopt;
    }
    const auto seq = j.find("seq");
    const auto prev = j.find("prev");
    if (seq == j.end() || !seq->is_number_unsigned() || prev == j.end() || !prev->is_string()) {
        problem = "the record has no seq or prev";
        return std::nullopt;
    }
    p.seq = seq->get<std::uint64_t>();
    p.prev = prev->get<std::string>();
    return p;
}

} // namespace writ::audit
