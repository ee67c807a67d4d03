// SPDX-License-Identifier: Apache-2.0
// The pull-request comment: a summary line, one table of changes per agent / task type, the blast
// radius before and after, and the witnesses. Every value from the policy is a code span, so no
// filter or free text can turn into Markdown (or break a table with a '|').
#include "review/format_util.h"
#include "review/review_format.h"

#include <algorithm>
#include <sstream>

namespace writ::review {

using namespace detail;

namespace {

/// `text` as an inline code span (line breaks become spaces).
std::string code(const std::string &text)
{
    std::string s = text;
    for (auto &c : s)
        if (c == '\n' || c == '\r' || c == '\t')
            c = ' ';
    // A code span is delimited by a backtick run longer than any run inside it.
    std::size_t longest = 0, run = 0;
    for (const char c : s) {
        run = c == '`' ? run + 1 : 0;
        longest = std::max(longest, run);
    }
    const std::string fence(longest + 1, '`');
    const bool pad = longest > 0 || s.empty() || s.front() == ' ' || s.back() == ' ';
    return pad ? fence + " " + s + " " + fence : fence + s + fence;
}

/// A code span inside a table cell: GitHub splits cells at '|' before it reads code spans, and
/// turns "\|" back into '|' inside them, so a filter with `||` stays in its cell.
std::string cellCode(const std::string &text)
{
    std::string s;
    for (const char c : text)
        s += c == '|' ? std::string("\\|") : std::string(1, c);
    return code(s);
}

/// Our own sentences may still carry a '|' from a name: keep table cells intact.
std::string cell(const std::string &text)
{
    std::string out;
    for (const char c : text)
        out += c == '|' ? std::string("\\|") : std::string(1, c);
    return out;
}

std::string riskCell(Risk r)
{
    return r == Risk::Widens ? "**widens**" : toString(r);
}

std::string where(const Change &c)
{
    switch (c.level()) {
    case Level::Policy:
        return "policy";
    case Level::Agent:
        return "agent";
    case Level::Task:
        return "task";
    case Level::Scope:
        return cellCode(c.relation);
    }
    return {};
}

void changesTable(std::ostream &out, const ReviewGroup &g)
{
    out << "| where | change | risk | why |\n|---|---|---|---|\n";
    for (const auto &c : g.changes)
        out << "| " << where(c) << " | " << marker(c.kind) << " " << cellCode(changeLabel(c)) << ": " << changeValue(c, cellCode)
            << " | " << riskCell(c.risk) << " | " << cell(c.why) << " |\n";
    // The reasons the policy gives for the scopes that changed, once per scope.
    std::vector<std::string> seen;
    for (const auto &c : g.changes) {
        if (c.reason.empty() || std::find(seen.begin(), seen.end(), c.relation) != seen.end())
            continue;
        if (seen.empty())
            out << "\n";
        seen.push_back(c.relation);
        out << "- reason for " << code(c.relation) << ": " << code(c.reason) << "\n";
    }
}

void blastTable(std::ostream &out, const Review &review, const ReviewGroup &g)
{
    auto field = [&](const std::optional<BlastRadius> &b, auto &&text) { return b ? text(*b) : std::string("—"); };
    auto row = [&](const char *name, const std::string &before, const std::string &after) {
        out << "| " << name << " | " << before << " | " << after << " |\n";
    };
    out << "\n**Blast radius**\n\n| | before | after |\n|---|---|---|\n";
    row("relations", field(g.before, [](const BlastRadius &b) { return std::to_string(b.relations.size()); }),
        field(g.after, [](const BlastRadius &b) { return std::to_string(b.relations.size()); }));
    row("columns", field(g.before, columnsText), field(g.after, columnsText));
    row("classified columns", field(g.before, [](const BlastRadius &b) { return std::to_string(b.classified.size()); }),
        field(g.after, [](const BlastRadius &b) { return std::to_string(b.classified.size()); }));
    auto rows = [&](const BlastRadius &b) { return rowsText(b, review.catalogUsed); };
    row("rows (estimate)", field(g.before, rows), field(g.after, rows));
    row("writes", field(g.before, [](const BlastRadius &b) { return cell(writesText(b)); }),
        field(g.after, [](const BlastRadius &b) { return cell(writesText(b)); }));
    const auto gained = classifiedDifference(g.before, g.after);
    const auto lost = classifiedDifference(g.after, g.before);
    if (!gained.empty() || !lost.empty()) {
        out << "\n";
        for (const auto &line : gained)
            out << "- classified column in reach: " << code(line) << "\n";
        for (const auto &line : lost)
            out << "- classified column out of reach: " << code(line) << "\n";
    }
}

std::string heading(const ReviewGroup &g)
{
    switch (g.level()) {
    case Level::Policy:
        return "Policy";
    case Level::Agent:
        return "Agent " + code(g.agent);
    default:
        return code(g.agent) + " / " + code(g.task);
    }
}

void impactSection(std::ostream &out, const ImpactReplay &impact)
{
    out << "\n### Impact replay\n\n"
        << code(impact.file) << ": **" << impactSummary(impact) << "**\n";
    if (!impact.catalogUsed)
        out << "\nDecided without a catalog: give `--db` or `--catalog` for the decisions the gateway makes.\n";
    if (impact.withoutQuery > 0)
        out << "\n" << impact.withoutQuery << " records without statement text were not replayed.\n";
    if (impact.changes.empty())
        return;
    out << "\n| agent / task | verdict | statements | example | why |\n|---|---|---|---|---|\n";
    for (const auto &c : impact.changes) {
        const std::string verdict = verdictChangeText(c);
        out << "| " << cellCode(c.agent) << " / " << cellCode(c.taskType) << " | " << (c.breaks() ? "**" + cell(verdict) + "**" : cell(verdict))
            << " | " << statementCountText(c) << " | " << cellCode(c.example) << " | " << cell(c.message) << " |\n";
    }
}

} // namespace

std::string formatMarkdown(const Review &review)
{
    std::ostringstream out;
    out << "## Policy review: " << code(review.policyName) << "\n\n"
        << code(review.oldLabel) << " → " << code(review.newLabel) << "\n\n";
    if (review.diff.empty()) {
        out << "**No changes**: both versions mean the same (formatting, comments and list order aside).\n";
        if (review.impact)
            impactSection(out, *review.impact);
        return out.str();
    }
    out << "**" << summaryLine(review.diff) << "**\n";
    for (const auto &g : review.groups) {
        out << "\n### " << heading(g) << "\n\n";
        changesTable(out, g);
        if (g.level() != Level::Task)
            continue;
        blastTable(out, review, g);
        const auto witnesses = witnessesOf(review, g);
        if (!witnesses.empty()) {
            out << "\n**Witness** on database " << code(review.database) << "\n\n";
            for (const Witness *w : witnesses)
                out << "- " << code(w->relation) << ": " << witnessSentence(*w, code) << "\n";
        }
    }
    if (review.witnessed && review.witnesses.empty())
        out << "\n**Witness** on database " << code(review.database) << ": no widened rows or columns to show.\n";
    if (review.impact)
        impactSection(out, *review.impact);
    return out.str();
}

} // namespace writ::review
