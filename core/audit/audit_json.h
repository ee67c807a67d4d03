// SPDX-License-Identifier: Apache-2.0
#pragma once

// The JSON shape of a record (private to core/audit; keeps nlohmann-json out of the public headers).
// A record is one JSON object with sorted keys; "hash" is always the last member, appended to the
// serialized body, so the hashed bytes are exactly the line minus its hash member.

#include "audit/audit_event.h"

#include <cstdint>
#include <optional>
#include <string>

namespace writ::audit {

/// The serialized record without its hash: {"agent":...,"prev":"...","seq":N,...} (keys sorted), with
/// `timeMicros` as its time_us (the event's own time is not consulted).
std::string recordBody(const AuditEvent &event, std::int64_t timeMicros, std::uint64_t seq, const std::string &prev);

/// body -> the full line: ,"hash":"<hex>" inserted before the body's closing brace.
void appendHash(std::string &body, const std::string &hash);

struct ParsedLine
{
    std::string body;  ///< the line with its hash member removed, byte for byte as hashed
    std::string hash;
    std::uint64_t seq = 0;
    std::string prev;
};

/// nullopt with `problem` set when the line is not a sealed record.
std::optional<ParsedLine> parseLine(const std::string &line, std::string &problem);

} // namespace writ::audit
