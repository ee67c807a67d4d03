// SPDX-License-Identifier: Apache-2.0
#include "compile/filter_sql.h"

#include "compile/sql_quote.h"
#include "policy/policy_loader.h"

namespace writ::compile {

std::optional<std::string> filterSpliceProblem(const std::string &f)
{
    int depth = 0;
    std::size_t i = 0;
    const std::size_t n = f.size();
    while (i < n) {
        const char c = f[i];
        if (c == '\'' || c == '"') {
            const bool escapes = c == '\'' && i > 0 && (f[i - 1] == 'E' || f[i - 1] == 'e');
            ++i;
            while (i < n) {
                if (escapes && f[i] == '\\') {
                    i += 2;
                    continue;
                }
                if (f[i] == c) {
                    if (i + 1 < n && f[i + 1] == c) {
                        i += 2;
                        continue;
                    }
                    break;
                }
                ++i;
            }
            if (i >= n)
                return "an unterminated quote";
            ++i;
            continue;
        }
        if (c == '-' && i + 1 < n && f[i + 1] == '-')
            return "a -- comment (write the filter without comments)";
        if (c == '/' && i + 1 < n && f[i + 1] == '*')
            return "a /* comment */ (write the filter without comments)";
        if (c == '$' && i + 1 < n && (f[i + 1] == '$' || f[i + 1] == '_'))
            return "a dollar-quoted string (use standard 'quotes')";
        if (c == ';')
            return "a ';'";
        if (c == '(')
            ++depth;
        if (c == ')' && --depth < 0)
            return "a ')' without its '('";
        ++i;
    }
    if (depth != 0)
        return "an unclosed '('";
    return std::nullopt;
}

std::string compileFilter(const std::string &filter, const policy::Policy &policy)
{
    std::string out;
    std::size_t last = 0;
    for (const auto &param : policy::contextParameters(filter)) {
        out.append(filter, last, param.offset - last);
        const policy::ContextKey *key = policy.findContextKey(param.name);
        const char *type = key ? policy::postgresType(key->type) : "text";
        out += "(SELECT writ.ctx(" + quoteLiteral(param.name) + "))::" + type;
        last = param.offset + param.name.size() + 1;
    }
    out.append(filter, last, std::string::npos);
    return out;
}

} // namespace writ::compile
