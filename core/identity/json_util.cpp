// SPDX-License-Identifier: Apache-2.0
#include "identity/json_util.h"
#include "identity/constant_time.h"

#include <openssl/crypto.h>
#include <openssl/err.h>

#include <vector>

namespace writ::identity {

bool constantTimeEquals(std::string_view a, std::string_view b)
{
    if (a.size() != b.size())
        return false;
    if (a.empty())
        return true;
    return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

} // namespace writ::identity

namespace writ::identity::detail {

namespace {

using nlohmann::json;

/// A SAX handler that builds the DOM itself, so every limit is checked as the text is read and the parse
/// stops at the first problem: a hostile token costs at most one pass up to its first offence.
class StrictBuilder final : public nlohmann::json_sax<json>
{
public:
    StrictBuilder(json &root, const TokenLimits &limits, std::string_view what)
        : m_root(root)
        , m_limits(limits)
        , m_what(what)
    { }

    std::optional<Error> problem;

    bool null() override { return put(nullptr); }
    bool boolean(bool v) override { return put(v); }
    bool number_integer(number_integer_t v) override { return put(v); }
    bool number_unsigned(number_unsigned_t v) override { return put(v); }
    bool number_float(number_float_t v, const string_t &) override { return put(v); }
    bool string(string_t &v) override
    {
        if (v.size() > m_limits.maxStringBytes)
            return fail(Reason::TokenFieldTooLarge,
                "a string value is " + std::to_string(v.size()) + " bytes; the limit is "
                    + std::to_string(m_limits.maxStringBytes));
        return put(std::move(v));
    }
    bool binary(binary_t &) override { return fail(Reason::TokenJson, "binary values are not JSON"); }

    bool start_object(std::size_t) override { return open(json::object()); }
    bool start_array(std::size_t) override { return open(json::array()); }
    bool end_object() override { return close(); }
    bool end_array() override { return close(); }

    bool key(string_t &k) override
    {
        if (k.size() > m_limits.maxStringBytes)
            return fail(Reason::TokenFieldTooLarge,
                "a member name is " + std::to_string(k.size()) + " bytes; the limit is "
                    + std::to_string(m_limits.maxStringBytes));
        json &obj = *m_stack.back();
        if (obj.contains(k))
            return fail(Reason::TokenDuplicateKey,
                "member " + safeQuote(k)
                    + " appears twice; duplicate names are refused because parsers disagree on "
                      "which one counts (RFC 7515 §4, RFC 7519 §4)");
        if (obj.size() >= m_limits.maxMembers)
            return fail(
                Reason::TokenFieldTooLarge, "an object has more than " + std::to_string(m_limits.maxMembers) + " members");
        m_slot = &obj[k];
        return true;
    }

    bool parse_error(std::size_t, const std::string &, const nlohmann::detail::exception &) override
    {
        return fail(Reason::TokenJson, "not valid JSON (or not valid UTF-8)");
    }

private:
    bool fail(Reason r, std::string message)
    {
        if (!problem)
            problem = Error {r, std::string(m_what) + ": " + std::move(message)};
        return false; // stops the parser
    }

    /// Stores a value where the grammar says it goes; returns false on a limit.
    json *place(json &&v)
    {
        if (m_stack.empty()) {
            m_root = std::move(v);
            return &m_root;
        }
        json &top = *m_stack.back();
        if (top.is_array()) {
            if (top.size() >= m_limits.maxArrayItems) {
                fail(Reason::TokenFieldTooLarge, "an array has more than " + std::to_string(m_limits.maxArrayItems) + " items");
                return nullptr;
            }
            top.push_back(std::move(v));
            return &top.back();
        }
        *m_slot = std::move(v);
        return m_slot;
    }

    bool put(json &&v) { return place(std::move(v)) != nullptr; }

    bool open(json &&container)
    {
        json *v = place(std::move(container));
        if (!v)
            return false;
        m_stack.push_back(v);
        if (m_stack.size() > m_limits.maxDepth)
            return fail(
                Reason::TokenFieldTooLarge, "JSON is nested deeper than " + std::to_string(m_limits.maxDepth) + " levels");
        return true;
    }

    bool close()
    {
        m_stack.pop_back();
        return true;
    }

    json &m_root;
    const TokenLimits &m_limits;
    std::string_view m_what;
    std::vector<json *> m_stack;
    json *m_slot = nullptr;
};

} // namespace

Result<nlohmann::json> parseStrictObject(std::string_view text, const TokenLimits &limits, std::string_view what)
{
    json root;
    StrictBuilder builder(root, limits, what);
    const bool ok = json::sax_parse(text.begin(), text.end(), &builder, nlohmann::detail::input_format_t::json, /*strict=*/true,
        /*ignore_comments=*/false);
    if (builder.problem)
        return *builder.problem;
    if (!ok)
        return makeError(Reason::TokenJson, std::string(what) + " is not valid JSON (or not valid UTF-8)");
    if (!root.is_object())
        return makeError(Reason::TokenJson, std::string(what) + " must be a JSON object, not " + root.type_name());
    return root;
}

std::string safeQuote(std::string_view untrusted)
{
    static const char hex[] = "0123456789abcdef";
    std::string out = "'";
    std::size_t shown = 0;
    for (const char ch : untrusted) {
        if (shown++ == 80) {
            out += "...";
            break;
        }
        const auto c = static_cast<unsigned char>(ch);
        if (c < 0x20 || c >= 0x7f || c == '\'' || c == '\\') {
            out += "\\x";
            out += hex[c >> 4];
            out += hex[c & 15];
        } else {
            out += ch;
        }
    }
    out += "'";
    return out;
}

std::string opensslError(std::string_view context)
{
    unsigned long code = 0, last = 0;
    while ((code = ERR_get_error()) != 0)
        last = code;
    std::string out(context);
    if (last != 0) {
        char buf[256];
        ERR_error_string_n(last, buf, sizeof buf);
        out += " (";
        out += buf;
        out += ")";
    }
    return out;
}

} // namespace writ::identity::detail
