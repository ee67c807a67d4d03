// SPDX-License-Identifier: Apache-2.0
#include "sql/nesting_scan.h"

#include "sql/sql_lexing.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <vector>

namespace writ::sql::detail {

namespace {

// Tree levels a construct can add, counted with room to spare: two per node it creates (the node and
// a List or pointer level above it). A parenthesized sub-select adds SubLink, SelectStmt, the target
// List and ResTarget (counted 7); an operator adds A_Expr (2); ARRAY[ adds A_ArrayExpr and its List
// (3), CASE a CaseExpr, its List and a CaseWhen (5). Every level gets slack on top for list wrappers
// (IN lists, BETWEEN bounds). The statement itself starts at 16, which covers the statement List,
// RawStmt and the wrappers of EXPLAIN, PREPARE, CREATE ... AS and friends. The constants were first
// set for libpg_query's protobuf tree, which has a wrapper message per node and so is deeper than
// the raw tree; tst_analyzer_robustness and the fuzz harness check the bound against real trees.
constexpr int kStatementTree = 16;
constexpr int kParenTree = 7;
constexpr int kBracketTree = 3;
constexpr int kCaseTree = 5;
constexpr int kLevelSlack = 2;
constexpr int kChainTree = 2;

enum class Word : std::uint8_t {
    Other,
    Case,      // opens a level closed by END
    End,
    Chain,     // builds a left-deep node over what precedes: NOT, IS, LIKE, IN, COLLATE, AT, ...
    Between,   // a chain keyword whose next AND belongs to it
    Join,
    SetOp,     // UNION, INTERSECT, EXCEPT: left-deep SelectStmt trees
    And,       // AND/OR: the parser flattens chains of them into one list
    Separator, // starts an independent subtree: clause keywords
    From,      // a separator, except in IS [NOT] DISTINCT FROM
    Group,     // a separator, except in WITHIN GROUP
    As,        // a separator whose next word is a label, never a keyword
    Distinct,
    Within,
};

struct Keyword
{
    std::string_view word;
    Word kind;
};

// Sorted by word. Only fully reserved keywords separate: they cannot be column names (a
// non-reserved one such as SET could be, and would let `- - - set - - - set ...` hide a chain).
constexpr std::array<Keyword, 39> kKeywords{{
    {"and", Word::And},
    {"as", Word::As},
    {"at", Word::Chain},
    {"between", Word::Between},
    {"case", Word::Case},
    {"collate", Word::Chain},
    {"distinct", Word::Distinct},
    {"do", Word::Separator},
    {"else", Word::Separator},
    {"end", Word::End},
    {"except", Word::SetOp},
    {"fetch", Word::Separator},
    {"from", Word::From},
    {"group", Word::Group},
    {"having", Word::Separator},
    {"ilike", Word::Chain},
    {"in", Word::Chain},
    {"intersect", Word::SetOp},
    {"into", Word::Separator},
    {"is", Word::Chain},
    {"isnull", Word::Chain},
    {"join", Word::Join},
    {"like", Word::Chain},
    {"limit", Word::Separator},
    {"not", Word::Chain},
    {"notnull", Word::Chain},
    {"offset", Word::Separator},
    {"on", Word::Separator},
    {"operator", Word::Chain},
    {"or", Word::And},
    {"order", Word::Separator},
    {"overlaps", Word::Chain},
    {"returning", Word::Separator},
    {"select", Word::Separator},
    {"similar", Word::Chain},
    {"then", Word::Separator},
    {"union", Word::SetOp},
    {"using", Word::Separator},
    {"when", Word::Separator},
}};
static_assert(std::is_sorted(kKeywords.begin(), kKeywords.end(), [](const Keyword &a, const Keyword &b) { return a.word < b.word; }));
// WHERE, WINDOW and WITHIN are looked up before the array (see classify).

Word classify(const char *p, std::size_t n)
{
    if (n < 2 || n > 9)
        return Word::Other;
    char buf[9];
    for (std::size_t i = 0; i < n; ++i) {
        const char c = p[i];
        buf[i] = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    }
    const std::string_view w(buf, n);
    if (w == "where" || w == "window")
        return Word::Separator;
    if (w == "within")
        return Word::Within;
    const auto it = std::lower_bound(kKeywords.begin(), kKeywords.end(), w, [](const Keyword &k, std::string_view s) { return k.word < s; });
    return it != kKeywords.end() && it->word == w ? it->kind : Word::Other;
}

bool opChar(unsigned char c)
{
    switch (c) {
    case '+': case '-': case '*': case '/': case '<': case '>': case '=': case '~':
    case '!': case '@': case '#': case '%': case '^': case '&': case '|': case '`': case '?':
        return true;
    default:
        return false;
    }
}

/// How many operator tokens PostgreSQL's lexer makes of one run of operator characters: a run
/// ending in + or - without any of ~!@#^&|`?% loses its trailing + and - one by one
/// (`+-+-1` is four prefix operators).
int operatorTokens(std::string_view run)
{
    if (run.size() == 1)
        return 1;
    if (run.find_first_of("~!@#^&|`?%") != std::string_view::npos)
        return 1;
    std::size_t k = run.size();
    while (k > 0 && (run[k - 1] == '+' || run[k - 1] == '-'))
        --k;
    return static_cast<int>(run.size() - k) + (k > 0 ? 1 : 0);
}

struct Level
{
    int nestBase;
    int treeBase;
    int chain = 0;
    int joins = 0;
    int setOps = 0;
    int pendingBetween = 0;

