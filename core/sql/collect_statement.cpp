// SPDX-License-Identifier: Apache-2.0
// Statement kinds of FactCollector: the class of each statement and what its utility parts mean
// (COPY, EXPLAIN, PREPARE, SET, LOCK, ...); queries are in collect_query.cpp.

#include "sql/fact_collector.h"
#include "sql/statement_class.h"

namespace writ::sql::detail {

namespace {

std::string lower(std::string_view s)
{
    std::string out(s);
    for (char &c : out)
        c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    return out;
}

/// An option's boolean value as PostgreSQL's defGetBoolean reads it; anything not clearly false
/// counts as true (EXPLAIN (ANALYZE <something odd>) is taken to run the statement).
bool optionIsTrue(const PbNode *arg)
{
    if (!arg)
        return true;
    switch (arg->node_case) {
    case PG_QUERY__NODE__NODE_BOOLEAN:
        return !arg->boolean || arg->boolean->boolval;
    case PG_QUERY__NODE__NODE_INTEGER:
        return !arg->integer || arg->integer->ival != 0;
    case PG_QUERY__NODE__NODE_STRING: {
        const std::string v = lower(stringOf(arg));
        if (v.empty())
            return true;
        const auto prefixOf = [&](std::string_view word, std::size_t min) { return v.size() >= min && word.substr(0, v.size()) == v; };
        return !(prefixOf("false", 1) || prefixOf("no", 1) || prefixOf("off", 2) || v == "0");
    }
    default:
        return true;
    }
}

} // namespace

FactCollector::FactCollector(const catalog::Catalog &catalog, const AnalyzeOptions &options, Workspace &ws, int statementLocation)
    : m_catalog(catalog), m_options(options), m_ws(ws), m_statementLocation(statementLocation)
{
}

bool FactCollector::collect(const PbNode *stmt, StatementFacts &facts)
{
    m_facts = &facts;
    m_ws.clear();
    statement(stmt);
    m_ws.clear();
    return !m_failed;
}

void FactCollector::statement(const PbNode *stmt)
{
    StatementFacts &f = *m_facts;
    const int nodeCase = stmt ? static_cast<int>(stmt->node_case) : 0;
    const ProtobufCMessage *m = payload(stmt);
    f.nodeType = nodeName(nodeCase);
    const std::optional<StatementClass> known = statementClassOf(f.nodeType);
    f.kind = known.value_or(StatementClass::Ddl);
    f.unknownKind = !known || !m;
    if (!m)
        return;

    switch (nodeCase) {
    case PG_QUERY__NODE__NODE_SELECT_STMT: {
        query(nodeCase, m, true);
        const auto &s = *as<PgQuery__SelectStmt>(m);
        f.kind = m_selectInto ? StatementClass::Ddl : m_sawWrite ? StatementClass::Write : StatementClass::Read;
        limit(s);
        return;
    }
    case PG_QUERY__NODE__NODE_INSERT_STMT:
    case PG_QUERY__NODE__NODE_UPDATE_STMT:
    case PG_QUERY__NODE__NODE_DELETE_STMT:
    case PG_QUERY__NODE__NODE_MERGE_STMT:
        query(nodeCase, m, true);
        return;
    case PG_QUERY__NODE__NODE_COPY_STMT:
        copyStmt(*as<PgQuery__CopyStmt>(m));
        return;
    case PG_QUERY__NODE__NODE_EXPLAIN_STMT:
        explainStmt(*as<PgQuery__ExplainStmt>(m));
        return;
    case PG_QUERY__NODE__NODE_PREPARE_STMT: {
        const auto &s = *as<PgQuery__PrepareStmt>(m);
        f.prepareName = str(s.name);
        f.kind = innerStatement(s.query);
        return;
    }
    case PG_QUERY__NODE__NODE_DECLARE_CURSOR_STMT:
        f.kind = innerStatement(as<PgQuery__DeclareCursorStmt>(m)->query);
        return;
    case PG_QUERY__NODE__NODE_EXECUTE_STMT: {
        const auto &s = *as<PgQuery__ExecuteStmt>(m);
        f.executeName = str(s.name);
        visitAll(s.n_params, s.params); // EXECUTE p(pg_sleep(10)) still calls pg_sleep
        return;
    }
    case PG_QUERY__NODE__NODE_DEALLOCATE_STMT: {
        const auto &s = *as<PgQuery__DeallocateStmt>(m);
        f.deallocateName = str(s.name);
        f.deallocateAll = f.deallocateName.empty();
        return;
    }
    case PG_QUERY__NODE__NODE_TRUNCATE_STMT: {
        const auto &s = *as<PgQuery__TruncateStmt>(m);
        relationList(s.n_relations, s.relations, Access::Truncate);
        return;
    }
    case PG_QUERY__NODE__NODE_LOCK_STMT: {
        const auto &s = *as<PgQuery__LockStmt>(m);
        relationList(s.n_relations, s.relations, Access::Lock);
        return;
    }
    case PG_QUERY__NODE__NODE_LISTEN_STMT:
    case PG_QUERY__NODE__NODE_NOTIFY_STMT:
    case PG_QUERY__NODE__NODE_UNLISTEN_STMT:
        f.listenNotify = true;
        return;
    case PG_QUERY__NODE__NODE_VARIABLE_SET_STMT:
        variableSet(*as<PgQuery__VariableSetStmt>(m), false);
        return;
    case PG_QUERY__NODE__NODE_VARIABLE_SHOW_STMT: {
        SettingUse s;
        s.kind = SettingUse::Kind::Show;
        s.name = lower(str(as<PgQuery__VariableShowStmt>(m)->name));
        s.location = m_statementLocation;
        f.settings.push_back(std::move(s));
        return;
    }
    // Settings for later sessions: recorded like SET, under their DDL class.
    case PG_QUERY__NODE__NODE_ALTER_SYSTEM_STMT:
        if (const auto *set = as<PgQuery__AlterSystemStmt>(m)->setstmt)
            variableSet(*set, true);
        return;
    case PG_QUERY__NODE__NODE_ALTER_DATABASE_SET_STMT:
        if (const auto *set = as<PgQuery__AlterDatabaseSetStmt>(m)->setstmt)
            variableSet(*set, true);
        return;
    case PG_QUERY__NODE__NODE_ALTER_ROLE_SET_STMT:
        if (const auto *set = as<PgQuery__AlterRoleSetStmt>(m)->setstmt)
            variableSet(*set, true);
        return;
    case PG_QUERY__NODE__NODE_CALL_STMT: {
        // The procedure is a function use (found, SECURITY DEFINER); its arguments are expressions.
        const auto &s = *as<PgQuery__CallStmt>(m);
        if (s.funccall)
            funcCall(*s.funccall);
        return;
    }
    case PG_QUERY__NODE__NODE_CREATE_TABLE_AS_STMT:
        query(as<PgQuery__CreateTableAsStmt>(m)->query, true);
        return;
    case PG_QUERY__NODE__NODE_VIEW_STMT:
        query(as<PgQuery__ViewStmt>(m)->query, true);
        return;
    default:
        // Everything else is classified by the table; its sub-queries and function calls (CREATE
        // RULE actions, CREATE POLICY USING, column defaults, ...) are still recorded.
        visitChildren(m);
        return;
    }
}

StatementClass FactCollector::innerStatement(const PbNode *stmt)
{
    // EXPLAIN, PREPARE and DECLARE report their inner statement's facts under their own node name.
    const std::string outer = m_facts->nodeType;
    statement(stmt);
    m_facts->nodeType = outer;
    return m_facts->kind;
}

void FactCollector::explainStmt(const PgQuery__ExplainStmt &s)
{
    bool analyze = false;
    for (std::size_t i = 0; i < s.n_options; ++i) {
        const PbNode *o = s.options[i];
        if (o && o->node_case == PG_QUERY__NODE__NODE_DEF_ELEM && o->def_elem && lower(str(o->def_elem->defname)) == "analyze")
            analyze = optionIsTrue(o->def_elem->arg);
    }
    m_facts->kind = innerStatement(s.query);
    m_facts->explain = true;
    m_facts->explainAnalyze = analyze;
}

void FactCollector::copyStmt(const PgQuery__CopyStmt &s)
{
    StatementFacts &f = *m_facts;
    CopyFacts copy;
    copy.from = s.is_from;
    copy.program = s.is_program;
    copy.serverFile = !s.is_program && !str(s.filename).empty();
    copy.query = s.query != nullptr;
    f.copy = copy;
    f.kind = s.is_from ? StatementClass::Import : StatementClass::Export;

    if (s.relation) {
        pushLevel(true);
        const Resolved r = relationUse(*s.relation);
        addAccess(r.index, s.is_from ? Access::Insert : Access::Read);
        if (s.n_attlist > 0) {
            for (std::size_t i = 0; i < s.n_attlist; ++i) {
                if (s.is_from)
                    writeColumn(r.index, stringOf(s.attlist[i]), Access::Insert);
                else
                    readColumn(r.index, stringOf(s.attlist[i]));
            }
        } else if (s.is_from) {
            if (r.rel)
                for (const auto &c : r.rel->columns)
                    writeColumn(r.index, c.name, Access::Insert);
        } else {
            allColumns(r.index);
        }
        targetItem(*s.relation, r);
        visit(s.where_clause); // COPY FROM ... WHERE filters the incoming rows by these columns
        popLevel();
    }
    if (s.query)
        query(s.query, true);
}

void FactCollector::variableSet(const PgQuery__VariableSetStmt &s, bool persistent)
{
    StatementFacts &f = *m_facts;
    const auto add = [&](SettingUse::Kind kind, std::string name) {
        SettingUse use;
        use.kind = kind;
        use.name = std::move(name);
        use.local = s.is_local && !persistent;
        use.location = m_statementLocation;
        f.settings.push_back(std::move(use));
    };
    const std::string name = lower(str(s.name));
    switch (s.kind) {
    case PG_QUERY__VARIABLE_SET_KIND__VAR_SET_MULTI: {
        // SET TRANSACTION ... sets transaction_isolation and friends; SET SESSION
        // CHARACTERISTICS AS TRANSACTION ... their default_ versions.
        const bool session = name == "session characteristics";
        for (std::size_t i = 0; i < s.n_args; ++i) {
            const PbNode *a = s.args[i];
            if (a && a->node_case == PG_QUERY__NODE__NODE_DEF_ELEM && a->def_elem)
                add(SettingUse::Kind::Set, (session ? "default_" : "") + lower(str(a->def_elem->defname)));
        }
        if (s.n_args == 0)
            add(SettingUse::Kind::Set, name);
        return;
    }
    case PG_QUERY__VARIABLE_SET_KIND__VAR_RESET:
        add(SettingUse::Kind::Reset, name);
        return;
    case PG_QUERY__VARIABLE_SET_KIND__VAR_RESET_ALL:
        add(SettingUse::Kind::ResetAll, "");
        return;
    default: // SET x = v, SET x TO DEFAULT, SET x FROM CURRENT, SET ROLE, SET SESSION AUTHORIZATION
        add(SettingUse::Kind::Set, name);
        visitAll(s.n_args, s.args);
        return;
    }
}

void FactCollector::relationList(std::size_t n, PbNode *const *items, Access access)
{
    for (std::size_t i = 0; i < n; ++i) {
        const PbNode *rv = items[i];
        if (!rv || rv->node_case != PG_QUERY__NODE__NODE_RANGE_VAR || !rv->range_var)
            continue;
        addAccess(relationUse(*rv->range_var).index, access);
    }
}

void FactCollector::limit(const PgQuery__SelectStmt &s)
{
    // A constant LIMIT (or FETCH FIRST n ROWS) of the outermost query; LIMIT ALL is no limit.
    const PbNode *n = s.limit_count;
    if (!n || n->node_case != PG_QUERY__NODE__NODE_A_CONST || !n->a_const || n->a_const->isnull)
        return;
    const PgQuery__AConst &c = *n->a_const;
    std::int64_t value = -1;
    if (c.val_case == PG_QUERY__A__CONST__VAL_IVAL) {
        value = c.ival ? c.ival->ival : 0;
    } else if (c.val_case == PG_QUERY__A__CONST__VAL_FVAL && c.fval) {
        // Integers past 32 bits arrive as Float text; fractions and exponents are not counts.
        const std::string_view text = str(c.fval->fval);
        if (text.empty() || text.size() > 18 || text.find_first_not_of("0123456789") != std::string_view::npos)
            return;
        value = 0;
        for (const char ch : text)
            value = value * 10 + (ch - '0');
    }
    if (value < 0)
        return;
    m_facts->hasLimit = true;
    m_facts->limitCount = value;
}

} // namespace writ::sql::detail
