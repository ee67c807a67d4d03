// SPDX-License-Identifier: Apache-2.0
#include "ui/canvas/row_estimator.h"

#include "compile/filter_sql.h"
#include "compile/sql_quote.h"
#include "policy/policy_loader.h"
#include "simulate/row_estimate.h"

#include <chrono>

namespace writ::ui {

namespace {
constexpr std::chrono::milliseconds kEstimateTimeout {3000};

bool readsExistingRows(const policy::Scope &scope)
{
    return scope.ops.count(policy::Operation::Select) || scope.ops.count(policy::Operation::Update)
        || scope.ops.count(policy::Operation::Delete);
}
} // namespace

std::optional<double> TaskRowEstimate::total() const
{
    double sum = 0;
    for (const ScopeRowEstimate &s : scopes) {
        if (!s.rows)
            return std::nullopt;
        sum += *s.rows;
    }
    return sum;
}

std::string rowEstimateSql(const policy::Scope &scope, const policy::Policy &policy)
{
    std::string sql = "SELECT 1 FROM " + compile::quoteQualified(scope.relation.schema, scope.relation.name);
    if (!scope.rows)
        return sql;
    if (compile::filterSpliceProblem(*scope.rows))
        return {};
    // Each $key becomes a value the planner cannot see, of the key's type: the estimate is then the
    // generic one for "the rows of one customer", whatever customer the task is started for.
    std::string filter = *scope.rows;
    const auto params = policy::contextParameters(filter);
    for (auto it = params.rbegin(); it != params.rend(); ++it) {
        const policy::ContextKey *key = policy.findContextKey(it->name);
        const std::string type = key ? policy::postgresType(key->type) : "text";
        filter.replace(it->offset, it->name.size() + 1, "(SELECT NULL::" + type + ")");
    }
    return sql + " WHERE (" + filter + "\n)";
}

TaskRowEstimate estimateTaskRows(const std::string &conninfo, const policy::Policy &policy, const policy::TaskType &task)
{
    TaskRowEstimate out;
    for (const policy::Scope &scope : task.access) {
        if (!readsExistingRows(scope))
            continue;
        ScopeRowEstimate e;
        e.relation = scope.relation.toString();
        const std::string sql = rowEstimateSql(scope, policy);
        if (sql.empty()) {
            e.error = "the row filter cannot be embedded as it is";
        } else {
            const simulate::RowEstimate r = simulate::plannerEstimate(conninfo, sql, kEstimateTimeout);
            e.rows = r.rows;
            e.error = r.error;
        }
        out.scopes.push_back(std::move(e));
    }
    return out;
}

} // namespace writ::ui
