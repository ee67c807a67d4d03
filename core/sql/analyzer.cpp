// SPDX-License-Identifier: Apache-2.0
#include "sql/analyzer.h"

#include "common/text.h"
#include "sql/nesting_scan.h"
#include "sql/stack_budget.h"

#include <cstring>
#include <exception>
#include <new>

#include "sql/fact_collector.h" // last: the PostgreSQL headers

namespace writ::sql {

namespace {

using detail::Workspace;

/// Buffers one thread reuses from call to call: the NUL-terminated copy of the text libpg_query
/// needs and the walker's stacks. (The tree itself lives in a memory context of libpg_query's,
/// dropped after each text.)
struct ThreadBuffers
{
    std::string text;
    Workspace workspace;
    detail::ConstantUse constants;
};

ThreadBuffers &buffers()
{
    thread_local ThreadBuffers b;
    return b;
}

AnalysisError refusal(std::string message, int offset = -1)
{
    return AnalysisError{"cannot analyze: " + std::move(message), offset};
}

/// libpg_query reports cursorpos as a 1-based character position; the facts speak in bytes.
int byteOffsetOfCursor(std::string_view text, int cursorpos)
{
    if (cursorpos <= 0)
        return -1;
    int chars = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
            if (++chars == cursorpos)
                return static_cast<int>(i);
        }
    }
    return static_cast<int>(text.size());
}

bool isSpace(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/// Size, NUL, UTF-8 and nesting checks that must pass before the parser sees the text.
std::optional<AnalysisError> precheck(std::string_view sql, detail::NestingEstimate &nesting)
{
    if (auto problem = textProblem(sql))
        return problem;
    nesting = detail::estimateNesting(sql, kMaxNestingDepth);
    if (nesting.exceeded)
        return refusal("the statement nests deeper than " + std::to_string(kMaxNestingDepth) + " levels",
                       static_cast<int>(nesting.deepestAt));
    return std::nullopt;
}

/// Runs `work` here when this thread has the stack the nesting needs, else on a helper thread
/// with a large stack. False when neither was possible.
bool withStackFor(const detail::NestingEstimate &nesting, const std::function<void()> &work)
{
    if (detail::remainingStack() >= detail::stackNeeded(nesting.treeDepth)) {
        work();
        return true;
    }
    return detail::runOnLargeStack(work);
}

void analyzeParsed(std::string_view sql, const catalog::Catalog &catalog, const AnalyzeOptions &options, Analysis &out)
{
    ThreadBuffers &b = buffers();
    b.text.assign(sql);
    struct TextRelease
    {
        std::string &text;
        ~TextRelease()
        {
            if (text.capacity() > 64 * 1024)
                std::string().swap(text);
        }
    } release{b.text};
    // The facts copy every name they keep, so nothing refers to the tree once `parse` is gone.
    const detail::RawParse parse(b.text.c_str());
    if (const PgQueryError *e = parse.error()) {
        out.error = AnalysisError{e->message ? e->message : "syntax error", byteOffsetOfCursor(sql, e->cursorpos)};
        return;
    }
    const detail::ListNodes statements = detail::items(parse.tree());
    out.statements.reserve(statements.size());
    b.constants.clear();
    for (const Node *n : statements) {
        const RawStmt *raw = detail::nodeIf<RawStmt>(n, T_RawStmt);
        if (!raw) {
            out.statements.clear();
            out.error = refusal("unexpected parse node " + std::to_string(n ? static_cast<int>(nodeTag(n)) : 0)
                                + " where a statement was expected");
            return;
        }
        StatementFacts facts;
        // stmt_len 0 means "to the end of the text"; the span includes leading blanks and comments
        // after the previous semicolon, which trimming drops from the blank side.
        std::size_t begin = raw->stmt_location > 0 ? static_cast<std::size_t>(raw->stmt_location) : 0;
        std::size_t end = raw->stmt_len > 0 ? begin + static_cast<std::size_t>(raw->stmt_len) : sql.size();
        begin = std::min(begin, sql.size());
        end = std::min(std::max(end, begin), sql.size());
        while (begin < end && isSpace(sql[begin]))
            ++begin;
        while (end > begin && isSpace(sql[end - 1]))
            --end;
        facts.text = std::string(sql.substr(begin, end - begin));
        facts.location = static_cast<int>(begin);
        detail::FactCollector collector(catalog, options, b.workspace, b.constants, facts.location);
        if (!collector.collect(raw->stmt, facts)) {
            out.statements.clear();
            out.error = AnalysisError{collector.error(), facts.location};
            return;
        }
        out.statements.push_back(std::move(facts));
    }
    out.inertConstants = b.constants.inert();
}

} // namespace

std::optional<AnalysisError> textProblem(std::string_view sql)
{
    if (sql.size() > kMaxAnalyzeBytes)
        return refusal("the text is " + std::to_string(sql.size()) + " bytes, more than the limit of "
                       + std::to_string(kMaxAnalyzeBytes));
    if (const void *nul = std::memchr(sql.data(), '\0', sql.size()))
        return refusal("the text contains a NUL byte", static_cast<int>(static_cast<const char *>(nul) - sql.data()));
    if (const auto bad = findInvalidUtf8(sql))
        return refusal("the text is not valid UTF-8", static_cast<int>(*bad));
    return std::nullopt;
}

Analysis analyze(std::string_view sql, const catalog::Catalog &catalog, const AnalyzeOptions &options)
{
    Analysis out;
    try {
        if (const std::string &problem = detail::rawLayoutProblem(); !problem.empty()) {
            out.error = refusal(problem);
            return out;
        }
        detail::NestingEstimate nesting;
        if (auto e = precheck(sql, nesting)) {
            out.error = std::move(e);
            return out;
        }
        std::exception_ptr failure;
        const bool ran = withStackFor(nesting, [&] {
            try {
                analyzeParsed(sql, catalog, options, out);
            } catch (...) {
                failure = std::current_exception();
            }
        });
        if (!ran)
            out.error = refusal("no thread with a large enough stack could be started for this deeply nested statement");
        if (failure)
            std::rethrow_exception(failure);
    } catch (const std::bad_alloc &) {
        out = Analysis{};
        out.error = refusal("out of memory");
    } catch (const std::exception &e) {
        out = Analysis{};
        out.error = refusal(std::string("internal error: ") + e.what());
    } catch (...) {
        out = Analysis{};
        out.error = refusal("internal error");
    }
    return out;
}

std::optional<std::uint64_t> fingerprint(std::string_view sql)
{
    try {
        detail::NestingEstimate nesting;
        if (precheck(sql, nesting))
            return std::nullopt;
        std::optional<std::uint64_t> out;
        withStackFor(nesting, [&] {
            try {
                std::string text(sql);
                PgQueryFingerprintResult r = pg_query_fingerprint(text.c_str());
                if (!r.error)
                    out = r.fingerprint;
                pg_query_free_fingerprint_result(r);
            } catch (...) {
                out.reset();
            }
        });
        return out;
    } catch (...) {
        return std::nullopt;
    }
}

std::string normalize(std::string_view sql)
{
    try {
        detail::NestingEstimate nesting;
        if (precheck(sql, nesting))
            return {};
        std::string out;
        withStackFor(nesting, [&] {
            try {
                const std::string text(sql);
                PgQueryNormalizeResult n = pg_query_normalize(text.c_str());
                if (!n.error && n.normalized_query)
                    out = n.normalized_query;
                pg_query_free_normalize_result(n);
            } catch (...) {
                out.clear();
            }
        });
        return out;
    } catch (...) {
        return {};
    }
}

} // namespace writ::sql
