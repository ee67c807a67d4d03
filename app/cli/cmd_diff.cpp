// SPDX-License-Identifier: Apache-2.0
// writ diff OLD NEW [--format text|markdown|json] [--db URL | --catalog FILE] [--ctx k=v ...] [-o FILE]
// — what a policy change means: each change with its risk direction, the blast radius of every
// changed task before and after, and with --db what the widenings reach on real data.
#include "commands.h"
#include "output.h"

#include "catalog/catalog_error.h"
#include "catalog/catalog_json.h"
#include "catalog/introspector.h"
#include "common/file_io.h"
#include "policy/policy_loader.h"
#include "review/git_show.h"
#include "review/policy_diff.h"
#include "review/review.h"
#include "review/review_format.h"
#include "review/witness.h"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <cctype>
#include <iostream>
#include <map>

namespace writ::cli {

namespace {

struct DiffOptions
{
    std::string oldSource, newSource, format = "text", db, catalog, output;
    std::vector<std::string> ctx;
};

/// A policy version read from a file or from git, or the exit code that reading it ended with.
struct Loaded
{
    policy::LoadResult result;
    int failure = ExitOk;
};

Loaded loadSource(const std::string &source)
{
    Loaded l;
    std::string text;
    if (review::isGitSource(source)) {
        std::string error;
        const auto git = review::parseGitSource(source, error);
        if (!git) {
            std::cerr << "writ diff: " << error << "\n";
            l.failure = ExitUsage;
            return l;
        }
        try {
            text = review::gitShow(*git, policy::kMaxPolicyBytes);
        } catch (const review::GitError &e) {
            std::cerr << "writ diff: " << e.what() << "\n";
            l.failure = ExitEnvironment;
            return l;
        }
    } else {
        std::string error;
        auto content = readTextFile(source, error, policy::kMaxPolicyBytes);
        if (!content) {
            std::cerr << "writ diff: cannot read " << source << ": " << error << "\n";
            l.failure = ExitEnvironment;
            return l;
        }
        text = std::move(*content);
    }
    // Diagnostics name the source as given, so a git version reads "git:REV:path:line:col".
    l.result = policy::loadPolicy(text, source);
    return l;
}

/// "k=v" pairs; nullopt (after saying why) on a malformed or repeated key.
std::optional<std::map<std::string, std::string>> parseContext(const std::vector<std::string> &pairs)
{
    std::map<std::string, std::string> out;
    for (const auto &pair : pairs) {
        const auto eq = pair.find('=');
        const std::string key = pair.substr(0, eq);
        const bool identifier
            = !key.empty() && std::all_of(key.begin(), key.end(), [](unsigned char c) { return std::isalnum(c) || c == '_'; });
        if (eq == std::string::npos || !identifier) {
            std::cerr << "writ diff: --ctx '" << pair
                      << "' is not KEY=VALUE with a context key name, e.g. --ctx customer_id=42\n";
            return std::nullopt;
        }
        if (!out.emplace(key, pair.substr(eq + 1)).second) {
            std::cerr << "writ diff: --ctx " << key << " is given twice\n";
            return std::nullopt;
        }
    }
    return out;
}

int run(const DiffOptions &o)
{
    const auto context = parseContext(o.ctx);
    if (!context)
        return ExitUsage;
    Loaded oldVersion = loadSource(o.oldSource);
    if (oldVersion.failure != ExitOk)
        return oldVersion.failure;
    Loaded newVersion = loadSource(o.newSource);
    if (newVersion.failure != ExitOk)
        return newVersion.failure;
    if (!oldVersion.result.ok() || !newVersion.result.ok()) {
        for (const Loaded *l : {&oldVersion, &newVersion}) {
            Diagnostics d = l->result.diagnostics;
            d.sortByLocation();
            printDiagnostics(std::cerr, d, "text");
            if (!l->result.ok())
                std::cerr << l->result.sources.file << ": FAILED (" << summary(d) << ")\n";
        }
        std::cerr << "writ diff: fix the errors first; a policy that does not load has no meaning to compare\n";
        return ExitDiagnostics;
    }
    const policy::Policy &oldPolicy = oldVersion.result.policy;
    const policy::Policy &newPolicy = newVersion.result.policy;

    std::optional<catalog::Catalog> cat;
    try {
        if (!o.db.empty())
            cat = catalog::introspect(o.db);
        else if (!o.catalog.empty())
            cat = catalog::loadCatalogFile(o.catalog);
    } catch (const catalog::CatalogError &e) {
        std::cerr << "writ diff: " << e.what() << "\n";
        return ExitEnvironment;
    }

    review::PolicyDiff diff = review::diffPolicies(oldPolicy, newPolicy);
    review::locateChanges(diff, oldVersion.result.sources, newVersion.result.sources);
    const bool changed = !diff.empty();
    review::Review result = review::buildReview(oldPolicy, newPolicy, std::move(diff), cat ? &*cat : nullptr);
    result.oldLabel = o.oldSource;
    result.newLabel = o.newSource;

    if (!o.ctx.empty() && o.db.empty())
        std::cerr << "writ diff: note: --ctx values are used only by the witness, which needs --db\n";
    for (const auto &[key, value] : *context)
        if (!oldPolicy.findContextKey(key) && !newPolicy.findContextKey(key))
            std::cerr << "writ diff: note: --ctx " << key << " is not a context key of either policy\n";
    if (!o.db.empty()) {
        result.witnessed = true;
        result.database = cat->database;
        result.witnesses = review::planWitnesses(oldPolicy, newPolicy, *cat, *context);
        try {
            review::runWitnesses(result.witnesses, o.db, *context);
        } catch (const review::WitnessError &e) {
            std::cerr << "writ diff: " << e.what() << "\n";
            return ExitEnvironment;
        }
    }

    const std::string text = o.format == "json" ? review::formatJson(result)
        : o.format == "markdown"                ? review::formatMarkdown(result)
                                                : review::formatText(result);
    if (o.output.empty()) {
        std::cout << text;
    } else {
        std::string error;
        if (!writeFileAtomically(o.output, text, error)) {
            std::cerr << "writ diff: cannot write " << o.output << ": " << error << "\n";
            return ExitEnvironment;
        }
    }
    return changed ? ExitChanges : ExitOk;
}

} // namespace

void registerDiff(CLI::App &app, int &exitCode)
{
    auto opts = std::make_shared<DiffOptions>();
    CLI::App *cmd = app.add_subcommand("diff",
        "Show what a policy change means: each change with its risk (widens, narrows, neutral), the blast radius of "
        "changed tasks, and with --db the rows and columns a widening reaches (exit 0: same, 2: different)");
    cmd->add_option("old", opts->oldSource, "The old policy: a file, or git:REV:path (e.g. git:HEAD~1:policy.writ.yaml)")
        ->required();
    cmd->add_option("new", opts->newSource, "The new policy: a file, or git:REV:path")->required();
    cmd->add_option("--format", opts->format, "Output format")->check(CLI::IsMember({"text", "markdown", "json"}));
    auto *db = cmd->add_option("--db", opts->db,
        "libpq URI or conninfo: expand the blast radius against this database and run read-only witnesses on it");
    cmd->add_option("--catalog", opts->catalog, "Catalog snapshot (from `writ catalog`) for the blast radius, without a database")
        ->excludes(db);
    cmd->add_option("--ctx", opts->ctx, "A context value for the witness, KEY=VALUE (repeatable), e.g. --ctx customer_id=42")
        ->allow_extra_args(false);
    cmd->add_option("-o,--output", opts->output, "Write the review to this file instead of standard output");
    cmd->callback([opts, &exitCode] { exitCode = run(*opts); });
}

} // namespace writ::cli
