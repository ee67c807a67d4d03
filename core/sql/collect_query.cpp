// SPDX-License-Identifier: Apache-2.0
// Query levels of FactCollector: SELECT (with set operations and VALUES), INSERT, UPDATE, DELETE,
// MERGE, their FROM items and WITH clauses (see fact_collector.h).

#include "sql/fact_collector.h"

#include <algorithm>

namespace writ::sql::detail {

namespace {

const PgQuery__SelectStmt *selectOf(const PbNode *n)
{
    return n && n->node_case == PG_QUERY__NODE__NODE_SELECT_STMT ? n->select_stmt : nullptr;
}

} // namespace

// ---- levels

void FactCollector::pushLevel(bool lateral)
{
    Level l;
    l.itemsBegin = static_cast<int>(m_ws.items.size());
    l.ctesBegin = static_cast<int>(m_ws.ctes.size());
    const int current = currentLevel();
    if (current >= 0) {
        if (lateral) {
            l.parent = current;
            l.parentItemsEnd = static_cast<int>(m_ws.items.size());
        } else {
            // A sub-select in FROM sees the levels above its query, not its siblings.
            l.parent = m_ws.levels[current].parent;
            l.parentItemsEnd = m_ws.levels[current].parentItemsEnd;
        }
    }
    m_ws.levels.push_back(l);
}

void FactCollector::popLevel()
{
    const Level l = m_ws.levels.back();
    m_ws.levels.pop_back();
    m_ws.items.resize(static_cast<std::size_t>(l.itemsBegin));
    m_ws.ctes.resize(static_cast<std::size_t>(l.ctesBegin));
}

Outputs FactCollector::query(const PbNode *n, bool lateral)
{
    if (!n || n->node_case == PG_QUERY__NODE__NODE__NOT_SET)
        return Outputs{0, 0, false, -1};
    return query(n->node_case, payload(n), lateral);
}

Outputs FactCollector::query(int nodeCase, const ProtobufCMessage *m, bool lateral)
{
    if (!m || m_failed)
        return Outputs{0, 0, false, -1};
    switch (nodeCase) {
    case PG_QUERY__NODE__NODE_SELECT_STMT:
        return selectStmt(*as<PgQuery__SelectStmt>(m), lateral);
    case PG_QUERY__NODE__NODE_INSERT_STMT:
        return insertStmt(*as<PgQuery__InsertStmt>(m));
    case PG_QUERY__NODE__NODE_UPDATE_STMT:
        return updateStmt(*as<PgQuery__UpdateStmt>(m));
    case PG_QUERY__NODE__NODE_DELETE_STMT:
        return deleteStmt(*as<PgQuery__DeleteStmt>(m));
    case PG_QUERY__NODE__NODE_MERGE_STMT:
        return mergeStmt(*as<PgQuery__MergeStmt>(m));
    default:
        visitMessage(nodeCase, m);
        return Outputs{0, 0, false, -1};
    }
}

// ---- SELECT

Outputs FactCollector::selectStmt(const PgQuery__SelectStmt &s, bool lateral)
{
    DepthGuard guard(*this);
    if (guard.stop())
        return Outputs{0, 0, false, -1};
    pushLevel(lateral);
    withClause(s.with_clause);
    if (s.into_clause)
        m_selectInto = true;

    Outputs out;
    if (s.op != PG_QUERY__SET_OPERATION__SETOP_NONE && s.op != PG_QUERY__SET_OPERATION__SET_OPERATION_UNDEFINED) {
        // Each arm is a query of its own at this nesting; the result is named by the left arm.
        const int touched = static_cast<int>(m_ws.touched.size());
        out = s.larg ? selectStmt(*s.larg, false) : Outputs{0, 0, false, -1};
        if (s.rarg)
            selectStmt(*s.rarg, false);
        // ORDER BY and LIMIT of a set operation can name its output columns.
        derivedItem("", nullptr, out, touched);
        visitAll(s.n_sort_clause, s.sort_clause);
        visit(s.limit_offset);
        visit(s.limit_count);
    } else if (s.n_values_lists > 0) {
        visitAll(s.n_values_lists, s.values_lists);
        const PbNode *first = s.values_lists[0];
        out.count = first && first->node_case == PG_QUERY__NODE__NODE_LIST && first->list
            ? static_cast<int>(first->list->n_items) : -1;
        out.namesKnown = false; // column1, column2, ...: only reachable through an alias
        out.namesBegin = out.namesEnd = static_cast<int>(m_ws.names.size());
        visitAll(s.n_sort_clause, s.sort_clause);
        visit(s.limit_offset);
        visit(s.limit_count);
    } else {
        for (std::size_t i = 0; i < s.n_from_clause && !m_failed; ++i)
            fromItem(s.from_clause[i]);
        visitAll(s.n_target_list, s.target_list);
        visit(s.where_clause);
        visitAll(s.n_group_clause, s.group_clause);
        visit(s.having_clause);
        visitAll(s.n_window_clause, s.window_clause);
        visitAll(s.n_distinct_clause, s.distinct_clause);
        visitAll(s.n_sort_clause, s.sort_clause);
        visit(s.limit_offset);
        visit(s.limit_count);
        applyLocking(s.n_locking_clause, s.locking_clause);
        out = targetOutputs(s.n_target_list, s.target_list);
    }
    popLevel();
    return out;
}

Outputs FactCollector::targetOutputs(std::size_t n, PbNode *const *targets)
{
    Outputs out;
    out.namesBegin = static_cast<int>(m_ws.names.size());
    out.count = static_cast<int>(n);
    for (std::size_t i = 0; i < n; ++i) {
        const PbNode *t = targets[i];
        if (!t || t->node_case != PG_QUERY__NODE__NODE_RES_TARGET || !t->res_target)
            continue;
        const PgQuery__ResTarget &rt = *t->res_target;
        if (!str(rt.name).empty()) {
            m_ws.names.push_back(str(rt.name));
            continue;
        }
        const PbNode *v = rt.val;
        if (v && v->node_case == PG_QUERY__NODE__NODE_COLUMN_REF && v->column_ref && v->column_ref->n_fields > 0) {
            const PgQuery__ColumnRef &c = *v->column_ref;
            if (c.fields[c.n_fields - 1] && c.fields[c.n_fields - 1]->node_case == PG_QUERY__NODE__NODE_A_STAR) {
                out.count = -1;
                if (c.n_fields == 1) {
                    const int level = currentLevel();
                    for (std::size_t k = static_cast<std::size_t>(m_ws.levels[level].itemsBegin); k < m_ws.items.size(); ++k)
                        if (m_ws.items[k].kind != ItemKind::Join)
                            itemNames(m_ws.items[k], out.namesKnown);
                } else {
                    const std::string_view schema = c.n_fields >= 3 ? stringOf(c.fields[c.n_fields - 3]) : std::string_view();
                    if (const int item = findItem(schema, stringOf(c.fields[c.n_fields - 2])); item >= 0)
                        itemNames(m_ws.items[item], out.namesKnown);
                    else
                        out.namesKnown = false;
                }
                continue;
            }
        }
        if (const std::string_view name = figureName(v); !name.empty())
            m_ws.names.push_back(name);
    }
    out.namesEnd = static_cast<int>(m_ws.names.size());
    return out;
}

void FactCollector::applyLocking(std::size_t n, PbNode *const *clauses)
{
    const int level = currentLevel();
    for (std::size_t i = 0; i < n; ++i) {
        const PbNode *c = clauses[i];
        if (!c || c->node_case != PG_QUERY__NODE__NODE_LOCKING_CLAUSE || !c->locking_clause)
            continue;
        const PgQuery__LockingClause &lc = *c->locking_clause;
        const int begin = m_ws.levels[level].itemsBegin;
        const int end = static_cast<int>(m_ws.items.size());
        if (lc.n_locked_rels == 0) {
            for (int k = begin; k < end; ++k)
                lockItem(m_ws.items[k]);
            continue;
        }
        // FOR UPDATE OF a, b names items of this level by their reference names.
        for (std::size_t r = 0; r < lc.n_locked_rels; ++r) {
            const PbNode *rv = lc.locked_rels[r];
            if (!rv || rv->node_case != PG_QUERY__NODE__NODE_RANGE_VAR || !rv->range_var)
                continue;
            const std::string_view name = str(rv->range_var->relname);
            for (int k = begin; k < end; ++k)
                if (m_ws.items[k].refname == name)
                    lockItem(m_ws.items[k]);
        }
    }
}

void FactCollector::lockItem(const Item &it)
{
    if (it.kind == ItemKind::Relation) {
        addAccess(it.relation, Access::Lock);
    } else if (it.kind == ItemKind::Derived) {
        // PostgreSQL pushes the lock down into sub-selects in FROM.
        for (int t = it.touchedBegin; t < it.touchedEnd; ++t)
            addAccess(m_ws.touched[t], Access::Lock);
    }
}

// ---- WITH

void FactCollector::withClause(const PgQuery__WithClause *w)
{
    if (!w || m_failed)
        return;
    DepthGuard guard(*this);
    if (guard.stop())
        return;
    const auto cteOf = [&](std::size_t i) -> const PgQuery__CommonTableExpr * {
        const PbNode *n = w->ctes[i];
        return n && n->node_case == PG_QUERY__NODE__NODE_COMMON_TABLE_EXPR ? n->common_table_expr : nullptr;
    };
    const std::size_t first = m_ws.ctes.size();
    if (w->recursive) {
        // Every CTE of WITH RECURSIVE is visible in all of their bodies, its own included.
        for (std::size_t i = 0; i < w->n_ctes; ++i) {
            Cte c;
            if (const auto *cte = cteOf(i))
                c.name = str(cte->ctename);
            m_ws.ctes.push_back(c);
        }
    }
    for (std::size_t i = 0; i < w->n_ctes && !m_failed; ++i) {
        const PgQuery__CommonTableExpr *cte = cteOf(i);
        if (!cte)
            continue;
        const Outputs out = query(cte->ctequery, true);
        Cte c;
        c.name = str(cte->ctename);
        c.namesKnown = out.namesKnown;
        if (cte->n_aliascolnames > 0) {
            // WITH c(a, b) AS (...) renames the first outputs.
            const int begin = static_cast<int>(m_ws.names.size());
            for (std::size_t k = 0; k < cte->n_aliascolnames; ++k)
                m_ws.names.push_back(stringOf(cte->aliascolnames[k]));
            for (int k = out.namesBegin + static_cast<int>(cte->n_aliascolnames); k < out.namesEnd; ++k)
                m_ws.names.push_back(m_ws.names[k]);
            c.namesBegin = begin;
            c.namesEnd = static_cast<int>(m_ws.names.size());
        } else {
            c.namesBegin = out.namesBegin;
            c.namesEnd = out.namesEnd;
        }
        if (w->recursive)
            m_ws.ctes[first + i] = c;
        else
            m_ws.ctes.push_back(c);
    }
}

// ---- FROM

void FactCollector::fromItem(const PbNode *n)
{
    if (!n || n->node_case == PG_QUERY__NODE__NODE__NOT_SET || m_failed)
        return;
    DepthGuard guard(*this);
    if (guard.stop())
        return;
    switch (n->node_case) {
    case PG_QUERY__NODE__NODE_RANGE_VAR:
        if (n->range_var)
            fromRangeVar(*n->range_var);
        return;
    case PG_QUERY__NODE__NODE_RANGE_SUBSELECT: {
        const PgQuery__RangeSubselect *rs = n->range_subselect;
        if (!rs)
            return;
        const int touched = static_cast<int>(m_ws.touched.size());
        const Outputs out = query(rs->subquery, rs->lateral);
        derivedItem(rs->alias ? str(rs->alias->aliasname) : std::string_view(), rs->alias, out, touched);
        return;
    }
    case PG_QUERY__NODE__NODE_RANGE_FUNCTION: {
        const PgQuery__RangeFunction *rf = n->range_function;
        if (!rf)
            return;
        // Functions in FROM may use the items before them, LATERAL or not.
        const int touched = static_cast<int>(m_ws.touched.size());
        visitAll(rf->n_functions, rf->functions);
        std::string_view refname = rf->alias ? str(rf->alias->aliasname) : std::string_view();
        if (refname.empty() && rf->n_functions == 1) {
            // Unaliased: the function's name names the item.
            const PbNode *pair = rf->functions[0];
            if (pair && pair->node_case == PG_QUERY__NODE__NODE_LIST && pair->list && pair->list->n_items > 0)
                refname = figureName(pair->list->items[0]);
        }
        Outputs out;
        out.namesBegin = out.namesEnd = static_cast<int>(m_ws.names.size());
        out.namesKnown = false; // a function's result columns are not in the catalog
        derivedItem(refname, rf->alias, out, touched);
        return;
    }
    case PG_QUERY__NODE__NODE_JOIN_EXPR:
        if (n->join_expr)
            joinExpr(*n->join_expr);
        return;
    case PG_QUERY__NODE__NODE_RANGE_TABLE_SAMPLE: {
        const PgQuery__RangeTableSample *ts = n->range_table_sample;
        if (!ts)
            return;
        fromItem(ts->relation);
        visitAll(ts->n_args, ts->args);
        visit(ts->repeatable);
        return;
    }
    case PG_QUERY__NODE__NODE_RANGE_TABLE_FUNC: {
        const PgQuery__RangeTableFunc *tf = n->range_table_func;
        if (!tf)
            return;
        const int touched = static_cast<int>(m_ws.touched.size());
        visit(tf->docexpr);
        visit(tf->rowexpr);
        visitAll(tf->n_namespaces, tf->namespaces);
        Outputs out;
        out.namesBegin = static_cast<int>(m_ws.names.size());
        for (std::size_t i = 0; i < tf->n_columns; ++i) {
            const PbNode *c = tf->columns[i];
            if (!c || c->node_case != PG_QUERY__NODE__NODE_RANGE_TABLE_FUNC_COL || !c->range_table_func_col)
                continue;
            visit(c->range_table_func_col->colexpr);
            visit(c->range_table_func_col->coldefexpr);
            m_ws.names.push_back(str(c->range_table_func_col->colname));
        }
        out.namesEnd = static_cast<int>(m_ws.names.size());
        derivedItem(tf->alias ? str(tf->alias->aliasname) : std::string_view(), tf->alias, out, touched);
        return;
    }
    default:
        visit(n);
        return;
    }
}

void FactCollector::fromRangeVar(const PgQuery__RangeVar &rv)
{
    const std::string_view aliasName = rv.alias ? str(rv.alias->aliasname) : std::string_view();
    if (str(rv.schemaname).empty() && str(rv.catalogname).empty()) {
        if (const Cte *cte = findCte(str(rv.relname))) {
            // A CTE shadows a relation of the same name; its body's uses were counted with it.
            const Outputs out{cte->namesBegin, cte->namesEnd, cte->namesKnown, -1};
            derivedItem(aliasName.empty() ? str(rv.relname) : aliasName, rv.alias, out, static_cast<int>(m_ws.touched.size()));
            return;
        }
    }
    const Resolved r = relationUse(rv);
    addAccess(r.index, Access::Read);
    targetItem(rv, r);
}

void FactCollector::targetItem(const PgQuery__RangeVar &rv, const Resolved &r)
{
    Item it;
    it.kind = ItemKind::Relation;
    it.aliased = rv.alias && !str(rv.alias->aliasname).empty();
    it.refname = it.aliased ? str(rv.alias->aliasname) : str(rv.relname);
    it.schema = r.schema;
    it.rel = r.rel;
    it.alias = rv.alias && rv.alias->n_colnames > 0 ? rv.alias : nullptr;
    it.relation = r.index;
    m_ws.items.push_back(it);
}

void FactCollector::derivedItem(std::string_view refname, const PgQuery__Alias *alias, const Outputs &out, int touchedBegin)
{
    Item it;
    it.kind = ItemKind::Derived;
    it.refname = refname;
    it.aliased = alias != nullptr;
    it.namesKnown = out.namesKnown;
    it.touchedBegin = touchedBegin;
    it.touchedEnd = static_cast<int>(m_ws.touched.size());
    if (alias && alias->n_colnames > 0) {
        // AS s(a, b) renames the first output columns.
        const int begin = static_cast<int>(m_ws.names.size());
        for (std::size_t i = 0; i < alias->n_colnames; ++i)
            m_ws.names.push_back(stringOf(alias->colnames[i]));
        for (int i = out.namesBegin + static_cast<int>(alias->n_colnames); i < out.namesEnd; ++i)
            m_ws.names.push_back(m_ws.names[i]);
        it.namesBegin = begin;
        it.namesEnd = static_cast<int>(m_ws.names.size());
    } else {
        it.namesBegin = out.namesBegin;
        it.namesEnd = out.namesEnd;
    }
    m_ws.items.push_back(it);
}

void FactCollector::joinExpr(const PgQuery__JoinExpr &j)
{
    const int leftBegin = static_cast<int>(m_ws.items.size());
    fromItem(j.larg);
    const int leftEnd = static_cast<int>(m_ws.items.size());
    fromItem(j.rarg);
    const int rightEnd = static_cast<int>(m_ws.items.size());
    if (m_failed)
        return;
    for (std::size_t i = 0; i < j.n_using_clause; ++i)
        usingColumn(stringOf(j.using_clause[i]), leftBegin, leftEnd, rightEnd);
    if (j.is_natural)
        naturalJoin(leftBegin, leftEnd, rightEnd);
    visit(j.quals);
    // (a JOIN b) AS j, and JOIN ... USING (...) AS j, name the join as a whole.
    for (const PgQuery__Alias *alias : {j.alias, j.join_using_alias}) {
        if (!alias || str(alias->aliasname).empty())
            continue;
        Item it;
        it.kind = ItemKind::Join;
        it.refname = str(alias->aliasname);
        it.aliased = true;
        it.membersBegin = leftBegin;
        it.membersEnd = rightEnd;
        m_ws.items.push_back(it);
    }
}

void FactCollector::usingColumn(std::string_view name, int leftBegin, int leftEnd, int rightEnd)
{
    // A USING column is read from both sides; on each side from whichever items have it.
    for (const auto &[begin, end] : {std::pair{leftBegin, leftEnd}, std::pair{leftEnd, rightEnd}}) {
        bool matched = false;
        for (int i = begin; i < end; ++i) {
            const Item &it = m_ws.items[i];
            std::string_view column;
            if (it.kind == ItemKind::Relation && it.rel && relationHas(it, name, column)) {
                readColumn(it.relation, column);
                matched = true;
            } else if (it.kind == ItemKind::Derived && derivedHas(it, name)) {
                matched = true;
            }
        }
        if (!matched)
            for (int i = begin; i < end; ++i)
                if (m_ws.items[i].kind == ItemKind::Relation && !m_ws.items[i].rel)
                    readColumn(m_ws.items[i].relation, name);
    }
}

void FactCollector::naturalJoin(int leftBegin, int leftEnd, int rightEnd)
{
    // NATURAL JOIN joins on the column names both sides have.
    const auto namesOf = [&](int begin, int end, bool &known) {
        const int first = static_cast<int>(m_ws.names.size());
        for (int i = begin; i < end; ++i)
            if (m_ws.items[i].kind != ItemKind::Join)
                itemNames(m_ws.items[i], known);
        return std::pair{first, static_cast<int>(m_ws.names.size())};
    };
    bool known = true;
    const auto [lb, le] = namesOf(leftBegin, leftEnd, known);
    const auto [rb, re] = namesOf(leftEnd, rightEnd, known);
    if (!known) {
        // One side's columns are unknown: any column of the other side may be a join column.
        for (int i = leftBegin; i < rightEnd; ++i) {
            const Item &it = m_ws.items[i];
            if (it.kind == ItemKind::Relation && it.rel)
                for (const auto &c : it.rel->columns)
                    readColumn(it.relation, c.name);
        }
        return;
    }
    if (!spend(static_cast<std::int64_t>(le - lb) * (re - rb)))
        return;
    for (int l = lb; l < le; ++l) {
        const std::string_view name = m_ws.names[l];
        bool onRight = false;
        for (int r = rb; r < re && !onRight; ++r)
            onRight = m_ws.names[r] == name;
        if (onRight)
            usingColumn(name, leftBegin, leftEnd, rightEnd);
    }
}

// ---- writes

void FactCollector::insertColumns(int relation, std::size_t nCols, PbNode *const *cols, int valueCount, bool anySource)
{
    if (nCols > 0) {
        for (std::size_t i = 0; i < nCols; ++i) {
            const PbNode *c = cols[i];
            if (!c || c->node_case != PG_QUERY__NODE__NODE_RES_TARGET || !c->res_target)
                continue;
            writeColumn(relation, str(c->res_target->name), Access::Insert);
            visitAll(c->res_target->n_indirection, c->res_target->indirection);
        }
        return;
    }
    if (!anySource || relation < 0)
        return;
    // No column list: the values fill the first N columns (all of them when N is unknown).
    const RelationUse &r = m_facts->relations[relation];
    const catalog::Relation *rel = r.found ? m_catalog.findRelation(r.schema, r.name) : nullptr;
    if (!rel)
        return;
    const std::size_t n = valueCount >= 0 ? std::min(static_cast<std::size_t>(valueCount), rel->columns.size()) : rel->columns.size();
    for (std::size_t i = 0; i < n; ++i)
        writeColumn(relation, rel->columns[i].name, Access::Insert);
}

void FactCollector::setClause(int relation, std::size_t n, PbNode *const *targets)
{
    for (std::size_t i = 0; i < n; ++i) {
        const PbNode *t = targets[i];
        if (!t || t->node_case != PG_QUERY__NODE__NODE_RES_TARGET || !t->res_target)
            continue;
        const PgQuery__ResTarget &rt = *t->res_target;
        writeColumn(relation, str(rt.name), Access::Update);
        visitAll(rt.n_indirection, rt.indirection);
        const PbNode *v = rt.val;
        if (v && v->node_case == PG_QUERY__NODE__NODE_MULTI_ASSIGN_REF && v->multi_assign_ref) {
            // SET (a, b) = (SELECT ...): every target carries the same source; walk it once.
            if (v->multi_assign_ref->colno == 1)
                visit(v->multi_assign_ref->source);
            continue;
        }
        visit(v);
    }
}

Outputs FactCollector::returning(std::size_t n, PbNode *const *targets, int /*targetRelation*/)
{
    visitAll(n, targets);
    return targetOutputs(n, targets);
}

Outputs FactCollector::insertStmt(const PgQuery__InsertStmt &s)
{
    DepthGuard guard(*this);
    if (guard.stop() || !s.relation)
        return Outputs{0, 0, false, -1};
    m_sawWrite = true;
    pushLevel(true);
    withClause(s.with_clause);
    const Resolved target = relationUse(*s.relation);
    addAccess(target.index, Access::Insert);

    // The source cannot see the target table.
    int valueCount = -1;
    if (const PgQuery__SelectStmt *src = selectOf(s.select_stmt)) {
        const Outputs out = query(s.select_stmt, true);
        valueCount = out.count;
        const PbNode *first = src->n_values_lists > 0 ? src->values_lists[0] : nullptr;
        if (first && first->node_case == PG_QUERY__NODE__NODE_LIST && first->list)
            valueCount = static_cast<int>(first->list->n_items);
    } else if (s.select_stmt) {
        query(s.select_stmt, true);
    }
    insertColumns(target.index, s.n_cols, s.cols, valueCount, s.select_stmt != nullptr);
    targetItem(*s.relation, target);

    if (const PgQuery__OnConflictClause *oc = s.on_conflict_clause) {
        if (const PgQuery__InferClause *infer = oc->infer) {
            for (std::size_t i = 0; i < infer->n_index_elems; ++i) {
                const PbNode *e = infer->index_elems[i];
                if (!e || e->node_case != PG_QUERY__NODE__NODE_INDEX_ELEM || !e->index_elem)
                    continue;
                if (!str(e->index_elem->name).empty())
                    unqualifiedColumn(str(e->index_elem->name));
                visit(e->index_elem->expr);
            }
            visit(infer->where_clause);
        }
        if (oc->action == PG_QUERY__ON_CONFLICT_ACTION__ONCONFLICT_UPDATE) {
            addAccess(target.index, Access::Update);
            // EXCLUDED is the row proposed for insertion, not a read of the table.
            Outputs excluded;
            excluded.namesBegin = excluded.namesEnd = static_cast<int>(m_ws.names.size());
            derivedItem("excluded", nullptr, excluded, static_cast<int>(m_ws.touched.size()));
            setClause(target.index, oc->n_target_list, oc->target_list);
            visit(oc->where_clause);
        }
    }
    const Outputs out = returning(s.n_returning_list, s.returning_list, target.index);
    popLevel();
    return out;
}

Outputs FactCollector::updateStmt(const PgQuery__UpdateStmt &s)
{
    DepthGuard guard(*this);
    if (guard.stop() || !s.relation)
        return Outputs{0, 0, false, -1};
    m_sawWrite = true;
    pushLevel(true);
    withClause(s.with_clause);
    const Resolved target = relationUse(*s.relation);
    addAccess(target.index, Access::Update);
    targetItem(*s.relation, target);
    for (std::size_t i = 0; i < s.n_from_clause && !m_failed; ++i)
        fromItem(s.from_clause[i]);
    setClause(target.index, s.n_target_list, s.target_list);
    visit(s.where_clause);
    const Outputs out = returning(s.n_returning_list, s.returning_list, target.index);
    popLevel();
    return out;
}

Outputs FactCollector::deleteStmt(const PgQuery__DeleteStmt &s)
{
    DepthGuard guard(*this);
    if (guard.stop() || !s.relation)
        return Outputs{0, 0, false, -1};
    m_sawWrite = true;
    pushLevel(true);
    withClause(s.with_clause);
    const Resolved target = relationUse(*s.relation);
    addAccess(target.index, Access::Delete);
    targetItem(*s.relation, target);
    for (std::size_t i = 0; i < s.n_using_clause && !m_failed; ++i)
        fromItem(s.using_clause[i]);
    visit(s.where_clause);
    const Outputs out = returning(s.n_returning_list, s.returning_list, target.index);
    popLevel();
    return out;
}

Outputs FactCollector::mergeStmt(const PgQuery__MergeStmt &s)
{
    DepthGuard guard(*this);
    if (guard.stop() || !s.relation)
        return Outputs{0, 0, false, -1};
    m_sawWrite = true;
    pushLevel(true);
    withClause(s.with_clause);
    const Resolved target = relationUse(*s.relation);
    targetItem(*s.relation, target);
    fromItem(s.source_relation);
    visit(s.join_condition);
    for (std::size_t i = 0; i < s.n_merge_when_clauses && !m_failed; ++i) {
        const PbNode *n = s.merge_when_clauses[i];
        if (!n || n->node_case != PG_QUERY__NODE__NODE_MERGE_WHEN_CLAUSE || !n->merge_when_clause)
            continue;
        const PgQuery__MergeWhenClause &w = *n->merge_when_clause;
        visit(w.condition);
        switch (w.command_type) {
        case PG_QUERY__CMD_TYPE__CMD_UPDATE:
            addAccess(target.index, Access::Update);
            setClause(target.index, w.n_target_list, w.target_list);
            break;
        case PG_QUERY__CMD_TYPE__CMD_DELETE:
            addAccess(target.index, Access::Delete);
            break;
        case PG_QUERY__CMD_TYPE__CMD_INSERT:
            addAccess(target.index, Access::Insert);
            insertColumns(target.index, w.n_target_list, w.target_list, static_cast<int>(w.n_values), w.n_values > 0);
            visitAll(w.n_values, w.values);
            break;
        default: // DO NOTHING
            break;
        }
    }
    popLevel();
    return Outputs{0, 0, false, -1};
}

} // namespace writ::sql::detail
