// SPDX-License-Identifier: Apache-2.0
#pragma once

// Checks an audit file's chain line by line (`writ audit verify`).

#include <cstdint>
#include <string>

namespace writ::audit {

struct VerifyResult
{
    bool ok = false;
    std::uint64_t records = 0;  ///< lines that verified before the first problem (all of them when ok)
    std::uint64_t badLine = 0;  ///< 1-based line of the first problem, 0 when ok
    std::string problem;        ///< what is wrong there, in words
    std::string lastHash;       ///< the chain's head when ok: compare it with an anchor kept elsewhere
};

VerifyResult verifyAuditText(const std::string &text, const std::string &key = {});
VerifyResult verifyAuditFile(const std::string &path, const std::string &key = {});

} // namespace writ::audit
