// SPDX-License-Identifier: Apache-2.0
// The terminal form: a tree of agent > task > relation > change, each change with its risk, the
// rule behind it and where it is in the file; then the blast radius and witnesses of the task.
#include "review/format_util.h"
#include "review/review_format.h"

#include <algorithm>
#include <sstream>

namespace writ::review {

using namespace detail;

namespace {

std::string plain(const std::string &s)
{
    std::string out = s;
    for (auto &c : out)
        if (c == '\n' || c == '\r' || c == '\t')
            c = ' ';
    return out;
}

void printChange(std::ostream &out, const Change &c, const std::string &indent)
{
    out << indent << marker(c.kind) << " " << changeLabel(c) << ": " << changeValue(c, plain) << "  [" << toString(c.risk)
        << "]\n";
    out << indent << "    " << c.why;
    if (c.location.isKnown())
        out << " (" << c.location.file << ":" << c.location.line << ":" << c.location.column << ")";
    out << "\n";
}

void printRow(std::ostream &out, const std::string &indent, const char *name, const std::string &before, const std::string &after)
{
    std::string label = name;
    label.resize(std::max<std::size_t>(label.size(), 12), ' ');
    out << indent << label << before << (before == after ? " (same)" : " → " + after) << "\n";
}

void printBlast(std::ostream &out, const Review &review, const ReviewGroup &g)
{
    const std::string indent = "      ";
    auto field = [&](const std::optional<BlastRadius> &b, auto &&text) { return b ? text(*b) : std::string("-"); };
    out << "    blast radius (" << (g.before ? "before" : "new task") << (g.after ? " → after" : " → removed") << ")\n";
    printRow(out, indent, "relations", field(g.before, [](const BlastRadius &b) { return std::to_string(b.relations.size()); }),
        field(g.after, [](const BlastRadius &b) { return std::to_string(b.relations.size()); }));
    printRow(out, indent, "columns", field(g.before, columnsText), field(g.after, columnsText));
    printRow(out, indent, "classified", field(g.before, [](const BlastRadius &b) { return std::to_string(b.classified.size()); }),
        field(g.after, [](const BlastRadius &b) { return std::to_string(b.classified.size()); }));
    for (const auto &line : classifiedDifference(g.before, g.after))
        out << indent << "  + " << line << "\n";
    for (const auto &line : classifiedDifference(g.after, g.before))
        out << indent << "  - " << line << "\n";
    auto rows = [&](const BlastRadius &b) { return rowsText(b, review.catalogUsed); };
    printRow(out, indent, "rows", field(g.before, rows), field(g.after, rows));
    printRow(out, indent, "writes", field(g.before, writesText), field(g.after, writesText));
}

void printImpact(std::ostream &out, const ImpactReplay &impact)
{
    out << "\nimpact replay (audit " << impact.file << ")\n  " << impactSummary(impact) << "\n";
    if (!impact.catalogUsed)
        out << "  decided without a catalog (give --db or --catalog for the decisions the gateway makes)\n";
    if (impact.withoutQuery > 0)
        out << "  " << impact.withoutQuery << " records without statement text were not replayed\n";
    std::string group;
    for (const auto &c : impact.changes) {
        if (c.agent + "/" + c.taskType != group)
            out << "  " << c.agent << " / " << c.taskType << "\n";
        group = c.agent + "/" + c.taskType;
        out << "    " << verdictChangeText(c) << "  " << statementCountText(c) << ", e.g. " << plain(c.example) << "\n";
        if (!c.message.empty())
            out << "        " << plain(c.message) << "\n";
    }
}

} // namespace

std::string formatText(const Review &review)
{
    std::ostringstream out;
    out << "Policy review of " << review.policyName << ": " << review.oldLabel << " → " << review.newLabel << "\n";
    if (review.diff.empty()) {
        out << "No changes: both versions mean the same (formatting, comments and list order aside).\n";
        if (review.impact)
            printImpact(out, *review.impact);
        return out.str();
    }
    out << summaryLine(review.diff) << "\n";
    std::string agent;
    for (const auto &g : review.groups) {
        out << "\n";
        if (g.level() == Level::Policy) {
            out << "policy\n";
            for (const auto &c : g.changes)
                printChange(out, c, "  ");
            continue;
        }
        if (g.agent != agent || g.level() == Level::Agent)
            out << "agent " << g.agent << "\n";
        agent = g.agent;
        if (g.level() == Level::Agent) {
            for (const auto &c : g.changes)
                printChange(out, c, "  ");
            continue;
        }
        out << "  task " << g.task << "\n";
        std::string relation;
        for (const auto &c : g.changes) {
            if (c.relation.empty()) {
                printChange(out, c, "    ");
                continue;
            }
            if (c.relation != relation)
                out << "    " << c.relation << (c.reason.empty() ? std::string() : " — reason: " + plain(c.reason)) << "\n";
            relation = c.relation;
            printChange(out, c, "      ");
        }
        printBlast(out, review, g);
        const auto witnesses = witnessesOf(review, g);
        if (!witnesses.empty()) {
            out << "    witness (database " << review.database << ")\n";
            for (const Witness *w : witnesses)
                out << "      " << w->relation << ": " << witnessSentence(*w, plain) << "\n";
        }
    }
    if (review.witnessed && review.witnesses.empty())
        out << "\nwitness (database " << review.database << "): no widened rows or columns to show\n";
    if (review.impact)
        printImpact(out, *review.impact);
    return out.str();
}

} // namespace writ::review
