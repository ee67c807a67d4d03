// SPDX-License-Identifier: Apache-2.0
// Statement kinds of FactCollector: the class of each statement and what its utility parts mean
// (COPY, EXPLAIN, PREPARE, SET, LOCK, ...); queries are in collect_query.cpp.

#include "sql/statement_class.h"

#include "sql/fact_collector.h" // last: the PostgreSQL headers

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
bool optionIsTrue(const Node *arg)
{
    if (!arg)
        return true;
    switch (nodeTag(arg)) {
    case T_Boolean:
        return as<Boolean>(arg)->boolval;
    case T_Integer:
        return as<Integer>(arg)->ival != 0;
    case T_String: {
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

FactCollector::FactCollector(const catalog::Catalog &catalog, const AnalyzeOptions &options, Workspace &ws, ConstantUse &constants,
                             int statementLocation)
    : m_catalog(catalog), m_options(options), m_ws(ws), m_constants(constants), m_statementLocation(statementLocation)
{
}

bool FactCollector::collect(const Node *stmt, StatementFacts &facts)
{
    m_facts = &facts;
    m_ws.clear();
    statement(stmt);
    m_ws.clear();
    return !m_failed;
}

void FactCollector::statement(const Node *stmt)
{
    StatementFacts &f = *m_facts;
    if (stmt && !rawNodeType(nodeTag(stmt))) {
        unexpectedNode(stmt);
        return;
    }
    f.nodeType = stmt ? rawNodeName(nodeTag(stmt)) : "";
    const std::optional<StatementClass> known = statementClassOf(f.nodeType);
    f.kind = known.value_or(StatementClass::Ddl);
    f.unknownKind = !known || !stmt;
    if (!stmt)
        return;

    switch (nodeTag(stmt)) {
    case T_SelectStmt:
        query(stmt, true);
        f.kind = m_selectInto ? StatementClass::Ddl : m_sawWrite ? StatementClass::Write : StatementClass::Read;
        limit(*as<SelectStmt>(stmt));
        keyEqualities(*as<SelectStmt>(stmt));
        return;
    case T_InsertStmt:
    case T_UpdateStmt:
    case T_DeleteStmt:
    case T_MergeStmt:
        query(stmt, true);
        return;
    case T_CopyStmt:
        copyStmt(*as<CopyStmt>(stmt));
        return;
    case T_ExplainStmt:
        explainStmt(*as<ExplainStmt>(stmt));
        return;
    case T_PrepareStmt: {
        const auto &s = *as<PrepareStmt>(stmt);
        f.prepareName = str(s.name);
        f.kind = innerStatement(s.query);
        return;
    }
    case T_DeclareCursorStmt:
        f.kind = innerStatement(as<DeclareCursorStmt>(stmt)->query);
        return;
    case T_ExecuteStmt: {
        const auto &s = *as<ExecuteStmt>(stmt);
        f.executeName = str(s.name);
        visitAll(s.params); // EXECUTE p(pg_sleep(10)) still calls pg_sleep
        return;
    }
    case T_DeallocateStmt: {
        const auto &s = *as<DeallocateStmt>(stmt);
        f.deallocateName = str(s.name);
        f.deallocateAll = f.deallocateName.empty();
        return;
    }
    case T_TruncateStmt:
        relationList(as<TruncateStmt>(stmt)->relations, Access::Truncate);
        return;
    case T_LockStmt:
        relationList(as<LockStmt>(stmt)->relations, Access::Lock);
        return;
    case T_ListenStmt:
    case T_NotifyStmt:
    case T_UnlistenStmt:
        f.listenNotify = true;
        return;
    case T_VariableSetStmt:
        variableSet(*as<VariableSetStmt>(stmt), false);
        return;
    case T_VariableShowStmt: {
        SettingUse s;
        s.kind = SettingUse::Kind::Show;
        s.name = lower(str(as<VariableShowStmt>(stmt)->name));
        s.location = m_statementLocation;
        f.settings.push_back(std::move(s));
        return;
    }
    // Settings for later sessions: recorded like SET, under their DDL class.
    case T_AlterSystemStmt:
        if (const VariableSetStmt *set = as<AlterSystemStmt>(stmt)->setstmt)
            variableSet(*set, true);
        return;
    case T_AlterDatabaseSetStmt:
        if (const VariableSetStmt *set = as<AlterDatabaseSetStmt>(stmt)->setstmt)
            variableSet(*set, true);
        return;
    case T_AlterRoleSetStmt:
        if (const VariableSetStmt *set = as<AlterRoleSetStmt>(stmt)->setstmt)
            variableSet(*set, true);
        return;
    case T_CallStmt:
        // The procedure is a function use (found, SECURITY DEFINER); its arguments are expressions.
        if (const FuncCall *call = as<CallStmt>(stmt)->funccall)
            funcCall(*call);
        return;
    case T_CreateTableAsStmt:
        query(as<CreateTableAsStmt>(stmt)->query, true);
        return;
    case T_ViewStmt:
        query(as<ViewStmt>(stmt)->query, true);
        return;
    default:
        // Everything else is classified by the table; its sub-queries and function calls (CREATE
        // RULE actions, CREATE POLICY USING, column defaults, ...) are still recorded.
        visitChildren(stmt);
        return;
    }
}

StatementClass FactCollector::innerStatement(const Node *stmt)
{
    // EXPLAIN, PREPARE and DECLARE report their inner statement's facts under their own node name.
    const std::string outer = m_facts->nodeType;
    statement(stmt);
    m_facts->nodeType = outer;
    return m_facts->kind;
}

void FactCollector::explainStmt(const ExplainStmt &s)
{
    bool analyze = false;
    for (const Node *o : items(s.options)) {
        const DefElem *d = nodeIf<DefElem>(o, T_DefElem);
        if (d && lower(str(d->defname)) == "analyze")
            analyze = optionIsTrue(d->arg);
    }
    m_facts->kind = innerStatement(s.query);
    m_facts->explain = true;
    m_facts->explainAnalyze = analyze;
}

void FactCollector::copyStmt(const CopyStmt &s)
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
        if (const ListNodes columns = items(s.attlist); !columns.empty()) {
            for (const Node *c : columns) {
                if (s.is_from)
                    writeColumn(r.index, stringOf(c), Access::Insert);
                else
                    readColumn(r.index, stringOf(c));
            }
        } else if (s.is_from) {
            if (r.rel)
                for (const auto &c : r.rel->columns)
                    writeColumn(r.index, c.name, Access::Insert);
        } else {
            allColumns(r.index);
        }
        targetItem(*s.relation, r);
        visit(s.whereClause); // COPY FROM ... WHERE filters the incoming rows by these columns
        popLevel();
    }
    if (s.query)
        query(s.query, true);
}

void FactCollector::variableSet(const VariableSetStmt &s, bool persistent)
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
    case VAR_SET_MULTI: {
        // SET TRANSACTION ... sets transaction_isolation and friends; SET SESSION
        // CHARACTERISTICS AS TRANSACTION ... their default_ versions.
        const bool session = name == "session characteristics";
        for (const Node *a : items(s.args))
            if (const DefElem *d = nodeIf<DefElem>(a, T_DefElem))
                add(SettingUse::Kind::Set, (session ? "default_" : "") + lower(str(d->defname)));
        if (items(s.args).empty())
            add(SettingUse::Kind::Set, name);
        return;
    }
    case VAR_RESET:
        add(SettingUse::Kind::Reset, name);
        return;
    case VAR_RESET_ALL:
        add(SettingUse::Kind::ResetAll, "");
        return;
    default: // SET x = v, SET x TO DEFAULT, SET x FROM CURRENT, SET ROLE, SET SESSION AUTHORIZATION
        add(SettingUse::Kind::Set, name);
        visitAll(s.args);
        return;
    }
}

