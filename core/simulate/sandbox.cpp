// SPDX-License-Identifier: Apache-2.0
#include "simulate/sandbox.h"

#include "catalog/catalog_error.h"
#include "catalog/introspector.h"
#include "compile/sql_quote.h"
#include "simulate/row_estimate.h"
#include "simulate/sandbox_setup.h"
#include "sql/analyzer.h"
#include "tasks/scram.h"

#include <pqxx/pqxx>

#include <algorithm>
#include <cctype>
#include <set>

namespace writ::simulate {

using compile::quoteIdent;
using Clock = std::chrono::steady_clock;

// Savepoints are pqxx subtransactions: an error inside one rolls back to its savepoint and leaves the
// enclosing transaction usable (in a plain pqxx transaction any error aborts it altogether). Every
// statement of the request goes through exec_params, the extended protocol, which PostgreSQL runs as
// exactly one statement whatever the text holds.

namespace {

/// Why the sandbox will not run `analysis`, or nullopt when it will. The sandbox owns the transaction
/// (so no transaction control, and one statement at a time), talks to PostgreSQL with plain queries (so
/// no COPY to or from the client), and runs in a superuser's session, where PostgreSQL would let a
/// statement switch to any role: those are refused rather than shown with a superuser's results.
std::optional<std::string> refusal(const sql::Analysis &analysis)
{
    if (!analysis.ok())
        return "the statement does not parse: " + analysis.error->message;
    if (analysis.statements.empty())
        return std::string("there is no statement to run");
    if (analysis.statements.size() > 1)
        return "the text holds " + std::to_string(analysis.statements.size())
             + " statements: the sandbox runs one statement at a time, in a transaction it owns";
    const sql::StatementFacts &f = analysis.statements.front();
    if (f.kind == sql::StatementClass::Transaction || f.nodeType == "TransactionStmt")
        return std::string("transaction control cannot run in the sandbox: it owns the transaction and always rolls it back");
    if (f.copy && !f.copy->serverFile && !f.copy->program)
        return std::string("COPY to or from the client cannot run in the sandbox; try the query alone");
    for (const auto &s : f.settings)
        if (s.name == "session_authorization" || (s.kind == sql::SettingUse::Kind::SetConfig && s.name.empty()))
            return std::string("a statement that may change the session authorization cannot run in the sandbox: its session is a "
                               "superuser's, which PostgreSQL would let switch to any role");
    return std::nullopt;
}

/// The statement alone, for wrapping into DECLARE or a count: no trailing semicolon or blanks.
std::string statementText(const sql::StatementFacts &f, const std::string &sql)
{
    std::string t = f.text.empty() ? sql : f.text;
    while (!t.empty() && (t.back() == ';' || std::isspace(static_cast<unsigned char>(t.back()))))
        t.pop_back();
    return t;
}

/// Rows a result returned, or the rows a write touched.
std::int64_t countOf(const pqxx::result &r, bool write)
{
    if (r.columns() > 0 && !write)
        return static_cast<std::int64_t>(r.size());
    return static_cast<std::int64_t>(r.affected_rows());
}

void keepRows(const pqxx::result &r, std::size_t maxRows, SandboxResult &out)
{
    if (out.columns.empty())
        for (pqxx::row::size_type c = 0; c < r.columns(); ++c)
            out.columns.emplace_back(r.column_name(c));
    for (const auto &row : r) {
        if (out.rows.size() >= maxRows)
            break;
        std::vector<std::optional<std::string>> values;
        for (const auto &field : row)
            values.push_back(field.is_null() ? std::nullopt : std::optional<std::string>(field.c_str()));
        out.rows.push_back(std::move(values));
    }
}

/// Takes the savepoint now. libpqxx 6.4 sends SAVEPOINT lazily, on a subtransaction's first exec(), and
/// exec_params() does not trigger it: a failing exec_params() first in a subtransaction would abort the
/// enclosing transaction instead of rolling back to the savepoint.
void takeSavepoint(pqxx::subtransaction &s)
{
    s.exec("SELECT 1");
}

/// What one run needs to know about its statement.
struct Statement
{
    std::string sql;  ///< as given, run as is when it is not wrapped
    std::string text; ///< the statement alone, for wrapping
    bool cursor = false;
    bool write = false;
    bool countable = false; ///< a read or a write: worth running without the policy too
    const sql::StatementFacts *facts = nullptr;
};

/// Counts `s` without the policy, in a savepoint that is rolled back, as `unrestricted`: a role that
/// bypasses row-level security and is given every privilege on the relations, schemas and functions
/// the statement names — but is no superuser. Counting as the connecting superuser itself would let a
/// statement the task could never run (pg_terminate_backend of other sessions, COPY ... PROGRAM,
/// server file functions) reach outside the transaction.
void countWithoutPolicy(pqxx::dbtransaction &parent, const Statement &s, const std::string &unrestricted, SandboxResult &out)
{
    pqxx::subtransaction admin(parent, "writ_sandbox_unrestricted");
    takeSavepoint(admin);
    try {
        const std::string role = quoteIdent(unrestricted);
        std::set<std::string> schemas;
        for (const auto &r : s.facts->relations) {
            if (!r.found || r.system)
                continue;
            admin.exec("GRANT ALL ON TABLE " + compile::quoteQualified(r.schema, r.name) + " TO " + role);
            schemas.insert(r.schema);
        }
        for (const auto &f : s.facts->functions)
            if (f.found && f.schema != "pg_catalog")
                admin.exec("GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA " + quoteIdent(f.schema) + " TO " + role);
        for (const auto &schema : schemas) {
            admin.exec("GRANT USAGE ON SCHEMA " + quoteIdent(schema) + " TO " + role);
            admin.exec("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA " + quoteIdent(schema) + " TO " + role); // column defaults
        }
        admin.exec("SET LOCAL SESSION AUTHORIZATION " + role);
        if (s.cursor)
            out.rowsWithoutPolicy = admin.exec_params1("SELECT count(*) FROM (\n" + s.text + "\n) AS writ_sandbox_rows")[0].as<std::int64_t>();
        else
            out.rowsWithoutPolicy = countOf(admin.exec_params(s.sql), s.write);
        admin.abort(); // a write counted here must not be seen by the task's run
    } catch (const pqxx::broken_connection &) {
        throw;
    } catch (const pqxx::sql_error &e) {
        out.withoutPolicyError = detail::serverMessage(e);
    }
}

/// Runs `s` as the task's role in a savepoint that is rolled back, fetching at most maxRows rows.
void runAsTask(pqxx::dbtransaction &parent, const detail::SandboxTask &task, const Statement &s, const SandboxOptions &options,
               SandboxResult &out)
{
    pqxx::subtransaction asTask(parent, "writ_sandbox_statement");
    takeSavepoint(asTask);
    // session_user becomes the JIT role, so writ.ctx() finds the task; SET LOCAL ends with the savepoint.
    asTask.exec("SET LOCAL SESSION AUTHORIZATION " + quoteIdent(task.role));
    if (!task.searchPath.empty())
        asTask.exec("SET LOCAL search_path = " + task.searchPath);
    if (options.explain) {
        pqxx::subtransaction explain(asTask, "writ_sandbox_explain");
        takeSavepoint(explain);
        try {
            const pqxx::result r = explain.exec_params("EXPLAIN (FORMAT JSON)\n" + s.text);
            if (!r.empty())
                out.estimatedRows = planRowsFromExplainJson(r[0][0].c_str());
            if (!out.estimatedRows)
                out.estimateError = "EXPLAIN gave no row estimate";
            explain.abort();
        } catch (const pqxx::broken_connection &) {
            throw;
        } catch (const pqxx::sql_error &e) {
            out.estimateError = detail::serverMessage(e);
        }
    }
    const Clock::time_point start = Clock::now();
    try {
        if (s.cursor) {
            // A cursor fetches only the rows shown and counts the rest on the server.
            asTask.exec_params("DECLARE writ_sandbox_rows NO SCROLL CURSOR FOR\n" + s.text);
            if (options.maxRows > 0) {
                const pqxx::result first = asTask.exec("FETCH FORWARD " + std::to_string(options.maxRows) + " FROM writ_sandbox_rows");
                keepRows(first, options.maxRows, out);
                out.visibleRows = static_cast<std::int64_t>(first.size());
            }
            out.visibleRows += static_cast<std::int64_t>(asTask.exec("MOVE FORWARD ALL IN writ_sandbox_rows").affected_rows());
        } else {
            const pqxx::result r = asTask.exec_params(s.sql);
            keepRows(r, options.maxRows, out);
            out.visibleRows = countOf(r, s.write);
        }
        out.duration = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - start);
        const std::string who = asTask.exec1("SELECT session_user")[0].as<std::string>();
        asTask.abort();
        if (who != task.role) {
            out.outcome = SandboxResult::Outcome::NotRun;
            out.error = "the statement changed the session authorization to " + who
                      + ": its results would be that role's, so the sandbox discarded them";
            out.columns.clear();
            out.rows.clear();
            out.visibleRows = 0;
        } else {
            out.outcome = SandboxResult::Outcome::Succeeded;
        }
    } catch (const pqxx::broken_connection &) {
        throw;
    } catch (const pqxx::sql_error &e) {
        // The savepoint is rolled back: by libpqxx after a failed exec(), by the destructor after exec_params().
        out.duration = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - start);
        out.outcome = SandboxResult::Outcome::Failed;
        out.sqlstate = detail::sqlstateOf(e);
        out.error = detail::serverMessage(e);
        out.columns.clear();
        out.rows.clear();
        out.visibleRows = 0;
    }
}

} // namespace

