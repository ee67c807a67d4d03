// SPDX-License-Identifier: Apache-2.0
#pragma once

// The checks every text file Writ reads (policies, test cases, gateway configuration) gets before a
// parser sees it: a size limit, valid UTF-8, no NUL byte. One place, so every loader refuses the same
// things with the same codes: "<prefix>.too-large", "<prefix>.invalid-utf8", "<prefix>.nul-byte".

#include "common/diagnostic.h"

#include <cstddef>
#include <string>
#include <string_view>

namespace writ {

struct TextFileRules
{
    std::string codePrefix; ///< "policy", "tests", "config"
    std::string what;       ///< "the policy", "the case file", ... for messages
    std::size_t maxBytes = 0;
    std::string tooLargeHint;
};

/// False, with one error at the offending place, when `text` fails a check.
bool checkTextFile(std::string_view text, const std::string &fileName, const TextFileRules &rules, Diagnostics &out);

} // namespace writ