    int nesting() const { return nestBase + chain + joins + setOps; }
    int tree() const { return treeBase + kChainTree * (chain + joins + setOps); }
};

class Scanner
{
public:
    Scanner(std::string_view sql, int limit, std::vector<Level> &levels) : m_s(sql), m_limit(limit), m_levels(levels)
    {
        m_levels.clear();
        m_levels.push_back(Level{0, kStatementTree});
        m_out.treeDepth = kStatementTree;
    }

    NestingEstimate run()
    {
        const std::size_t n = m_s.size();
        std::size_t i = 0;
        while (i < n && !m_out.exceeded)
            i = token(i);
        return m_out;
    }

private:
    std::size_t token(std::size_t i)
    {
        const std::size_t n = m_s.size();
        m_pos = i;
        const auto c = static_cast<unsigned char>(m_s[i]);
        const auto next = [&](std::size_t k) -> unsigned char { return k < n ? static_cast<unsigned char>(m_s[k]) : 0; };

        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v')
            return i + 1;
        if (c == '-' && next(i + 1) == '-')
            return endOfLineComment(m_s, i);
        if (c == '/' && next(i + 1) == '*')
            return std::min(endOfBlockComment(m_s, i), n);
        if (c == '\'') {
            word(Word::Other);
            return skipString(i + 1, false);
        }
        if (c == '"') {
            word(Word::Other);
            return std::min(endOfQuoted(m_s, i + 1, '"'), n);
        }
        if (c == '$') {
            if (next(i + 1) >= '0' && next(i + 1) <= '9') {
                ++i;
                while (i < n && m_s[i] >= '0' && m_s[i] <= '9')
                    ++i;
                word(Word::Other);
                return i;
            }
            if (const std::size_t end = skipDollarQuote(i); end != i) {
                word(Word::Other);
                return end;
            }
            punctuation();
            return i + 1;
        }
        if (isIdentifierStart(c)) {
            std::size_t j = i + 1;
            while (j < n && isIdentifierPart(static_cast<unsigned char>(m_s[j])))
                ++j;
            if (j == i + 1 && (c == 'e' || c == 'E') && next(j) == '\'') {
                word(Word::Other);
                return skipString(j + 1, true);
            }
            const bool keywordsAllowed = !m_afterDot && !m_afterAs;
            word(keywordsAllowed ? classify(m_s.data() + i, j - i) : Word::Other);
            return j;
        }
        if ((c >= '0' && c <= '9') || (c == '.' && next(i + 1) >= '0' && next(i + 1) <= '9')) {
            std::size_t j = i + 1;
            while (j < n && (isIdentifierPart(static_cast<unsigned char>(m_s[j])) || m_s[j] == '.'))
                ++j;
            word(Word::Other);
            return j;
        }
        switch (c) {
        case '(':
            open(kParenTree);
            return i + 1;
        case '[':
            open(kBracketTree);
            return i + 1;
        case ')':
        case ']':
            close();
            return i + 1;
        case ',':
            separate(true);
            return i + 1;
        case ';':
            separate(true);
            top().setOps = 0;
            top().pendingBetween = 0;
            return i + 1;
        case '.':
            punctuation();
            m_afterDot = true;
            return i + 1;
        case ':':
            if (next(i + 1) == ':') {
                chain(1);
                return i + 2;
            }
            punctuation();
            return i + 1;
        default:
            break;
        }
        if (opChar(c)) {
            std::size_t j = i + 1;
            while (j < n && opChar(static_cast<unsigned char>(m_s[j]))) {
                // A comment start ends the operator, as in PostgreSQL's lexer.
                if ((m_s[j] == '-' && next(j + 1) == '-') || (m_s[j] == '/' && next(j + 1) == '*'))
                    break;
                ++j;
            }
            chain(operatorTokens(m_s.substr(i, j - i)));
            return j;
        }
        punctuation();
        return i + 1;
    }

