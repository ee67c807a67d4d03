// SPDX-License-Identifier: Apache-2.0
#include "audit/audit_json.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <cstring>

namespace writ::audit {

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

/// Whether every byte of `value` is plain. Eight bytes at a time: a word has no byte below 0x20,
/// above 0x7e, '"' or '\\' exactly when none of the four tests below sets a byte's high bit (each is
/// exact for "some byte": a borrow or carry only starts at a byte that matches). The rest byte by byte.
bool isPlain(std::string_view value)
{
    constexpr std::uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
    std::size_t i = 0;
    std::uint64_t found = 0;
    for (; i + 8 <= value.size(); i += 8) {
        std::uint64_t x;
        std::memcpy(&x, value.data() + i, sizeof x);
        const std::uint64_t quote = x ^ (ones * '"'), backslash = x ^ (ones * '\\');
        found |= (x - ones * 0x20) & ~x;                    // a byte below 0x20 (or with its high bit set)
        found |= (x + ones * (127 - 0x7e)) | x;             // a byte above 0x7e
        found |= (quote - ones) & ~quote;                   // a '"'
        found |= (backslash - ones) & ~backslash;           // a '\\'
    }
    bool plain = (found & highs) == 0;
    for (; i < value.size(); ++i)
        plain &= kPlainBytes[static_cast<unsigned char>(value[i])];
    return plain;
}

/// Appends `value` as a JSON string. Printable ASCII without quotes or backslashes (nearly every
/// audited value) is copied as is; anything else goes through nlohmann-json's serializer, so escapes
/// and the replacement of invalid UTF-8 are exactly the library's.
void appendString(std::string &out, std::string_view value)
{
    if (isPlain(value)) {
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

/// Appends the members of one object, each as ,"key":value in the order the caller adds them (sorted
/// by key); finish() turns the first member's comma into the opening brace. Keys are literals written
/// with their punctuation ("member" names them as they appear), so a member costs two appends.
class MemberWriter
{
public:
    explicit MemberWriter(std::string &out) : m_out(out), m_start(out.size()) {}

    /// `head` is the member's ,"key": ; an empty value leaves the member out unless `always`.
    void text(std::string_view head, std::string_view value, bool always = false)
    {
        if (value.empty() && !always)
            return;
        m_out += head;
        appendString(m_out, value);
    }
    template<typename Integer>
    void number(std::string_view head, Integer value)
    {
        char digits[24];
        const auto end = std::to_chars(digits, digits + sizeof digits, value).ptr;
        m_out += head;
        m_out.append(digits, end);
    }
    /// Where the next member would go, relative to where this object starts.
    std::uint32_t position() const { return static_cast<std::uint32_t>(m_out.size() - m_start); }
    void finish()
    {
        m_out += '}';
        m_out[m_start] = '{'; // the first member's comma: "event" is always there, so there is one
    }

private:
    std::string &m_out;
    std::size_t m_start;
};

} // namespace

RecordDraft draftRecord(const AuditEvent &e)
{
    const std::int64_t timeMicros = e.timeMicros != 0
                                        ? e.timeMicros
                                        : std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    // Canonical: members in byte order of their keys, no spaces, nlohmann-json's escaping (a test
    // compares every field against the library's own serialization). Written directly because
    // building a JSON object per statement was the largest part of the gateway's own CPU time.
    RecordDraft d;
    d.text.reserve(192 + e.agent.size() + e.task.size() + e.taskType.size() + e.workflow.size() + e.session.size() + e.client.size()
                   + e.databaseRole.size() + e.fingerprint.size() + e.query.size() + e.verdict.size() + e.rule.size()
                   + e.approval.size() + e.sqlstate.size() + e.message.size());
    MemberWriter w(d.text);
    w.text(",\"agent\":", e.agent);
    w.text(",\"approval\":", e.approval);
    w.text(",\"client\":", e.client);
    w.text(",\"db_role\":", e.databaseRole);
    if (e.durationMicros)
        w.number(",\"duration_us\":", *e.durationMicros);
    w.text(",\"event\":", toString(e.kind), true);
    w.text(",\"fingerprint\":", e.fingerprint);
    w.text(",\"message\":", e.message);
    d.prevAt = w.position();
    w.text(",\"query\":", e.query);
    if (e.rows)
        w.number(",\"rows\":", *e.rows);
    w.text(",\"rule\":", e.rule);
    d.seqAt = w.position();
    w.text(",\"session\":", e.session);
    w.text(",\"sqlstate\":", e.sqlstate);
    w.text(",\"task\":", e.task);
    w.text(",\"task_type\":", e.taskType);
    w.number(",\"time_us\":", timeMicros);
    w.text(",\"verdict\":", e.verdict);
    w.text(",\"workflow\":", e.workflow);
    w.finish();
    return d;
}

void appendRecordBody(std::string &out, const RecordDraft &draft, std::uint64_t seq, std::string_view prev)
{
    char digits[24];
    const auto end = std::to_chars(digits, digits + sizeof digits, seq).ptr;
    const std::string_view text = draft.text;
    out.reserve(out.size() + text.size() + prev.size() + 40);
    out += text.substr(0, draft.prevAt);
    out += ",\"prev\":";
    appendString(out, prev);
    out += text.substr(draft.prevAt, draft.seqAt - draft.prevAt);
    out += ",\"seq\":";
    out.append(digits, end);
    out += text.substr(draft.seqAt);
}

std::optional<ParsedLine> parseLine(const std::string &line, std::string &problem)
{
    // The hash member is the line's last one, appended after serialization: find it by position.
    const std::size_t tail = kHashMember.size() + kHashHexLength + 2; // ,"hash":"<64 hex>"}
    if (line.size() < tail + 2 || line.compare(line.size() - tail, kHashMember.size(), kHashMember) != 0
        || line.compare(line.size() - 2, 2, "\"}") != 0) {
        problem = "the line does not end with a hash member";
        return std::nullopt;
    }
    ParsedLine p;
    p.hash = line.substr(line.size() - kHashHexLength - 2, kHashHexLength);
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
