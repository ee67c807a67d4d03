// SPDX-License-Identifier: Apache-2.0
#include "sql/sqlcommenter.h"

#include <cctype>

namespace writ::sql {

namespace {

/// The trailing comment's body: the last /*...*/ followed only by whitespace and semicolons.
std::optional<std::string_view> trailingComment(std::string_view sql)
{
    std::size_t end = sql.size();
    while (end > 0 && (std::isspace(static_cast<unsigned char>(sql[end - 1])) || sql[end - 1] == ';'))
        --end;
    if (end < 4 || sql.substr(end - 2, 2) != "*/")
        return std::nullopt;
    const std::size_t open = sql.rfind("/*", end - 2);
    if (open == std::string_view::npos)
        return std::nullopt;
    return sql.substr(open + 2, end - 2 - (open + 2));
}

int hexValue(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/// sqlcommenter URL-encodes values (RFC 3986 percent-encoding).
std::optional<std::string> urlDecode(std::string_view v)
{
    std::string out;
    for (std::size_t i = 0; i < v.size(); ++i) {
        if (v[i] != '%') {
            out += v[i];
            continue;
        }
        if (i + 2 >= v.size() || hexValue(v[i + 1]) < 0 || hexValue(v[i + 2]) < 0)
            return std::nullopt;
        out += static_cast<char>(hexValue(v[i + 1]) * 16 + hexValue(v[i + 2]));
        i += 2;
    }
    return out;
}

bool lowerHex(std::string_view s, std::size_t length)
{
    if (s.size() != length)
        return false;
    bool nonZero = false;
    for (const char c : s) {
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
            return false;
        nonZero = nonZero || c != '0';
    }
    return nonZero;
}

} // namespace

std::optional<std::string> sqlcommenterTraceId(std::string_view sql)
{
    const auto comment = trailingComment(sql);
    if (!comment || comment->size() > 4096)
        return std::nullopt;
    // key='value' pairs separated by commas; values never contain a bare quote (they are URL-encoded).
    std::string_view rest = *comment;
    while (!rest.empty()) {
        const std::size_t eq = rest.find('=');
        if (eq == std::string_view::npos || eq + 1 >= rest.size() || rest[eq + 1] != '\'')
            return std::nullopt;
        std::string_view key = rest.substr(0, eq);
        while (!key.empty() && std::isspace(static_cast<unsigned char>(key.front())))
            key.remove_prefix(1);
        const std::size_t close = rest.find('\'', eq + 2);
        if (close == std::string_view::npos)
            return std::nullopt;
        const std::string_view value = rest.substr(eq + 2, close - (eq + 2));
        if (key == "traceparent") {
            const auto decoded = urlDecode(value);
            // version "00" - trace-id (32 hex) - parent-id (16 hex) - flags (2 hex), W3C Trace Context §3.2
            if (!decoded || decoded->size() != 55 || decoded->substr(0, 3) != "00-" || (*decoded)[35] != '-' || (*decoded)[52] != '-')
                return std::nullopt;
            const std::string traceId = decoded->substr(3, 32);
            if (!lowerHex(traceId, 32) || !lowerHex(std::string_view(*decoded).substr(36, 16), 16)
                || hexValue((*decoded)[53]) < 0 || hexValue((*decoded)[54]) < 0)
                return std::nullopt;
            return traceId;
        }
        rest.remove_prefix(close + 1);
        if (!rest.empty() && rest.front() == ',')
            rest.remove_prefix(1);
    }
    return std::nullopt;
}

} // namespace writ::sql