    Level &top() { return m_levels.back(); }

    void note()
    {
        const Level &l = top();
        if (l.nesting() > m_out.nesting) {
            m_out.nesting = l.nesting();
            m_out.deepestAt = m_pos;
            if (m_out.nesting > m_limit)
                m_out.exceeded = true;
        }
        m_out.treeDepth = std::max(m_out.treeDepth, l.tree());
    }

    void punctuation()
    {
        m_afterDot = false;
        m_afterAs = false;
        m_prev = Word::Other;
    }

    void chain(int tokens)
    {
        punctuation();
        top().chain += tokens;
        note();
    }

    void separate(bool resetJoins)
    {
        punctuation();
        top().chain = 0;
        if (resetJoins)
            top().joins = 0;
    }

    void open(int tree)
    {
        punctuation();
        const Level &outer = top();
        m_levels.push_back(Level{outer.nesting() + 1, outer.tree() + tree + kLevelSlack});
        note();
    }

    void close()
    {
        punctuation();
        if (m_levels.size() > 1)
            m_levels.pop_back();
    }

    void word(Word w)
    {
        const Word prev = m_prev;
        m_afterDot = false;
        m_afterAs = false;
        m_prev = w;
        Level &l = top();
        switch (w) {
        case Word::Other:
        case Word::Distinct:
        case Word::Within:
            return;
        case Word::Case:
            open(kCaseTree);
            m_prev = Word::Case;
            return;
        case Word::End:
            close();
            return;
        case Word::Chain:
            ++l.chain;
            break;
        case Word::Between:
            ++l.chain;
            ++l.pendingBetween;
            break;
        case Word::Join:
            ++l.joins;
            break;
        case Word::SetOp:
            ++l.setOps;
            break;
        case Word::And:
            if (l.pendingBetween > 0) { // x BETWEEN a AND b: part of the BETWEEN
                --l.pendingBetween;
                ++l.chain;
                break;
            }
            l.chain = 0;
            return;
        case Word::From:
            if (prev == Word::Distinct) { // IS [NOT] DISTINCT FROM
                ++l.chain;
                break;
            }
            l.chain = 0;
            l.joins = 0;
            return;
        case Word::Group:
            if (prev == Word::Within) // WITHIN GROUP (...) continues the expression
                return;
            l.chain = 0;
            return;
        case Word::As:
            l.chain = 0;
            m_afterAs = true;
            return;
        case Word::Separator:
            l.chain = 0;
            return;
        }
        note();
    }

    /// From just after the opening quote to just after the closing one ('' is a quote inside;
    /// in E'' strings a backslash escapes the next byte).
    std::size_t skipString(std::size_t i, bool backslashEscapes)
    {
        const std::size_t n = m_s.size();
        while (i < n) {
            const char c = m_s[i];
            if (backslashEscapes && c == '\\') {
                i += 2;
                continue;
            }
            if (c == '\'') {
                if (i + 1 < n && m_s[i + 1] == '\'') {
                    i += 2;
                    continue;
                }
                return i + 1;
            }
            ++i;
        }
        return n;
    }

    /// $tag$ ... $tag$; returns `i` unchanged when no dollar quote starts here.
    std::size_t skipDollarQuote(std::size_t i)
    {
        const std::size_t n = m_s.size();
        std::size_t j = i + 1;
        if (j < n && isIdentifierStart(static_cast<unsigned char>(m_s[j]))) {
            ++j;
            while (j < n && isIdentifierPart(static_cast<unsigned char>(m_s[j])) && m_s[j] != '$')
                ++j;
        }
        if (j >= n || m_s[j] != '$')
            return i;
        const std::string_view tag = m_s.substr(i, j - i + 1);
        const std::size_t close = m_s.find(tag, j + 1);
        return close == std::string_view::npos ? n : close + tag.size();
    }

    std::string_view m_s;
    int m_limit;
    std::vector<Level> &m_levels; // per-thread, kept between calls: no allocation per statement
    NestingEstimate m_out;
    std::size_t m_pos = 0;
    Word m_prev = Word::Other;
    bool m_afterDot = false;
    bool m_afterAs = false;
};

} // namespace

NestingEstimate estimateNesting(std::string_view sql, int limit)
{
    thread_local std::vector<Level> levels;
    return Scanner(sql, limit, levels).run();
}

} // namespace writ::sql::detail
