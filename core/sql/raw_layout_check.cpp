// SPDX-License-Identifier: Apache-2.0
// The analyzer reads libpg_query's parse tree through the PostgreSQL 15 server headers installed on
// the build machine, while libpg_query was compiled from its own copy of the PostgreSQL sources. The
// two agree today (scripts/gen-raw-nodes compares the headers with libpg_query's description of its
// structs), but a minor release could renumber a tag or move a field. Before the first analysis, this
// parses statements whose trees are known and checks the tags and fields the walk reads; a mismatch
// makes every analysis a refusal naming it (fail closed) instead of reading the wrong memory.

#include "sql/raw_tree.h"

namespace writ::sql::detail {

namespace {

class LayoutCheck
{
public:
    /// The node `n` when it has `tag`, else nullptr (and the first problem is recorded).
    template<typename T>
    const T *node(const void *n, NodeTag tag, const char *what)
    {
        // A field read at a wrong offset is usually a small integer or flag: never dereference those.
        if (!n || reinterpret_cast<std::uintptr_t>(n) < 4096) {
            fail(std::string(what) + " is missing");
            return nullptr;
        }
        if (nodeTag(n) != tag) {
            fail(std::string(what) + " has tag " + std::to_string(static_cast<int>(nodeTag(n))) + ", expected "
                + std::to_string(static_cast<int>(tag)) + " (" + rawNodeName(tag) + ")");
            return nullptr;
        }
        return static_cast<const T *>(n);
    }

    /// The n-th element of a List of `count` elements.
    const Node *element(const List *l, int count, int n, const char *what)
    {
        if (!node<List>(l, T_List, what))
            return nullptr;
        if (l->length != count) {
            fail(std::string(what) + " has " + std::to_string(l->length) + " elements, expected " + std::to_string(count));
            return nullptr;
        }
        return items(l)[static_cast<std::size_t>(n)];
    }

    void expect(bool ok, const char *what)
    {
        if (!ok)
            fail(what);
    }

    void expectName(const Node *n, std::string_view name, const char *what)
    {
        if (const String *s = node<String>(n, T_String, what))
            expect(str(s->sval) == name, what);
    }

    void expectInteger(const Node *n, int value, const char *what)
    {
        if (const A_Const *c = node<A_Const>(n, T_A_Const, what))
            expect(!c->isnull && nodeTag(&c->val) == T_Integer && c->val.ival.ival == value, what);
    }

    const std::string &problem() const { return m_problem; }

private:
    void fail(std::string what)
    {
        if (m_problem.empty())
            m_problem = std::move(what);
    }

