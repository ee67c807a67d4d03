// SPDX-License-Identifier: Apache-2.0
#include "identity/spiffe_id.h"
#include "identity/json_util.h"

namespace writ::identity {

namespace {

bool trustDomainChar(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_';
}

bool pathChar(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_';
}

Error bad(std::string_view text, const std::string &why)
{
    return makeError(Reason::BadSpiffeId, detail::safeQuote(text) + " is not a SPIFFE ID: " + why);
}

} // namespace

bool isValidTrustDomain(std::string_view name)
{
    if (name.empty() || name.size() > 255)
        return false;
    for (const char c : name) {
        if (!trustDomainChar(c))
            return false;
    }
    return true;
}

Result<SpiffeId> parseSpiffeId(std::string_view text)
{
    constexpr std::string_view scheme = "spiffe://";
    if (text.size() > 2048)
        return bad(text, "longer than 2048 bytes");
    if (text.substr(0, scheme.size()) != scheme)
        return bad(text, "it must start with spiffe:// (lowercase)");
    const std::string_view rest = text.substr(scheme.size());
    const std::size_t slash = rest.find('/');
    const std::string_view domain = rest.substr(0, slash);
    if (domain.empty())
        return bad(text, "the trust domain is empty");
    for (const char c : domain) {
        if (c == ':')
            return bad(text, "a trust domain has no port");
        if (c == '@')
            return bad(text, "a trust domain has no user info");
        if (!trustDomainChar(c))
            return bad(text, "the trust domain may contain only lowercase letters, digits, '.', '-' and '_'");
    }
    if (domain.size() > 255)
        return bad(text, "the trust domain is longer than 255 bytes");
    SpiffeId id;
    id.trustDomain = std::string(domain);
    if (slash == std::string_view::npos)
        return id;
    const std::string_view path = rest.substr(slash);
    std::size_t i = 0;
    while (i < path.size()) {
        // path[i] == '/'
        const std::size_t next = path.find('/', i + 1);
        const std::string_view seg = path.substr(i + 1, next == std::string_view::npos ? std::string_view::npos : next - i - 1);
        if (seg.empty())
            return bad(text, next == std::string_view::npos ? "the path has a trailing '/'" : "the path has an empty segment");
        if (seg == "." || seg == "..")
            return bad(text, "the path has a '.' or '..' segment");
        for (const char c : seg) {
            if (c == '?' || c == '#')
                return bad(text, "a SPIFFE ID has no query or fragment");
            if (!pathChar(c))
                return bad(text, "path segments may contain only letters, digits, '.', '-' and '_'");
        }
        if (next == std::string_view::npos)
            break;
        i = next;
    }
    id.path = std::string(path);
    return id;
}

} // namespace writ::identity
