// SPDX-License-Identifier: Apache-2.0
// writ diff OLD NEW [--format text|markdown|json] [--db URL | --catalog FILE] [--ctx k=v ...]
//                   [--audit FILE [--audit-limit N]] [-o FILE]
// — what a policy change means: each change with its risk direction, the blast radius of every
// changed task before and after, with --db what the widenings reach on real data, and with --audit
// which recently audited statements the change would decide differently.
#include "commands.h"
#include "output.h"

#include "catalog/catalog_error.h"
#include "catalog/catalog_json.h"
#include "catalog/introspector.h"
#include "common/file_io.h"
#include "policy/policy_loader.h"
#include "review/git_show.h"
#include "review/impact_replay.h"
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
    std::string oldSource, newSource, format = "text", db, catalog, output, audit;
    std::size_t auditLimit = review::kDefaultAuditLimit;
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

    review::Review result = review::reviewVersions(oldPolicy, oldVersion.result.sources, o.oldSource, newPolicy,
        newVersion.result.sources, o.newSource, cat ? &*cat : nullptr);
    const bool changed = !result.diff.empty();

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

    if (!o.audit.empty()) {
        const review::AuditSample sample = review::readAuditStatements(o.audit, o.auditLimit);
        if (!sample.error.empty()) {
            std::cerr << "writ diff: cannot read the audit file " << o.audit << ": " << sample.error << "\n";
            return ExitEnvironment;
        }
        std::shared_ptr<const catalog::Catalog> shared;
        if (cat) {
            auto indexed = std::make_shared<catalog::Catalog>(*cat);
            indexed->reindex();
            shared = std::move(indexed);
        }
        result.impact = review::replayImpact(sample, std::make_shared<const policy::Policy>(oldPolicy),
            std::make_shared<const policy::Policy>(newPolicy), std::move(shared));
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
        "changed tasks, with --db the rows and columns a widening reaches, and with --audit the recent statements whose verdict "
        "would change (exit 0: same, 2: different)");
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
    auto *audit = cmd->add_option("--audit", opts->audit,
        "A gateway audit file (JSON lines): decide its recent statements with both versions and report those whose verdict "
        "changes, by agent and rule");
    cmd->add_option("--audit-limit", opts->auditLimit, "How many of the audit file's last decision records to replay (default 10000)")
        ->check(CLI::Range(std::size_t {1}, std::size_t {10000000}))
        ->needs(audit);
    cmd->add_option("-o,--output", opts->output, "Write the review to this file instead of standard output");
    cmd->callback([opts, &exitCode] { exitCode = run(*opts); });
}

} // namespace writ::cli
