// SPDX-License-Identifier: Apache-2.0
// Expressions of FactCollector: column references, function calls, sub-selects, and a generic
// walk over every other node through protobuf-c's descriptors, so a sub-select or function call
// inside any construct (XMLTABLE, GROUPING SETS, CREATE POLICY USING, ...) is found without a
// handler per node type (see fact_collector.h).

#include "sql/fact_collector.h"

#include <cstring>

namespace writ::sql::detail {

namespace {

/// The constant a node holds, looking through casts ('on'::boolean).
const PgQuery__AConst *constantOf(const PbNode *n)
{
    while (n && n->node_case == PG_QUERY__NODE__NODE_TYPE_CAST && n->type_cast)
        n = n->type_cast->arg;
    return n && n->node_case == PG_QUERY__NODE__NODE_A_CONST ? n->a_const : nullptr;
}

std::string_view stringConstant(const PbNode *n, bool &isConstant)
{
    const PgQuery__AConst *c = constantOf(n);
    isConstant = c && c->val_case == PG_QUERY__A__CONST__VAL_SVAL && c->sval;
    return isConstant ? str(c->sval->sval) : std::string_view();
}

/// A boolean constant that PostgreSQL's boolin reads as true.
bool trueConstant(const PbNode *n)
{
    const PgQuery__AConst *c = constantOf(n);
    if (!c)
        return false;
    if (c->val_case == PG_QUERY__A__CONST__VAL_BOOLVAL)
        return c->boolval && c->boolval->boolval;
    if (c->val_case == PG_QUERY__A__CONST__VAL_IVAL)
        return c->ival && c->ival->ival != 0;
    if (c->val_case != PG_QUERY__A__CONST__VAL_SVAL || !c->sval)
        return false;
    std::string v(str(c->sval->sval));
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

void FactCollector::visit(const PbNode *n)
{
    if (!n || n->node_case == PG_QUERY__NODE__NODE__NOT_SET || m_failed)
        return;
    visitMessage(n->node_case, payload(n));
}

void FactCollector::visitAll(std::size_t n, PbNode *const *items)
{
    for (std::size_t i = 0; i < n && !m_failed; ++i)
        visit(items[i]);
}

void FactCollector::visitMessage(int nodeCase, const ProtobufCMessage *m)
{
    if (!m || m_failed)
        return;
    DepthGuard guard(*this);
    if (guard.stop())
        return;
    switch (nodeCase) {
    case PG_QUERY__NODE__NODE_COLUMN_REF:
        columnRef(*as<PgQuery__ColumnRef>(m));
        return;
    case PG_QUERY__NODE__NODE_FUNC_CALL:
        funcCall(*as<PgQuery__FuncCall>(m));
        return;
    case PG_QUERY__NODE__NODE_SUB_LINK:
        subLink(*as<PgQuery__SubLink>(m));
        return;
    case PG_QUERY__NODE__NODE_SELECT_STMT:
    case PG_QUERY__NODE__NODE_INSERT_STMT:
    case PG_QUERY__NODE__NODE_UPDATE_STMT:
    case PG_QUERY__NODE__NODE_DELETE_STMT:
    case PG_QUERY__NODE__NODE_MERGE_STMT:
        query(nodeCase, m, true);
        return;
    case PG_QUERY__NODE__NODE_RES_TARGET: {
        const auto &rt = *as<PgQuery__ResTarget>(m);
        visit(rt.val);
        visitAll(rt.n_indirection, rt.indirection);
        return;
    }
    // Leaves, and names that are not data: a RangeVar outside a FROM clause is the object of
    // DDL (CREATE INDEX ON t, LIKE t), never a read of its rows.
    case PG_QUERY__NODE__NODE_A_CONST:
    case PG_QUERY__NODE__NODE_STRING:
    case PG_QUERY__NODE__NODE_INTEGER:
    case PG_QUERY__NODE__NODE_FLOAT:
    case PG_QUERY__NODE__NODE_BOOLEAN:
    case PG_QUERY__NODE__NODE_BIT_STRING:
    case PG_QUERY__NODE__NODE_PARAM_REF:
    case PG_QUERY__NODE__NODE_A_STAR:
    case PG_QUERY__NODE__NODE_TYPE_NAME:
    case PG_QUERY__NODE__NODE_RANGE_VAR:
    case PG_QUERY__NODE__NODE_ROLE_SPEC:
    case PG_QUERY__NODE__NODE_ALIAS:
    case PG_QUERY__NODE__NODE_SQLVALUE_FUNCTION:
        return;
    // A SET inside CREATE FUNCTION or ALTER ROLE is not run by this statement; the statement
    // handlers record the settings a statement does change.
    case PG_QUERY__NODE__NODE_VARIABLE_SET_STMT:
        return;
    default:
        visitChildren(m);
        return;
    }
}

void FactCollector::visitChildren(const ProtobufCMessage *m)
{
    const ProtobufCMessageDescriptor *d = m->descriptor;
    const char *base = reinterpret_cast<const char *>(m);
    for (unsigned i = 0; i < d->n_fields && !m_failed; ++i) {
        const ProtobufCFieldDescriptor &f = d->fields[i];
        if (f.type != PROTOBUF_C_TYPE_MESSAGE)
            continue;
        const bool isNode = f.descriptor == &pg_query__node__descriptor;
        const int childCase = isNode ? 0 : nodeCaseOf(static_cast<const ProtobufCMessageDescriptor *>(f.descriptor));
        if (f.label == PROTOBUF_C_LABEL_REPEATED) {
            std::size_t n = 0;
            std::memcpy(&n, base + f.quantifier_offset, sizeof n);
            ProtobufCMessage *const *items = nullptr;
            std::memcpy(&items, base + f.offset, sizeof items);
            for (std::size_t k = 0; k < n && !m_failed; ++k) {
                if (isNode)
                    visit(reinterpret_cast<const PbNode *>(items[k]));
                else
                    visitMessage(childCase, items[k]);
            }
            continue;
        }
        if (f.flags & PROTOBUF_C_FIELD_FLAG_ONEOF) {
            std::uint32_t which = 0;
            std::memcpy(&which, base + f.quantifier_offset, sizeof which);
            if (which != f.id)
                continue;
        }
        const ProtobufCMessage *child = nullptr;
        std::memcpy(&child, base + f.offset, sizeof child);
        if (!child)
            continue;
        if (isNode)
            visit(reinterpret_cast<const PbNode *>(child));
        else
            visitMessage(childCase, child);
    }
}

void FactCollector::funcCall(const PgQuery__FuncCall &f)
{
    functionUse(f);
    const std::size_t n = f.n_funcname;
    const std::string_view name = n ? stringOf(f.funcname[n - 1]) : std::string_view();
    const std::string_view schema = n >= 2 ? stringOf(f.funcname[n - 2]) : std::string_view();
    if (n <= 2 && (schema.empty() || schema == "pg_catalog")) {
        if (name == "set_config") {
            // set_config(name, value, is_local): the setting is known only when named by a constant.
            SettingUse s;
            s.kind = SettingUse::Kind::SetConfig;
            bool constant = false;
            if (f.n_args >= 1) {
                const std::string_view setting = stringConstant(f.args[0], constant);
                if (constant)
                    s.name = lower(setting);
            }
            s.local = f.n_args >= 3 && trueConstant(f.args[2]);
            s.location = f.location;
            m_facts->settings.push_back(std::move(s));
        } else if (name == "current_setting") {
            SettingUse s;
            s.kind = SettingUse::Kind::Show;
            bool constant = false;
            if (f.n_args >= 1) {
                const std::string_view setting = stringConstant(f.args[0], constant);
                if (constant)
                    s.name = lower(setting);
            }
            s.location = f.location;
            m_facts->settings.push_back(std::move(s));
        } else if (name == "pg_notify") {
            m_facts->listenNotify = true;
        }
    }
    visitAll(f.n_args, f.args);
    visitAll(f.n_agg_order, f.agg_order);
    visit(f.agg_filter);
    if (f.over)
        visitMessage(PG_QUERY__NODE__NODE_WINDOW_DEF, &f.over->base);
}

void FactCollector::subLink(const PgQuery__SubLink &s)
{
    visit(s.testexpr);
    query(s.subselect, true);
}

std::string_view FactCollector::figureName(const PbNode *n) const
{
    // The column name PostgreSQL gives an unaliased output (FigureColname), for the common cases.
    if (!n)
        return {};
    switch (n->node_case) {
    case PG_QUERY__NODE__NODE_COLUMN_REF:
        if (n->column_ref && n->column_ref->n_fields > 0)
            return stringOf(n->column_ref->fields[n->column_ref->n_fields - 1]);
        return {};
    case PG_QUERY__NODE__NODE_FUNC_CALL:
        if (n->func_call && n->func_call->n_funcname > 0)
            return stringOf(n->func_call->funcname[n->func_call->n_funcname - 1]);
        return {};
    case PG_QUERY__NODE__NODE_TYPE_CAST:
        if (n->type_cast) {
            if (const std::string_view inner = figureName(n->type_cast->arg); !inner.empty())
                return inner;
            if (n->type_cast->type_name && n->type_cast->type_name->n_names > 0)
                return stringOf(n->type_cast->type_name->names[n->type_cast->type_name->n_names - 1]);
        }
        return {};
    case PG_QUERY__NODE__NODE_A_INDIRECTION:
        if (n->a_indirection && n->a_indirection->n_indirection > 0) {
            const PbNode *last = n->a_indirection->indirection[n->a_indirection->n_indirection - 1];
            if (const std::string_view field = stringOf(last); !field.empty())
                return field;
            return figureName(n->a_indirection->arg);
        }
        return {};
    case PG_QUERY__NODE__NODE_CASE_EXPR: return "case";
    case PG_QUERY__NODE__NODE_A_ARRAY_EXPR: return "array";
    case PG_QUERY__NODE__NODE_ROW_EXPR: return "row";
    case PG_QUERY__NODE__NODE_COALESCE_EXPR: return "coalesce";
    case PG_QUERY__NODE__NODE_NULL_IF_EXPR: return "nullif";
    case PG_QUERY__NODE__NODE_MIN_MAX_EXPR:
        return n->min_max_expr && n->min_max_expr->op == PG_QUERY__MIN_MAX_OP__IS_GREATEST ? "greatest" : "least";
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
