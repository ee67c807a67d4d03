// SPDX-License-Identifier: Apache-2.0
#include "policy/policy_rules.h"

#include <arpa/inet.h>

#include <algorithm>
#include <charconv>

namespace writ::policy {

bool isValidId(std::string_view s)
{
    if (s.empty() || s.size() > 48 || !(s[0] >= 'a' && s[0] <= 'z'))
        return false;
    return std::all_of(s.begin(), s.end(),
                       [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_'; });
}

bool isValidColumnName(std::string_view s)
{
    if (s.empty() || s.size() > 63 || (s[0] >= '0' && s[0] <= '9') || s[0] == '$')
        return false;
    return std::all_of(s.begin(), s.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '$'
            || static_cast<unsigned char>(c) >= 0x80;
    });
}

std::optional<ColumnRef> parseColumnRef(std::string_view s)
{
    const auto last = s.rfind('.');
    if (last == std::string_view::npos)
        return std::nullopt;
    const auto relation = parseQualifiedName(s.substr(0, last));
    const std::string_view column = s.substr(last + 1);
    if (!relation || !isValidColumnName(column))
        return std::nullopt;
    return ColumnRef{*relation, std::string(column)};
}

std::optional<std::string> spiffeIdProblem(std::string_view id)
{
    constexpr std::string_view scheme = "spiffe://";
    if (id.substr(0, scheme.size()) != scheme)
        return "it must start with spiffe://";
    const std::string_view rest = id.substr(scheme.size());
    const auto slash = rest.find('/');
    const std::string_view domain = rest.substr(0, slash);
    if (domain.empty())
        return "the trust domain is empty";
    if (!std::all_of(domain.begin(), domain.end(),
                     [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_'; }))
        return "the trust domain may hold only lowercase letters, digits, '.', '-' and '_'";
    if (slash == std::string_view::npos)
        return "a workload id needs a path after the trust domain";
    const std::string_view path = rest.substr(slash);
    if (path.size() < 2 || path.back() == '/')
        return "the path must not be empty or end with '/'";
    std::size_t start = 1;
    while (start <= path.size()) {
        const auto end = path.find('/', start);
        const std::string_view segment = path.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
        if (segment.empty() || segment == "." || segment == "..")
            return "path segments may not be empty, '.' or '..'";
        if (!std::all_of(segment.begin(), segment.end(), [](char c) {
                return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.'
                    || c == '_';
            }))
            return "path segments may hold only letters, digits, '.', '-' and '_'";
        if (end == std::string_view::npos)
            break;
        start = end + 1;
    }
    if (id.size() > 2048)
        return "it is longer than 2048 bytes";
    return std::nullopt;
}

bool isValidCidr(std::string_view s)
{
    const auto slash = s.find('/');
    if (slash == std::string_view::npos || s.size() > 64)
        return false;
    const std::string address(s.substr(0, slash));
    const std::string_view prefix = s.substr(slash + 1);
    int bits = -1;
    const auto [p, ec] = std::from_chars(prefix.data(), prefix.data() + prefix.size(), bits);
    if (ec != std::errc() || p != prefix.data() + prefix.size() || prefix.empty())
        return false;
    unsigned char buffer[16];
    if (inet_pton(AF_INET, address.c_str(), buffer) == 1)
        return bits >= 0 && bits <= 32;
    if (inet_pton(AF_INET6, address.c_str(), buffer) == 1)
        return bits >= 0 && bits <= 128;
    return false;
}

} // namespace writ::policy