struct Sandbox::Impl
{
    std::string uri;
    std::shared_ptr<const policy::Policy> policy;
    std::shared_ptr<const catalog::Catalog> catalog;
    policy::SourceMap sources;
    // Destroyed in reverse order: the error handler before the connection it is registered with.
    std::unique_ptr<pqxx::connection> conn;
    std::unique_ptr<pqxx::quiet_errorhandler> quiet;
    std::optional<detail::DraftFloor> draft;

    void connect();
    void close();
};

void Sandbox::Impl::connect()
{
    close();
    try {
        conn = std::make_unique<pqxx::connection>(catalog::withConnectTimeout(uri));
        quiet = std::make_unique<pqxx::quiet_errorhandler>(*conn); // NOTICEs of the draft and of the statement
        pqxx::nontransaction check(*conn);
        if (!check.exec1("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")[0].as<bool>())
            throw SandboxError("the sandbox needs a superuser connection: it becomes the task's role with SET SESSION "
                               "AUTHORIZATION, which only a superuser may do; connect as one (e.g. postgres)",
                               SandboxError::Kind::Environment);
    } catch (const SandboxError &) {
        close();
        throw;
    } catch (const catalog::CatalogError &e) {
        close();
        throw SandboxError(e.what(), SandboxError::Kind::Environment);
    } catch (const std::exception &e) {
        close();
        throw SandboxError("could not connect: " + detail::serverMessage(e), SandboxError::Kind::Environment);
    }
}

