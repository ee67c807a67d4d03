// SPDX-License-Identifier: Apache-2.0
#pragma once

// The JSON shape of a record (core/audit's own; nlohmann-json stays in the .cpp).
// A record is one JSON object with sorted keys; "hash" is always the last member, appended to the
// serialized body, so the hashed bytes are exactly the line minus its hash member.

#include "audit/audit_event.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace writ::audit {

/// A record serialized before its place in the chain is known: every member but "prev" and "seq",
/// with the places of those two marked. Sealing it copies three pieces around them, so the record can
/// be serialized by the thread that audits, outside the chain's lock.
struct RecordDraft
{
    std::string text;         ///< the body without "prev" and "seq", keys sorted
    std::uint32_t prevAt = 0; ///< where ,"prev":"..." goes
    std::uint32_t seqAt = 0;  ///< where ,"seq":N goes
};

/// `event` serialized now; its time_us is when it happened (its timeMicros) or, without one, now.
RecordDraft draftRecord(const AuditEvent &event);

/// Appends the draft as record `seq` after `prev`, without its hash: {"agent":...,"prev":"...","seq":N,...}.
void appendRecordBody(std::string &out, const RecordDraft &draft, std::uint64_t seq, std::string_view prev);

/// The hash member: ,"hash":"<64 hex>" before the line's closing brace, the line's last member, so the
/// hashed bytes are exactly the line minus this member.
inline constexpr std::string_view kHashMember = ",\"hash\":\"";
inline constexpr std::size_t kHashHexLength = 64;

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
