// SPDX-License-Identifier: Apache-2.0
#include "sql/literal_shape.h"

#include "sql/sql_lexing.h"

#include <algorithm>
#include <charconv>

namespace writ::sql {

namespace {

bool isDigit(char c) { return c >= '0' && c <= '9'; }
bool isIdentifierStart(char c) { return detail::isIdentifierStart(static_cast<unsigned char>(c)); }
bool isIdentifierPart(char c) { return detail::isIdentifierPart(static_cast<unsigned char>(c)); }
bool isBlank(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

class Scanner
{
public:
    explicit Scanner(std::string_view sql) : m_sql(sql) {}

    std::optional<LiteralShape> run()
    {
        // A NUL anywhere, even in a comment, could pass for a cut-out constant in the key.
        if (m_sql.find('\0') != std::string_view::npos)
            return std::nullopt;
        m_shape.key.reserve(m_sql.size() + 8);
        m_shape.key.push_back('S');
        while (m_at < m_sql.size()) {
            const char c = m_sql[m_at];
            const char next = m_at + 1 < m_sql.size() ? m_sql[m_at + 1] : '\0';
            bool ok = true;
            if (c == '-' && next == '-')
                lineComment();
            else if (c == '/' && next == '*')
                ok = blockComment();
            else if (c == '"')
                ok = quotedIdentifier();
            else if (c == '\'')
                ok = stringConstant();
            else if (c == '$')
                ok = parameter();
            else if (isIdentifierStart(c))
                identifier();
            else if (isDigit(c) || (c == '.' && isDigit(next)))
                ok = number();
            else
                ++m_at;
            if (!ok)
                return std::nullopt;
        }
        piece(m_sql.size());
        return std::move(m_shape);
    }

private:
    void lineComment() { m_at = detail::endOfLineComment(m_sql, m_at); }

    bool blockComment() { return skipTo(detail::endOfBlockComment(m_sql, m_at)); }

    bool quotedIdentifier() { return skipTo(detail::endOfQuoted(m_sql, m_at + 1, '"')); }

    /// Past a token that ends at `end`; false when it does not end (unterminated).
    bool skipTo(std::size_t end)
    {
        if (end == std::string_view::npos)
            return false;
        m_at = end;
        return true;
    }

    void identifier()
    {
        while (m_at < m_sql.size() && isIdentifierPart(m_sql[m_at]))
            ++m_at;
    }

    /// $n is a parameter and stays; any other $ here starts a dollar-quoted string: no shape.
    bool parameter()
    {
        std::size_t end = m_at + 1;
        while (end < m_sql.size() && isDigit(m_sql[end]))
            ++end;
        if (end == m_at + 1 || (end < m_sql.size() && isIdentifierPart(m_sql[end])))
            return false;
        int n = 0;
        const auto [ptr, ec] = std::from_chars(m_sql.data() + m_at + 1, m_sql.data() + end, n);
        if (ec != std::errc())
            return false;
        m_shape.highestParameter = std::max(m_shape.highestParameter, n);
        m_at = end;
        return true;
    }

    /// A plain '...' string: no prefix letter (E, B, X, N, U&), no backslash (whose meaning depends on
    /// standard_conforming_strings), not continued by another string.
    bool stringConstant()
    {
        if (m_at > 0 && (isIdentifierPart(m_sql[m_at - 1]) || m_sql[m_at - 1] == '&'))
            return false;
        const std::size_t end = detail::endOfQuoted(m_sql, m_at + 1, '\'');
        if (end == std::string_view::npos || m_sql.substr(m_at, end - m_at).find('\\') != std::string_view::npos)
            return false;
        std::size_t after = end;
        while (after < m_sql.size() && isBlank(m_sql[after]))
            ++after;
        if (after < m_sql.size() && (m_sql[after] == '\'' || (after == end && isIdentifierPart(m_sql[after]))))
            return false;
        constant('s', end);
        return true;
    }

    /// digits[.digits][e[+-]digits], standing alone: "1..5", "1e", "12abc" and "x.5" have no shape.
    bool number()
    {
        if (m_at > 0 && (isIdentifierPart(m_sql[m_at - 1]) || m_sql[m_at - 1] == '.'))
            return false;
        std::size_t end = m_at;
        while (end < m_sql.size() && isDigit(m_sql[end]))
            ++end;
        if (end < m_sql.size() && m_sql[end] == '.') {
            ++end;
            while (end < m_sql.size() && isDigit(m_sql[end]))
                ++end;
        }
        if (end < m_sql.size() && (m_sql[end] == 'e' || m_sql[end] == 'E')) {
            std::size_t exponent = end + 1;
            if (exponent < m_sql.size() && (m_sql[exponent] == '+' || m_sql[exponent] == '-'))
                ++exponent;
            if (exponent < m_sql.size() && isDigit(m_sql[exponent])) {
                end = exponent;
                while (end < m_sql.size() && isDigit(m_sql[end]))
                    ++end;
            }
        }
        if (end < m_sql.size() && (isIdentifierPart(m_sql[end]) || m_sql[end] == '.'))
            return false;
        constant('n', end);
        return true;
    }

    void constant(char kind, std::size_t end)
    {
        piece(m_at);
        m_shape.key += '\0';
        m_shape.key += kind;
        ++m_shape.constants;
        m_shape.offsets.push_back(static_cast<int>(m_at));
        m_at = end;
        m_pieceStart = end;
    }

    void piece(std::size_t end) { m_shape.key.append(m_sql.substr(m_pieceStart, end - m_pieceStart)); }

    std::string_view m_sql;
    std::size_t m_at = 0;
    std::size_t m_pieceStart = 0;
    LiteralShape m_shape;
};

} // namespace

std::string LiteralShape::normalized() const
{
    std::string out;
    out.reserve(key.size() + 8);
    int parameter = highestParameter;
    for (std::size_t i = 1; i < key.size(); ++i) {
        if (key[i] == '\0') {
            out += '$' + std::to_string(++parameter);
            ++i; // the constant's kind
        } else {
            out += key[i];
        }
    }
    return out;
}

std::optional<LiteralShape> literalShape(std::string_view sql)
{
    return Scanner(sql).run();
}

} // namespace writ::sql
