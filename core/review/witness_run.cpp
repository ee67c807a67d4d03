// SPDX-License-Identifier: Apache-2.0
// Running row witnesses: read-only, one short transaction each, values bound as parameters.
#include "review/witness.h"

#include "catalog/catalog_error.h"
#include "catalog/introspector.h"

#include <pqxx/pqxx>

#include <algorithm>
#include <memory>

namespace writ::review {

namespace {

std::string firstLine(const std::string &s)
{
    std::string line = s.substr(0, s.find('\n'));
    while (!line.empty() && (line.back() == ' ' || line.back() == '\r'))
        line.pop_back();
    return line;
}

std::string connectionString(const std::string &libpqUri)
{
    std::string conninfo;
    try {
        conninfo = catalog::withConnectTimeout(libpqUri);
    } catch (const catalog::CatalogError &e) {
        throw WitnessError(e.what());
    }
    if (conninfo.find("://") != std::string::npos)
        conninfo += conninfo.find('?') == std::string::npos ? "?" : "&";
    else
        conninfo += conninfo.empty() ? "" : " ";
    return conninfo + "fallback_application_name=writ-diff";
}

using ReadOnlySnapshot = pqxx::transaction<pqxx::repeatable_read, pqxx::read_only>;

void runOne(pqxx::connection &conn, Witness &w, const std::map<std::string, std::string> &context, const WitnessOptions &options)
{
    std::vector<std::string> values;
    for (const auto &k : w.contextKeys) {
        const auto it = context.find(k);
        if (it == context.end()) { // planned with other values than these
            w.status = Witness::Status::NeedsContext;
            w.missingContext.push_back(k);
            w.message = "no --ctx value for " + k;
            return;
        }
        values.push_back(it->second);
    }
    try {
        ReadOnlySnapshot tx(conn, "writ_witness");
        const std::string timeout = std::to_string(options.statementTimeout.count()) + "ms";
        tx.exec_params("SELECT set_config('statement_timeout', $1, true), set_config('lock_timeout', $1, true)", timeout);
        w.rows = tx.exec_params1(w.countSql, pqxx::prepare::make_dynamic_params(values))[0].as<long long>();
        if (!w.exampleSql.empty()) {
            const pqxx::result r = tx.exec_params(w.exampleSql, pqxx::prepare::make_dynamic_params(values));
            if (!r.empty()) {
                // The catalog's primary key, in key order; the query selected exactly these columns.
                for (pqxx::row::size_type i = 0; i < r[0].size(); ++i)
                    w.exampleKey.emplace_back(r.column_name(i), r[0][i].is_null() ? "NULL" : r[0][i].c_str());
            }
        }
        tx.commit();
        w.status = Witness::Status::Computed;
    } catch (const pqxx::broken_connection &e) {
        throw WitnessError("lost the connection to the witness database: " + firstLine(e.what()));
    } catch (const pqxx::sql_error &e) {
        w.status = Witness::Status::Failed;
        w.message = firstLine(e.what()) + " (SQLSTATE " + e.sqlstate() + ")";
    }
}

} // namespace

void runWitnesses(std::vector<Witness> &witnesses, const std::string &libpqUri, const std::map<std::string, std::string> &context,
    const WitnessOptions &options)
{
    if (std::none_of(witnesses.begin(), witnesses.end(), [](const Witness &w) { return w.status == Witness::Status::Pending; }))
        return;
    std::unique_ptr<pqxx::connection> conn;
    try {
        conn = std::make_unique<pqxx::connection>(connectionString(libpqUri));
    } catch (const WitnessError &) {
        throw;
    } catch (const std::exception &e) {
        throw WitnessError("could not connect to the witness database: " + firstLine(e.what()));
    }
    for (auto &w : witnesses)
        if (w.status == Witness::Status::Pending)
            runOne(*conn, w, context, options);
}

} // namespace writ::review
