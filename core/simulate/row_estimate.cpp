// SPDX-License-Identifier: Apache-2.0
#include "simulate/row_estimate.h"

#include "catalog/introspector.h"

#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

namespace writ::simulate {

std::optional<double> planRowsFromExplainJson(std::string_view explainJson)
{
    const nlohmann::json j = nlohmann::json::parse(explainJson, nullptr, false);
    if (j.is_discarded() || !j.is_array() || j.empty() || !j[0].is_object())
        return std::nullopt;
    const auto plan = j[0].find("Plan");
    if (plan == j[0].end() || !plan->is_object())
        return std::nullopt;
    const auto rows = plan->find("Plan Rows");
    if (rows == plan->end() || !rows->is_number())
        return std::nullopt;
    return rows->get<double>();
}

RowEstimate plannerEstimate(const std::string &connectionUri, std::string_view sql, std::chrono::milliseconds timeout)
{
    RowEstimate out;
    try {
        pqxx::connection c(catalog::withConnectTimeout(connectionUri));
        pqxx::quiet_errorhandler quiet(c);
        pqxx::read_transaction tx(c);
        tx.exec("SET LOCAL statement_timeout = " + std::to_string(timeout.count()));
        // The extended protocol runs exactly one statement: "SELECT 1; SELECT pg_terminate_backend(...)" is refused.
        const pqxx::result r = tx.exec_params("EXPLAIN (FORMAT JSON)\n" + std::string(sql));
        if (!r.empty())
            out.rows = planRowsFromExplainJson(r[0][0].c_str());
        if (!out.rows)
            out.error = "EXPLAIN gave no row estimate";
    } catch (const std::exception &e) {
        out.error = e.what();
        while (!out.error.empty() && out.error.back() == '\n')
            out.error.pop_back();
    }
    return out;
}

} // namespace writ::simulate
