// SPDX-License-Identifier: Apache-2.0
#include "policy/yaml_comments.h"

namespace writ::policy {

int countYamlComments(std::string_view text)
{
    int count = 0;
    std::size_t lineStart = 0;
    while (lineStart < text.size()) {
        std::size_t end = text.find('\n', lineStart);
        if (end == std::string_view::npos)
            end = text.size();
        char quote = 0;
        for (std::size_t i = lineStart; i < end; ++i) {
            const char c = text[i];
            if (quote) {
                if (c == '\\' && quote == '"')
                    ++i;
                else if (c == quote)
                    quote = 0;
            } else if (c == '"' || c == '\'') {
                quote = c;
            } else if (c == '#' && (i == lineStart || text[i - 1] == ' ' || text[i - 1] == '\t')) {
                ++count;
                break;
            }
        }
        lineStart = end + 1;
    }
    return count;
}

} // namespace writ::policy
