// SPDX-License-Identifier: Apache-2.0
#include "simulate/simulation.h"

#include "decide/decision_engine.h"
#include "simulate/row_estimate.h"

namespace writ::simulate {

Simulation simulateStatement(std::shared_ptr<const policy::Policy> policy, std::shared_ptr<const catalog::Catalog> catalog,
    const SimulationRequest &request)
{
    const decide::DecisionEngine engine(policy, catalog, "writ simulate");
    decide::TaskContext context;
    context.agent = request.agent;
    context.taskType = request.task;
    context.values = request.context;
    context.environment = request.environment;

    Simulation out;
    out.decision = *engine.decide(request.sql, context);
    if (request.run && !request.connectionUri.empty()) {
        SandboxOptions options;
        options.statementTimeout = request.timeout;
        options.maxRows = request.maxRows;
        options.explain = out.decision.needsRowEstimate;
        out.sandbox = runInSandbox(request.connectionUri, *policy, *catalog,
            {request.agent, request.task, request.context, request.environment, request.sql}, options);
        if (out.sandbox->estimatedRows)
            out.estimate = SimulationEstimate {out.sandbox->estimatedRows, "EXPLAIN as the task's role in the sandbox", {}};
    }
    if (out.decision.needsRowEstimate && !request.connectionUri.empty() && !out.estimate) {
        // Without the sandbox only the administrator can plan it; that estimate ignores the row filters.
        const RowEstimate e = plannerEstimate(request.connectionUri, request.sql, request.timeout);
        out.estimate = SimulationEstimate {e.rows, "EXPLAIN as the --db connection, without the policy's row filters", e.error};
    }
    if (out.estimate && out.estimate->rows)
        out.decision = decide::applyRowEstimate(out.decision, *out.estimate->rows);
    return out;
}

} // namespace writ::simulate
