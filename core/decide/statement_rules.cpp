// SPDX-License-Identifier: Apache-2.0
// Rules 1 and 2 of ARCHITECTURE §6, the task's context, and allowlist mode.
#include "decide/function_rules.h"
#include "decide/rules.h"

#include "common/text.h"
#include "sql/analyzer.h"

#include <algorithm>

namespace writ::decide {

namespace {

using policy::StepUpClass;
using sql::StatementClass;

/// Settings that would change who the session is or what Writ's runtime sees.
const char *protectedSettingWhy(const std::string &name, const TaskIndex &task)
{
    if (name == "role" || name == "session_authorization")
        return "it changes the database identity of the session";
    if (name.starts_with("writ."))
        return "it belongs to Writ's runtime";
    if (name == "search_path" && task.hasMasks)
        return "this task reads masked columns through its own schema, which comes first on its search_path";
    return nullptr;
}

const char *settingVerb(sql::SettingUse::Kind k)
{
    switch (k) {
    case sql::SettingUse::Kind::Set: return "SET";
    case sql::SettingUse::Kind::Reset: return "RESET";
    case sql::SettingUse::Kind::ResetAll: return "RESET ALL";
    case sql::SettingUse::Kind::SetConfig: return "set_config";
    case sql::SettingUse::Kind::Show: return "SHOW";
    }
    return "SET";
}

} // namespace

void checkTaskContext(const TaskIndex &task, const TaskContext &context, DecisionBuilder &out)
{
    const auto &envs = task.task->environments;
    if (!envs.empty() && std::find(envs.begin(), envs.end(), context.environment) == envs.end()) {
        out.deny(rule::Environment,
                 "task " + task.name + " may run only in " + joinList(envs) + ", not in "
                     + (context.environment.empty() ? std::string("an unnamed environment") : "'" + context.environment + "'"),
                 "start the task in one of: " + joinList(envs) + ", or add this environment to its environments",
                 task.path);
    }
    if (context.expiresAt && *context.expiresAt <= context.now)
        out.deny(rule::TaskExpired, "task of " + task.name + " has expired", "start a new task", task.path);
    const auto &limit = task.task->limits.statements;
    if (limit && context.statementsSoFar >= *limit)
        out.deny(rule::StatementLimit,
                 "task of " + task.name + " has run its " + std::to_string(*limit) + " statements (limits.statements)",
                 "start a new task, or raise limits.statements of " + task.name, task.path);
}

void checkStatementSafety(const RuleInput &in, DecisionBuilder &out)
{
    const auto &f = in.facts;
    if (f.unknownKind)
        out.deny(rule::UnknownStatement, "statement kind " + f.nodeType + " is not one Writ can decide, so it is refused",
                 "", in.task.path, f.location);
    for (const auto &s : f.settings) {
        if (s.kind == sql::SettingUse::Kind::Show || s.kind == sql::SettingUse::Kind::ResetAll)
            continue;
        if (s.name.empty()) {
            out.deny(rule::ProtectedSetting, "set_config with a setting name computed at run time cannot be checked",
                     "pass the setting name as a string constant", "", s.location);
            continue;
        }
        if (const char *why = protectedSettingWhy(s.name, in.task))
            out.deny(rule::ProtectedSetting, std::string(settingVerb(s.kind)) + " " + s.name + " is not allowed: " + why, "",
                     in.task.path, s.location);
    }
}

void checkStatementClass(const RuleInput &in, DecisionBuilder &out)
{
    const auto &f = in.facts;
    if (f.listenNotify)
        out.deny(rule::ListenNotify, "LISTEN, NOTIFY and pg_notify are not allowed: they signal other sessions outside any scope",
                 "", in.task.path, f.location);
    if (f.unknownKind)
        return; // already refused
    const std::string what = f.nodeType.empty() ? std::string("this statement") : f.nodeType;
    switch (f.kind) {
    case StatementClass::Read:
    case StatementClass::Write:
    case StatementClass::Transaction:
    case StatementClass::Session:
        return;
    case StatementClass::Export:
    case StatementClass::Import: {
        const bool from = f.kind == StatementClass::Import;
        if (f.copy && (f.copy->program || f.copy->serverFile)) {
            out.deny(rule::CopyProgram,
                     std::string("COPY ") + (from ? "FROM" : "TO") + (f.copy->program ? " PROGRAM runs a shell command" : " a server file reaches the server's file system")
                         + " and is never allowed",
                     std::string("use COPY ... ") + (from ? "FROM STDIN" : "TO STDOUT") + " through the client",
                     in.task.path, f.location);
            return;
        }
        out.stepUp(from ? StepUpClass::Import : StepUpClass::Export, from ? rule::Import : rule::Export,
                   std::string(from ? "COPY FROM imports rows in bulk" : "COPY TO exports rows in bulk"), "", in.task.path,
                   f.location);
        return;
    }
    case StatementClass::Utility:
        if (!f.executeName.empty()) {
            if (!in.preparedStatements || !in.preparedStatements->count(f.executeName))
                out.deny(rule::PreparedStatement,
                         "EXECUTE " + f.executeName + " names no statement this session prepared with an allowed PREPARE",
                         "PREPARE the statement first in the same session", in.task.path, f.location);
            return;
        }
        if (f.listenNotify)
            return;
        if (!f.relations.empty() && f.nodeType == "LockStmt")
            return; // LOCK TABLE: the relation rule checks it like a write
        [[fallthrough]];
    case StatementClass::Ddl:
    case StatementClass::Procedural:
        out.stepUp(StepUpClass::Ddl, rule::StatementClass,
                   what + " (" + sql::toString(f.kind) + ") changes the database or runs code beyond the task's scope", "",
                   in.task.path, f.location);
        return;
    }
}

void checkFunctions(const RuleInput &in, DecisionBuilder &out)
{
    for (const auto &fn : in.facts.functions) {
        // Unqualified names resolve to pg_catalog before any user schema, so judge them as built-ins too.
        const std::string_view schema = fn.qualified ? std::string_view(fn.schema) : std::string_view("pg_catalog");
        if (const auto danger = classifyDangerousFunction(schema, fn.name)) {
            out.deny(rule::DangerousFunction,
                     "function " + fn.qualifiedName() + " (" + danger->category + ") is never allowed through the gateway: " + danger->why,
                     "", in.task.path, fn.location);
            continue;
        }
        if (isWritRuntimeFunction(fn.schema, fn.name))
            continue;
        if (fn.found && fn.securityDefiner)
            out.deny(rule::SecurityDefiner,
                     "function " + fn.qualifiedName() + " is SECURITY DEFINER: it runs with its owner's privileges, past the scope of "
                         + in.task.name,
                     "read the data through relations in scope, or make the function SECURITY INVOKER so the task's own grants apply",
                     in.task.path, fn.location);
    }
}

void checkAllowlist(const RuleInput &in, DecisionBuilder &out)
{
    if (!in.task.allowlistMode() || in.facts.kind == StatementClass::Transaction)
        return;
    const auto fp = sql::fingerprint(in.facts.text);
    if (fp && in.task.allowlist.count(*fp))
        return;
    out.deny(rule::Allowlist,
             "statement \"" + clipText(in.facts.text, 80) + "\" is not one of the " + std::to_string(in.task.task->statements.size())
                 + " statements " + in.task.name + " may run (allowlist mode)",
             "add it under statements: of " + in.task.name + " (constants and parameters may differ)", in.task.path,
             in.facts.location);
}

} // namespace writ::decide