    std::string m_problem;
};

/// The single statement of a parse, checking the RawStmt wrapper around it.
const Node *statementOf(LayoutCheck &c, const RawParse &parse)
{
    const auto *raw = c.node<RawStmt>(c.element(parse.tree(), 1, 0, "the statement list"), T_RawStmt, "RawStmt");
    if (!raw)
        return nullptr;
    c.expect(raw->stmt_location == 0 && raw->stmt_len == 0, "RawStmt.stmt_location/stmt_len");
    return raw->stmt;
}

// Byte offsets the parser records: `a` 7, `s.t` 14, `=` 26, `2` 36.
const char *const kSelect = "SELECT a FROM s.t WHERE b = 1 LIMIT 2";

void checkSelect(LayoutCheck &c)
{
    const RawParse parse(kSelect);
    if (parse.error()) {
        c.expect(false, "the parser rejects the check's SELECT");
        return;
    }
    const auto *s = c.node<SelectStmt>(statementOf(c, parse), T_SelectStmt, "SelectStmt");
    if (!s)
        return;
    c.expect(
        s->op == SETOP_NONE && !s->larg && !s->rarg && !s->intoClause && !s->withClause, "SelectStmt.op/larg/rarg/into/with");
    c.expect(!s->distinctClause && !s->groupClause && !s->havingClause && !s->windowClause && !s->valuesLists && !s->sortClause
            && !s->limitOffset && !s->lockingClause,
        "SelectStmt's empty clauses");
    // limitOption is not checked: its enum differs between libpg_query and the headers (see
    // scripts/gen-raw-nodes), and the analyzer never reads it.

    if (const auto *rt = c.node<ResTarget>(c.element(s->targetList, 1, 0, "SelectStmt.targetList"), T_ResTarget, "ResTarget")) {
        c.expect(!rt->name && !rt->indirection && rt->location == 7, "ResTarget.name/indirection/location");
        if (const auto *ref = c.node<ColumnRef>(rt->val, T_ColumnRef, "ResTarget.val")) {
            c.expectName(c.element(ref->fields, 1, 0, "ColumnRef.fields"), "a", "ColumnRef.fields");
            c.expect(ref->location == 7, "ColumnRef.location");
        }
    }
    if (const auto *rv = c.node<RangeVar>(c.element(s->fromClause, 1, 0, "SelectStmt.fromClause"), T_RangeVar, "RangeVar")) {
        c.expect(!rv->catalogname && str(rv->schemaname) == "s" && str(rv->relname) == "t", "RangeVar names");
        c.expect(rv->inh && rv->relpersistence == 'p' && !rv->alias && rv->location == 14,
            "RangeVar.inh/relpersistence/alias/location"); // 'p': RELPERSISTENCE_PERMANENT
    }
    if (const auto *e = c.node<A_Expr>(s->whereClause, T_A_Expr, "SelectStmt.whereClause")) {
        c.expect(e->kind == AEXPR_OP && e->location == 26, "A_Expr.kind/location");
        c.expectName(c.element(e->name, 1, 0, "A_Expr.name"), "=", "A_Expr.name");
        if (const auto *l = c.node<ColumnRef>(e->lexpr, T_ColumnRef, "A_Expr.lexpr"))
            c.expectName(c.element(l->fields, 1, 0, "ColumnRef.fields"), "b", "ColumnRef.fields");
        c.expectInteger(e->rexpr, 1, "A_Expr.rexpr");
    }
    c.expectInteger(s->limitCount, 2, "SelectStmt.limitCount");
    if (const auto *limit = c.node<A_Const>(s->limitCount, T_A_Const, "SelectStmt.limitCount"))
        c.expect(limit->location == 36, "A_Const.location");
}

// `f(x)` starts at byte 46.
const char *const kInsert
    = "WITH w AS (SELECT 1) INSERT INTO t (c) SELECT f(x) FROM w ON CONFLICT (c) DO UPDATE SET c = $1 RETURNING *";

void checkInsert(LayoutCheck &c)
{
    const RawParse parse(kInsert);
    if (parse.error()) {
        c.expect(false, "the parser rejects the check's INSERT");
        return;
    }
    const auto *s = c.node<InsertStmt>(statementOf(c, parse), T_InsertStmt, "InsertStmt");
    if (!s)
        return;
    if (const auto *w = c.node<WithClause>(s->withClause, T_WithClause, "InsertStmt.withClause")) {
        c.expect(!w->recursive, "WithClause.recursive");
        if (const auto *cte
            = c.node<CommonTableExpr>(c.element(w->ctes, 1, 0, "WithClause.ctes"), T_CommonTableExpr, "CommonTableExpr")) {
            c.expect(str(cte->ctename) == "w" && !cte->aliascolnames, "CommonTableExpr.ctename/aliascolnames");
            c.node<SelectStmt>(cte->ctequery, T_SelectStmt, "CommonTableExpr.ctequery");
        }
    }
    if (const auto *rv = c.node<RangeVar>(s->relation, T_RangeVar, "InsertStmt.relation"))
        c.expect(str(rv->relname) == "t", "InsertStmt.relation");
    if (const auto *col = c.node<ResTarget>(c.element(s->cols, 1, 0, "InsertStmt.cols"), T_ResTarget, "InsertStmt.cols"))
        c.expect(str(col->name) == "c" && !col->val, "InsertStmt.cols");
    if (const auto *src = c.node<SelectStmt>(s->selectStmt, T_SelectStmt, "InsertStmt.selectStmt")) {
        const auto *rt = c.node<ResTarget>(c.element(src->targetList, 1, 0, "SelectStmt.targetList"), T_ResTarget, "ResTarget");
        if (const auto *f = rt ? c.node<FuncCall>(rt->val, T_FuncCall, "ResTarget.val") : nullptr) {
            c.expectName(c.element(f->funcname, 1, 0, "FuncCall.funcname"), "f", "FuncCall.funcname");
            c.node<ColumnRef>(c.element(f->args, 1, 0, "FuncCall.args"), T_ColumnRef, "FuncCall.args");
            c.expect(!f->agg_order && !f->agg_filter && !f->over && f->funcformat == COERCE_EXPLICIT_CALL && f->location == 46,
                "FuncCall.agg_order/agg_filter/over/funcformat/location");
        }
    }
    if (const auto *oc = c.node<OnConflictClause>(s->onConflictClause, T_OnConflictClause, "InsertStmt.onConflictClause")) {
        c.expect(oc->action == ONCONFLICT_UPDATE && !oc->whereClause, "OnConflictClause.action/whereClause");
        if (const auto *infer = c.node<InferClause>(oc->infer, T_InferClause, "OnConflictClause.infer")) {
            const auto *e
                = c.node<IndexElem>(c.element(infer->indexElems, 1, 0, "InferClause.indexElems"), T_IndexElem, "IndexElem");
            c.expect(e && str(e->name) == "c" && !e->expr && !infer->whereClause, "IndexElem.name/expr, InferClause.whereClause");
        }
        if (const auto *set
            = c.node<ResTarget>(c.element(oc->targetList, 1, 0, "OnConflictClause.targetList"), T_ResTarget, "ResTarget"))
            c.node<ParamRef>(set->val, T_ParamRef, "ResTarget.val");
    }
    if (const auto *ret
        = c.node<ResTarget>(c.element(s->returningList, 1, 0, "InsertStmt.returningList"), T_ResTarget, "ResTarget"))
        if (const auto *ref = c.node<ColumnRef>(ret->val, T_ColumnRef, "ResTarget.val"))
            c.node<A_Star>(c.element(ref->fields, 1, 0, "ColumnRef.fields"), T_A_Star, "ColumnRef.fields");
}

const char *const kMerge = "MERGE INTO t USING s ON t.a = s.a OR NOT s.b WHEN MATCHED THEN UPDATE SET a = greatest(1, 2) "
                           "WHEN NOT MATCHED THEN INSERT (a) VALUES (extract(year FROM (SELECT 1)))";

void checkMerge(LayoutCheck &c)
{
    const RawParse parse(kMerge);
    if (parse.error()) {
        c.expect(false, "the parser rejects the check's MERGE");
        return;
    }
    const auto *s = c.node<MergeStmt>(statementOf(c, parse), T_MergeStmt, "MergeStmt");
    if (!s)
        return;
    c.node<RangeVar>(s->relation, T_RangeVar, "MergeStmt.relation");
    c.node<RangeVar>(s->sourceRelation, T_RangeVar, "MergeStmt.sourceRelation");
    c.expect(!s->withClause, "MergeStmt.withClause");
    if (const auto *b = c.node<BoolExpr>(s->joinCondition, T_BoolExpr, "MergeStmt.joinCondition")) {
        c.expect(b->boolop == OR_EXPR, "BoolExpr.boolop");
        c.node<BoolExpr>(c.element(b->args, 2, 1, "BoolExpr.args"), T_BoolExpr, "BoolExpr.args");
    }
    if (const auto *w = c.node<MergeWhenClause>(
            c.element(s->mergeWhenClauses, 2, 0, "MergeStmt.mergeWhenClauses"), T_MergeWhenClause, "MergeWhenClause")) {
        c.expect(w->matched && w->commandType == CMD_UPDATE && !w->condition && !w->values, "MergeWhenClause (UPDATE)");
        if (const auto *set
            = c.node<ResTarget>(c.element(w->targetList, 1, 0, "MergeWhenClause.targetList"), T_ResTarget, "ResTarget"))
            if (const auto *m = c.node<MinMaxExpr>(set->val, T_MinMaxExpr, "ResTarget.val"))
                c.expect(m->op == IS_GREATEST && items(m->args).size() == 2, "MinMaxExpr.op/args");
    }
    if (const auto *w = c.node<MergeWhenClause>(
            c.element(s->mergeWhenClauses, 2, 1, "MergeStmt.mergeWhenClauses"), T_MergeWhenClause, "MergeWhenClause")) {
        c.expect(!w->matched && w->commandType == CMD_INSERT, "MergeWhenClause (INSERT)");
        c.node<ResTarget>(c.element(w->targetList, 1, 0, "MergeWhenClause.targetList"), T_ResTarget, "ResTarget");
        if (const auto *f = c.node<FuncCall>(c.element(w->values, 1, 0, "MergeWhenClause.values"), T_FuncCall, "FuncCall")) {
            c.expect(f->funcformat == COERCE_SQL_SYNTAX, "FuncCall.funcformat");
            if (const auto *sub = c.node<SubLink>(c.element(f->args, 2, 1, "FuncCall.args"), T_SubLink, "SubLink")) {
                c.expect(sub->subLinkType == EXPR_SUBLINK && !sub->testexpr, "SubLink.subLinkType/testexpr");
                c.node<SelectStmt>(sub->subselect, T_SelectStmt, "SubLink.subselect");
            }
        }
    }
}

void checkSet(LayoutCheck &c)
{
    const RawParse parse("SET LOCAL search_path TO a");
    if (parse.error()) {
        c.expect(false, "the parser rejects the check's SET");
        return;
    }
    if (const auto *s = c.node<VariableSetStmt>(statementOf(c, parse), T_VariableSetStmt, "VariableSetStmt")) {
        c.expect(s->kind == VAR_SET_VALUE && s->is_local && str(s->name) == "search_path", "VariableSetStmt.kind/is_local/name");
        c.node<A_Const>(c.element(s->args, 1, 0, "VariableSetStmt.args"), T_A_Const, "VariableSetStmt.args");
    }
}

std::string check()
{
    LayoutCheck c;
    for (void (*part)(LayoutCheck &) : {checkSelect, checkInsert, checkMerge, checkSet}) {
        part(c);
        if (!c.problem().empty())
            break;
    }
    if (c.problem().empty())
        return {};
    return "libpg_query's parse tree does not have the layout of the installed PostgreSQL headers (" + c.problem()
        + "); rebuild Writ against the headers of the PostgreSQL release libpg_query was built from";
}

} // namespace

const std::string &rawLayoutProblem()
{
    static const std::string problem = check();
    return problem;
}

} // namespace writ::sql::detail
