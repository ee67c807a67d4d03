// SPDX-License-Identifier: Apache-2.0
#include "common/text_file_checks.h"

#include "common/text.h"

namespace writ {

bool checkTextFile(std::string_view text, const std::string &fileName, const TextFileRules &rules, Diagnostics &out)
{
    if (text.size() > rules.maxBytes) {
        out.error(rules.codePrefix + ".too-large",
                  rules.what + " is " + std::to_string(text.size()) + " bytes; the limit is " + std::to_string(rules.maxBytes),
                  rules.tooLargeHint, {fileName, 1, 1});
        return false;
    }
    if (const auto bad = findInvalidUtf8(text)) {
        const LineColumn lc = lineColumnAt(text, *bad);
        out.error(rules.codePrefix + ".invalid-utf8", rules.what + " is not valid UTF-8 (byte offset " + std::to_string(*bad) + ")",
                  "save the file as UTF-8", {fileName, lc.line, lc.column});
        return false;
    }
    if (const auto nul = text.find('\0'); nul != std::string_view::npos) {
        const LineColumn lc = lineColumnAt(text, nul);
        out.error(rules.codePrefix + ".nul-byte", rules.what + " contains a NUL byte", "this is not a text file",
                  {fileName, lc.line, lc.column});
        return false;
    }
    return true;
}

} // namespace writ
