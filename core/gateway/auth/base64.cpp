// SPDX-License-Identifier: Apache-2.0
#include "gateway/auth/base64.h"

#include "identity/base64url.h"

namespace writ::gateway::auth {

std::string base64Encode(std::string_view bytes)
{
    std::string out = identity::base64urlEncode(bytes);
    for (char &c : out) {
        if (c == '-')
            c = '+';
        else if (c == '_')
            c = '/';
    }
    while (out.size() % 4 != 0)
        out += '=';
    return out;
}

std::optional<std::string> base64Decode(std::string_view text, std::size_t maxDecodedBytes)
{
    if (text.size() % 4 != 0)
        return std::nullopt;
    std::size_t padding = 0;
    while (padding < 2 && padding < text.size() && text[text.size() - 1 - padding] == '=')
        ++padding;
    std::string url(text.substr(0, text.size() - padding));
    for (char &c : url) {
        // '-' and '_' are base64url, not base64: refuse them before translating the alphabet.
        if (c == '-' || c == '_')
            return std::nullopt;
        if (c == '+')
            c = '-';
        else if (c == '/')
            c = '_';
    }
    // A padded length of 4n means the unpadded text has 4n - padding characters: 4n+2 for "==", 4n+3 for
    // "=". Anything else ("=" where two are needed, a third '=', '=' inside) the decoder refuses.
    if (padding > 0 && url.size() % 4 != 4 - padding)
        return std::nullopt;
    auto decoded = identity::base64urlDecode(url, maxDecodedBytes);
    if (!decoded.ok())
        return std::nullopt;
    return std::move(decoded.value());
}

} // namespace writ::gateway::auth
