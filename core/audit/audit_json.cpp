// SPDX-License-Identifier: Apache-2.0
#include "audit/audit_json.h"

#include <nlohmann/json.hpp>

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

std::string recordBody(const AuditEvent &e, std::uint64_t seq, const std::string &prev)
{
    nlohmann::json j; // an object keeps its keys sorted, so the serialization is canonical
    auto put = [&j](const char *key, const std::string &value) {
        if (!value.empty())
            j[key] = value;
    };
    j["event"] = toString(e.kind);
    j["time_us"] = e.timeMicros;
    j["seq"] = seq;
    j["prev"] = prev;
    put("agent", e.agent);
    put("task", e.task);
    put("task_type", e.taskType);
    put("workflow", e.workflow);
    put("session", e.session);
    put("client", e.client);
    put("db_role", e.databaseRole);
    put("fingerprint", e.fingerprint);
    put("query", e.query);
    put("verdict", e.verdict);
    put("rule", e.rule);
    put("approval", e.approval);
    put("sqlstate", e.sqlstate);
    put("message", e.message);
    if (e.rows)
        j["rows"] = *e.rows;
    if (e.durationMicros)
        j["duration_us"] = *e.durationMicros;
    // Invalid UTF-8 in a statement must not stop the audit: replace it rather than throw.
    return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string withHash(const std::string &body, const std::string &hash)
{
    std::string line = body.substr(0, body.size() - 1);
    line.append(kHashMember).append(hash).append("\"}");
    return line;
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
