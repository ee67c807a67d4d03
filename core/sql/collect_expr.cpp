// SPDX-License-Identifier: Apache-2.0
// Expressions of FactCollector: column references, function calls, sub-selects, and a generic walk
// over every other node through the generated child table (raw_nodes.inc), so a sub-select or
// function call inside any construct (XMLTABLE, GROUPING SETS, CREATE POLICY USING, ...) is found
// without a handler per node type (see fact_collector.h).

#include <algorithm>
#include <iterator>

#include "sql/fact_collector.h" // last: the PostgreSQL headers

namespace writ::sql::detail {

namespace {

/// The constant a node holds, looking through casts ('on'::boolean).
const A_Const *constantOf(const Node *n)
{
    while (n && nodeTag(n) == T_TypeCast)
        n = as<TypeCast>(n)->arg;
    return nodeIf<A_Const>(n, T_A_Const);
}

/// The tag of a constant's value; T_Invalid for NULL (whose value is unset).
NodeTag valueTag(const A_Const &c)
{
    return c.isnull ? T_Invalid : nodeTag(&c.val);
}

std::string_view stringConstant(const A_Const *c, bool &isConstant)
{
    isConstant = c && valueTag(*c) == T_String;
    return isConstant ? str(c->val.sval.sval) : std::string_view();
}

/// A boolean constant that PostgreSQL's boolin reads as true.
bool trueConstant(const A_Const *c)
{
    if (!c)
        return false;
    if (valueTag(*c) == T_Boolean)
        return c->val.boolval.boolval;
    if (valueTag(*c) == T_Integer)
        return c->val.ival.ival != 0;
    if (valueTag(*c) != T_String)
        return false;
    std::string v(str(c->val.sval.sval));
    for (char &ch : v)
        ch = (ch >= 'A' && ch <= 'Z') ? static_cast<char>(ch - 'A' + 'a') : ch;
    while (!v.empty() && (v.back() == ' ' || v.back() == '\t' || v.back() == '\n'))
        v.pop_back();
    while (!v.empty() && (v.front() == ' ' || v.front() == '\t' || v.front() == '\n'))
        v.erase(v.begin());
    if (v.empty())
        return false;
    const auto prefixOf = [&](std::string_view word) { return word.substr(0, v.size()) == v; };
    return prefixOf("true") || prefixOf("yes") || v == "on" || v == "1";
}

std::string lower(std::string_view s)
{
    std::string out(s);
    for (char &c : out)
        c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    return out;
}

} // namespace

void ConstantUse::clear()
{
    seen.clear();
    consulted.clear();
}

std::vector<int> ConstantUse::inert()
{
    std::sort(seen.begin(), seen.end());
    std::sort(consulted.begin(), consulted.end());
    std::vector<int> out;
    std::set_difference(seen.begin(), seen.end(), consulted.begin(), consulted.end(), std::back_inserter(out));
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

const A_Const *FactCollector::consultConstant(const Node *n)
{
    const A_Const *c = constantOf(n);
    if (c)
        m_constants.consulted.push_back(c->location);
    return c;
}

void FactCollector::visit(const Node *n)
{
    if (!n || m_failed)
        return;
    DepthGuard guard(*this);
    if (guard.stop())
        return;
    switch (nodeTag(n)) {
    case T_ColumnRef:
        columnRef(*as<ColumnRef>(n));
        return;
    case T_FuncCall:
        funcCall(*as<FuncCall>(n));
        return;
    case T_SubLink:
        subLink(*as<SubLink>(n));
        return;
    case T_SelectStmt:
    case T_InsertStmt:
    case T_UpdateStmt:
    case T_DeleteStmt:
    case T_MergeStmt:
        query(n, true);
        return;
    case T_ResTarget: {
        const auto &rt = *as<ResTarget>(n);
        visit(rt.val);
        visitAll(rt.indirection);
        return;
    }
    case T_List:
        // A List held in a Node * field (IN (...), a VALUES row, a FROM function with its column
        // definitions) is a level of its own, as in PostgreSQL's own tree walkers.
        for (const Node *item : items(n)) {
            if (m_failed)
                break;
            visit(item);
        }
        return;
    case T_IntList:
    case T_OidList:
        return;
    // Leaves, and names that are not data: a RangeVar outside a FROM clause is the object of
    // DDL (CREATE INDEX ON t, LIKE t), never a read of its rows.
    case T_A_Const:
        m_constants.seen.push_back(as<A_Const>(n)->location);
        return;
    case T_String:
    case T_Integer:
    case T_Float:
    case T_Boolean:
    case T_BitString:
    case T_ParamRef:
    case T_A_Star:
    case T_TypeName:
    case T_RangeVar:
    case T_RoleSpec:
    case T_Alias:
    case T_SQLValueFunction:
        return;
    // A SET inside CREATE FUNCTION or ALTER ROLE is not run by this statement; the statement
    // handlers record the settings a statement does change.
    case T_VariableSetStmt:
        return;
    default:
        visitChildren(n);
        return;
    }
}

void FactCollector::visitAll(const List *l)
{
    for (const Node *item : items(l)) {
        if (m_failed)
            break;
        visit(item);
    }
}

void FactCollector::visitChildren(const Node *n)
{
    const RawNodeType *type = rawNodeType(nodeTag(n));
    if (!type) {
        unexpectedNode(n);
        return;
    }
    for (const RawChild &c : rawChildren(*type)) {
        if (m_failed)
            return;
        const Node *child = childAt(n, c);
        if (!child)
            continue;
        if (c.kind == ChildKind::List && nodeTag(child) == T_List)
            visitAll(as<List>(child)); // a List * field: its items, at this node's level
        else
            visit(child);
    }
}

void FactCollector::unexpectedNode(const Node *n)
{
    fail("cannot analyze: unexpected parse node " + std::to_string(static_cast<int>(nodeTag(n))));
}

void FactCollector::funcCall(const FuncCall &f)
{
    functionUse(f);
    const ListNodes funcname = items(f.funcname);
    const ListNodes args = items(f.args);
    const std::size_t n = funcname.size();
    const std::string_view name = n ? stringOf(funcname[n - 1]) : std::string_view();
    const std::string_view schema = n >= 2 ? stringOf(funcname[n - 2]) : std::string_view();
    if (n <= 2 && (schema.empty() || schema == "pg_catalog")) {
        if (name == "set_config") {
            // set_config(name, value, is_local): the setting is known only when named by a constant.
            SettingUse s;
            s.kind = SettingUse::Kind::SetConfig;
            bool constant = false;
            if (args.size() >= 1) {
                const std::string_view setting = stringConstant(consultConstant(args[0]), constant);
                if (constant)
                    s.name = lower(setting);
            }
            s.local = args.size() >= 3 && trueConstant(consultConstant(args[2]));
            s.location = f.location;
            m_facts->settings.push_back(std::move(s));
        } else if (name == "current_setting") {
            SettingUse s;
            s.kind = SettingUse::Kind::Show;
            bool constant = false;
            if (args.size() >= 1) {
                const std::string_view setting = stringConstant(consultConstant(args[0]), constant);
                if (constant)
                    s.name = lower(setting);
            }
            s.location = f.location;
            m_facts->settings.push_back(std::move(s));
        } else if (name == "pg_notify") {
            m_facts->listenNotify = true;
        }
    }
    visitAll(f.args);
    visitAll(f.agg_order);
    visit(f.agg_filter);
    visit(as<Node>(f.over));
}

void FactCollector::subLink(const SubLink &s)
{
    visit(s.testexpr);
    query(s.subselect, true);
}

std::string_view FactCollector::figureName(const Node *n) const
{
    // The column name PostgreSQL gives an unaliased output (FigureColname), for the common cases.
    if (!n)
        return {};
    switch (nodeTag(n)) {
    case T_ColumnRef:
        if (const ListNodes fields = items(as<ColumnRef>(n)->fields); !fields.empty())
            return stringOf(fields.back());
        return {};
    case T_FuncCall:
        if (const ListNodes funcname = items(as<FuncCall>(n)->funcname); !funcname.empty())
            return stringOf(funcname.back());
        return {};
    case T_TypeCast: {
        const auto &cast = *as<TypeCast>(n);
        if (const std::string_view inner = figureName(cast.arg); !inner.empty())
            return inner;
        if (const ListNodes names = items(cast.typeName ? cast.typeName->names : nullptr); !names.empty())
            return stringOf(names.back());
        return {};
    }
    case T_A_Indirection: {
        const auto &ind = *as<A_Indirection>(n);
        if (const ListNodes indirection = items(ind.indirection); !indirection.empty()) {
            if (const std::string_view field = stringOf(indirection.back()); !field.empty())
                return field;
            return figureName(ind.arg);
        }
        return {};
    }
    case T_CaseExpr: return "case";
    case T_A_ArrayExpr: return "array";
    case T_RowExpr: return "row";
    case T_CoalesceExpr: return "coalesce";
    case T_NullIfExpr: return "nullif";
    case T_MinMaxExpr:
        return as<MinMaxExpr>(n)->op == IS_GREATEST ? "greatest" : "least";
    default:
        return {};
    }
}

void FactCollector::fail(std::string message)
{
    if (!m_failed) {
        m_failed = true;
        m_error = std::move(message);
    }
}

} // namespace writ::sql::detail
