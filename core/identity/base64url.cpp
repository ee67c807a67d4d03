// SPDX-License-Identifier: Apache-2.0
#include "identity/base64url.h"

#include <array>
#include <cstdint>

namespace writ::identity {

namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

constexpr std::array<std::int8_t, 256> makeDecodeTable()
{
    std::array<std::int8_t, 256> t {};
    for (auto &v : t)
        v = -1;
    for (int i = 0; i < 64; ++i)
        t[static_cast<unsigned char>(kAlphabet[i])] = static_cast<std::int8_t>(i);
    return t;
}

constexpr auto kDecode = makeDecodeTable();

Error invalidCharacter(unsigned char c, std::size_t at)
{
    if (c == '=')
        return makeError(Reason::TokenBase64,
            "base64url padding ('=') at offset " + std::to_string(at) + "; JWS uses unpadded base64url (RFC 7515 §2)");
    if (c == '+' || c == '/')
        return makeError(Reason::TokenBase64,
            std::string("character '") + char(c) + "' at offset " + std::to_string(at)
                + " belongs to standard base64, not base64url");
    static const char hex[] = "0123456789abcdef";
    return makeError(Reason::TokenBase64,
        std::string("invalid base64url character (byte 0x") + hex[c >> 4] + hex[c & 15] + ") at offset " + std::to_string(at));
}

} // namespace

std::string base64urlEncode(std::string_view bytes)
{
    std::string out;
    out.reserve((bytes.size() * 4 + 2) / 3);
    std::size_t i = 0;
    const auto at = [&](std::size_t k) { return static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[k])); };
    for (; i + 3 <= bytes.size(); i += 3) {
        const std::uint32_t v = at(i) << 16 | at(i + 1) << 8 | at(i + 2);
        out += kAlphabet[v >> 18 & 63];
        out += kAlphabet[v >> 12 & 63];
        out += kAlphabet[v >> 6 & 63];
        out += kAlphabet[v & 63];
    }
    const std::size_t rest = bytes.size() - i;
    if (rest == 1) {
        const std::uint32_t v = at(i) << 16;
        out += kAlphabet[v >> 18 & 63];
        out += kAlphabet[v >> 12 & 63];
    } else if (rest == 2) {
        const std::uint32_t v = at(i) << 16 | at(i + 1) << 8;
        out += kAlphabet[v >> 18 & 63];
        out += kAlphabet[v >> 12 & 63];
        out += kAlphabet[v >> 6 & 63];
    }
    return out;
}

Result<std::string> base64urlDecode(std::string_view text, std::size_t maxDecodedBytes)
{
    if (text.size() % 4 == 1)
        return makeError(Reason::TokenBase64,
            "base64url text of length " + std::to_string(text.size()) + " is truncated (a length of 4n+1 encodes nothing)");
    const std::size_t decodedSize = text.size() / 4 * 3 + (text.size() % 4 == 0 ? 0 : text.size() % 4 - 1);
    if (decodedSize > maxDecodedBytes)
        return makeError(Reason::TokenFieldTooLarge,
            "base64url value decodes to " + std::to_string(decodedSize) + " bytes; the limit is "
                + std::to_string(maxDecodedBytes));
    std::string out(decodedSize, '\0');
    std::size_t o = 0;
    std::uint32_t acc = 0;
    int bits = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const unsigned char c = static_cast<unsigned char>(text[i]);
        const int v = kDecode[c];
        if (v < 0) [[unlikely]]
            return invalidCharacter(c, i);
        acc = (acc << 6) | static_cast<std::uint32_t>(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out[o++] = static_cast<char>((acc >> bits) & 0xff);
        }
    }
    // 2 or 4 bits are left over for lengths 4n+3 and 4n+2; they must be zero (RFC 4648 §3.5 canonical encoding).
    if (bits > 0 && (acc & ((1u << bits) - 1)) != 0)
        return makeError(Reason::TokenBase64, "base64url text is not canonical: its last character carries non-zero unused bits");
    return out;
}

} // namespace writ::identity
