// SPDX-License-Identifier: Apache-2.0
#pragma once

// The rules of ARCHITECTURE §6 over one statement's facts. Each function adds its objections to
// the builder; DecisionEngine runs them in order for every statement of a text.

#include "decide/decision_builder.h"
#include "decide/task_index.h"
#include "sql/statement_facts.h"

namespace writ::decide {

struct RuleInput
{
    const sql::StatementFacts &facts;
    const TaskIndex &task;
    const policy::Policy &policy;
    const catalog::Catalog &catalog;
    const std::set<std::string> *preparedStatements; ///< nullptr: EXECUTE cannot be decided (denied)
};

/// Context that changes per request: environment, expiry, statement count. Denies into the builder.
void checkTaskContext(const TaskIndex &task, const TaskContext &context, DecisionBuilder &out);

/// Rule 1: unknown statement kinds, protected settings.
void checkStatementSafety(const RuleInput &in, DecisionBuilder &out);
/// Rule 2: statement classes (DDL, DO, COPY, LISTEN/NOTIFY, ...) and dangerous or SECURITY DEFINER functions.
void checkStatementClass(const RuleInput &in, DecisionBuilder &out);
void checkFunctions(const RuleInput &in, DecisionBuilder &out);
/// Allowlist mode: the statement must match one of the task's templates by fingerprint.
void checkAllowlist(const RuleInput &in, DecisionBuilder &out);
/// Rule 3: relations, operations, columns, masks, classified columns.
void checkRelations(const RuleInput &in, DecisionBuilder &out);
/// Rule 4 (static part): marks reads that may exceed bulk_read_rows for a planner estimate.
void checkBulkRead(const RuleInput &in, DecisionBuilder &out);

} // namespace writ::decide