void Sandbox::Impl::close()
{
    quiet.reset();
    conn.reset();
}

Sandbox::Sandbox(std::string connectionUri, std::shared_ptr<const policy::Policy> policy, std::shared_ptr<const catalog::Catalog> catalog,
                 policy::SourceMap sources)
    : d(std::make_unique<Impl>())
{
    d->uri = std::move(connectionUri);
    d->policy = std::move(policy);
    d->catalog = std::move(catalog);
    d->sources = std::move(sources);
}

Sandbox::~Sandbox()
{
    d->close();
}

const compile::Plan *Sandbox::draftPlan() const
{
    return d->draft ? &d->draft->plan : nullptr;
}

SandboxResult Sandbox::run(const SandboxRequest &request, const SandboxOptions &options)
{
    SandboxResult result;
    const sql::Analysis analysis = sql::analyze(request.sql, *d->catalog);
    if (auto why = refusal(analysis)) {
        result.error = *why;
        return result;
    }
    Statement s;
    s.facts = &analysis.statements.front();
    s.sql = request.sql;
    s.text = statementText(*s.facts, request.sql);
    s.write = s.facts->kind == sql::StatementClass::Write;
    // DECLARE takes plain SELECTs only (no data-modifying WITH, no EXPLAIN, no SELECT INTO).
    s.cursor = s.facts->kind == sql::StatementClass::Read && s.facts->nodeType == "SelectStmt" && !s.facts->explain;
    s.countable = (s.facts->kind == sql::StatementClass::Read || s.write) && s.facts->prepareName.empty() && s.facts->executeName.empty()
               && s.facts->nodeType != "PrepareStmt";
    result.write = s.write;
    const auto timeout = std::max(options.statementTimeout, std::chrono::milliseconds(1));

    // Each run is one transaction, rolled back at the end: the draft's locks (enabling row-level
    // security takes ACCESS EXCLUSIVE) last one run, not the whole session. The draft is planned once
    // per session; if the database changed since, its steps fail and it is planned again, once. A
    // connection that died since the last run is opened again, once.
    bool replanned = false, reconnected = false;
    for (;;) {
        if (!d->conn)
            d->connect();
        if (!d->draft)
            d->draft = detail::planDraftFloor(d->uri, *d->policy, d->sources, *d->catalog);
        try {
            {
                pqxx::work tx(*d->conn, "writ_sandbox");
                try {
                    detail::applyDraftFloor(tx, *d->draft, timeout);
                } catch (const SandboxError &e) {
                    if (e.kind() != SandboxError::Kind::Refused || replanned)
                        throw;
                    replanned = true;
                    d->draft.reset();
                    continue; // the transaction rolls back as it goes out of scope
                }
                const detail::SandboxTask task = detail::startSandboxTask(tx, *d->policy, request);
                result.taskRole = task.role;
                result.taskId = task.id;
                tx.exec("SET LOCAL statement_timeout = " + std::to_string(timeout.count()));
                // Only reads and writes have rows to count; running anything else twice could let the first
                // run change what the second sees (PREPARE, for one, is not undone by a rollback).
                if (options.countWithoutPolicy && s.countable) {
                    // Roles are cluster-wide: a random name keeps concurrent sandboxes from waiting on each other.
                    const std::string unrestricted = "writ_sandbox_" + tasks::randomHex(6);
                    tx.exec("CREATE ROLE " + quoteIdent(unrestricted) + " NOLOGIN NOSUPERUSER BYPASSRLS");
                    countWithoutPolicy(tx, s, unrestricted, result);
                }
                runAsTask(tx, task, s, options, result);
                tx.abort();
            }
            if (s.facts->nodeType == "PrepareStmt") {
                pqxx::nontransaction after(*d->conn);
                after.exec("DEALLOCATE ALL"); // prepared statements outlive a rollback; the next run must not find this one
            }
            return result;
        } catch (const SandboxError &) {
            throw;
        } catch (const pqxx::broken_connection &e) {
            d->close();
            if (result.taskRole.empty() && !reconnected) {
                reconnected = true;
                continue;
            }
            // E.g. the statement ended its own backend: the server rolled everything back with it.
            result.outcome = SandboxResult::Outcome::Failed;
            result.columns.clear();
            result.rows.clear();
            result.visibleRows = 0;
            result.error = std::string("the session ended while the statement ran, and the server rolled everything back (")
                         + detail::serverMessage(e) + ")";
            return result;
        } catch (const std::exception &e) {
            d->close();
            throw SandboxError("the sandbox failed: " + detail::serverMessage(e), SandboxError::Kind::Environment);
        }
    }
}

SandboxResult runInSandbox(const std::string &connectionUri, const policy::Policy &policy, const catalog::Catalog &catalog,
                           const SandboxRequest &request, const SandboxOptions &options)
{
    Sandbox sandbox(connectionUri, std::make_shared<const policy::Policy>(policy), std::make_shared<const catalog::Catalog>(catalog));
    return sandbox.run(request, options);
}

const char *toString(SandboxResult::Outcome o)
{
    switch (o) {
    case SandboxResult::Outcome::Succeeded: return "succeeded";
    case SandboxResult::Outcome::Failed: return "failed";
    case SandboxResult::Outcome::NotRun: return "not run";
    }
    return "not run";
}

} // namespace writ::simulate