void FactCollector::relationList(const List *relations, Access access)
{
    for (const Node *n : items(relations))
        if (const RangeVar *rv = nodeIf<RangeVar>(n, T_RangeVar))
            addAccess(relationUse(*rv).index, access);
}

void FactCollector::limit(const SelectStmt &s)
{
    // A constant LIMIT (or FETCH FIRST n ROWS) of the outermost query; LIMIT ALL is no limit.
    // Not through a cast: LIMIT '5'::int is taken as no known limit.
    if (!nodeIf<A_Const>(s.limitCount, T_A_Const))
        return;
    const A_Const *c = consultConstant(s.limitCount);
    if (c->isnull)
        return;
    std::int64_t value = -1;
    if (nodeTag(&c->val) == T_Integer) {
        value = c->val.ival.ival;
    } else if (nodeTag(&c->val) == T_Float) {
        // Integers past 32 bits arrive as Float text; fractions and exponents are not counts.
        const std::string_view text = str(c->val.fval.fval);
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

namespace {

/// A constant or a parameter, looking through casts ('5'::int, $1::bigint).
bool isConstantOrParameter(const Node *n)
{
    while (n && nodeTag(n) == T_TypeCast)
        n = as<TypeCast>(n)->arg;
    return n && (nodeTag(n) == T_A_Const || nodeTag(n) == T_ParamRef);
}

/// The column a ColumnRef names (its last field), "" for `*` or anything else.
std::string_view columnOf(const Node *n)
{
    const ColumnRef *c = nodeIf<ColumnRef>(n, T_ColumnRef);
    if (!c)
        return {};
    const ListNodes fields = items(c->fields);
    return fields.empty() ? std::string_view() : stringOf(fields[fields.size() - 1]);
}

/// `col = v` (or `v = col`) with the plain equality operator; the column name when it is one.
std::string_view equalityColumn(const Node *n)
{
    const A_Expr *e = nodeIf<A_Expr>(n, T_A_Expr);
    if (!e || e->kind != AEXPR_OP)
        return {};
    const ListNodes name = items(e->name);
    if (name.empty() || name.size() > 2 || stringOf(name[name.size() - 1]) != "="
        || (name.size() == 2 && stringOf(name[0]) != "pg_catalog"))
        return {};
    if (isConstantOrParameter(e->rexpr))
        return columnOf(e->lexpr);
    if (isConstantOrParameter(e->lexpr))
        return columnOf(e->rexpr);
    return {};
}

} // namespace

void FactCollector::keyEqualities(const SelectStmt &s)
{
    // Only the simplest shape is bounded: anything that brings a second row source (a join, a
    // sub-select, a CTE, a set operation, a function in FROM) leaves the facts empty.
    const ListNodes from = items(s.fromClause);
    if (m_failed || m_queryLevels != 1 || s.op != SETOP_NONE || s.withClause || from.size() != 1
        || nodeTag(from[0]) != T_RangeVar || m_facts->relations.size() != 1)
        return;
    std::vector<const Node *> todo{s.whereClause};
    while (!todo.empty()) {
        const Node *n = todo.back();
        todo.pop_back();
        if (!n)
            continue;
        if (const BoolExpr *b = nodeIf<BoolExpr>(n, T_BoolExpr); b && b->boolop == AND_EXPR) {
            for (const Node *arg : items(b->args))
                todo.push_back(arg);
        } else if (const std::string_view column = equalityColumn(n); !column.empty()) {
            m_facts->keyEqualities.emplace_back(column);
        }
    }
    std::sort(m_facts->keyEqualities.begin(), m_facts->keyEqualities.end());
    m_facts->keyEqualities.erase(std::unique(m_facts->keyEqualities.begin(), m_facts->keyEqualities.end()),
                                 m_facts->keyEqualities.end());
}

} // namespace writ::sql::detail
