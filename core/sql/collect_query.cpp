// SPDX-License-Identifier: Apache-2.0
// Query levels of FactCollector: SELECT (with set operations and VALUES), INSERT, UPDATE, DELETE,
// MERGE, their FROM items and WITH clauses (see fact_collector.h).

#include "sql/fact_collector.h" // last: the PostgreSQL headers

namespace writ::sql::detail {

// ---- levels

void FactCollector::pushLevel(bool lateral)
{
    ++m_queryLevels;
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

Outputs FactCollector::query(const Node *n, bool lateral)
{
    if (!n || m_failed)
        return Outputs{0, 0, false, -1};
    switch (nodeTag(n)) {
    case T_SelectStmt:
        return selectStmt(*as<SelectStmt>(n), lateral);
    case T_InsertStmt:
        return insertStmt(*as<InsertStmt>(n));
    case T_UpdateStmt:
        return updateStmt(*as<UpdateStmt>(n));
    case T_DeleteStmt:
        return deleteStmt(*as<DeleteStmt>(n));
    case T_MergeStmt:
        return mergeStmt(*as<MergeStmt>(n));
    default:
        visit(n);
        return Outputs{0, 0, false, -1};
    }
}

// ---- SELECT

Outputs FactCollector::selectStmt(const SelectStmt &s, bool lateral)
{
    DepthGuard guard(*this);
    if (guard.stop())
        return Outputs{0, 0, false, -1};
    pushLevel(lateral);
    withClause(s.withClause);
    if (s.intoClause)
        m_selectInto = true;

    Outputs out;
    if (s.op != SETOP_NONE) {
        // Each arm is a query of its own at this nesting; the result is named by the left arm.
        const int touched = static_cast<int>(m_ws.touched.size());
        out = s.larg ? selectStmt(*s.larg, false) : Outputs{0, 0, false, -1};
        if (s.rarg)
            selectStmt(*s.rarg, false);
        // ORDER BY and LIMIT of a set operation can name its output columns.
        derivedItem("", nullptr, out, touched);
        visitAll(s.sortClause);
        visit(s.limitOffset);
        visit(s.limitCount);
    } else if (const ListNodes rows = items(s.valuesLists); !rows.empty()) {
        visitAll(s.valuesLists);
        const Node *first = rows[0];
        out.count = first && nodeTag(first) == T_List ? static_cast<int>(items(first).size()) : -1;
        out.namesKnown = false; // column1, column2, ...: only reachable through an alias
        out.namesBegin = out.namesEnd = static_cast<int>(m_ws.names.size());
        visitAll(s.sortClause);
        visit(s.limitOffset);
        visit(s.limitCount);
    } else {
        for (const Node *item : items(s.fromClause)) {
            if (m_failed)
                break;
            fromItem(item);
        }
        visitAll(s.targetList);
        visit(s.whereClause);
        visitAll(s.groupClause);
        visit(s.havingClause);
        visitAll(s.windowClause);
        visitAll(s.distinctClause);
        visitAll(s.sortClause);
        visit(s.limitOffset);
        visit(s.limitCount);
        applyLocking(s.lockingClause);
        out = targetOutputs(s.targetList);
    }
    popLevel();
    return out;
}

Outputs FactCollector::targetOutputs(const List *targets)
{
    Outputs out;
    out.namesBegin = static_cast<int>(m_ws.names.size());
    out.count = static_cast<int>(items(targets).size());
    for (const Node *t : items(targets)) {
        const ResTarget *rt = nodeIf<ResTarget>(t, T_ResTarget);
        if (!rt)
            continue;
        if (!str(rt->name).empty()) {
            m_ws.names.push_back(str(rt->name));
            continue;
        }
        const Node *v = rt->val;
        const ColumnRef *ref = nodeIf<ColumnRef>(v, T_ColumnRef);
        if (const ListNodes fields = items(ref ? ref->fields : nullptr); !fields.empty()) {
            const std::size_t n = fields.size();
            if (fields[n - 1] && nodeTag(fields[n - 1]) == T_A_Star) {
                out.count = -1;
                if (n == 1) {
                    const int level = currentLevel();
                    for (std::size_t k = static_cast<std::size_t>(m_ws.levels[level].itemsBegin); k < m_ws.items.size(); ++k)
                        if (m_ws.items[k].kind != ItemKind::Join)
                            itemNames(m_ws.items[k], out.namesKnown);
                } else {
                    const std::string_view schema = n >= 3 ? stringOf(fields[n - 3]) : std::string_view();
                    if (const int item = findItem(schema, stringOf(fields[n - 2])); item >= 0)
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

void FactCollector::applyLocking(const List *clauses)
{
    const int level = currentLevel();
    for (const Node *c : items(clauses)) {
        const LockingClause *lc = nodeIf<LockingClause>(c, T_LockingClause);
        if (!lc)
            continue;
        const int begin = m_ws.levels[level].itemsBegin;
        const int end = static_cast<int>(m_ws.items.size());
        if (items(lc->lockedRels).empty()) {
            for (int k = begin; k < end; ++k)
                lockItem(m_ws.items[k]);
            continue;
        }
        // FOR UPDATE OF a, b names items of this level by their reference names.
        for (const Node *r : items(lc->lockedRels)) {
            const RangeVar *rv = nodeIf<RangeVar>(r, T_RangeVar);
            if (!rv)
                continue;
            const std::string_view name = str(rv->relname);
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

void FactCollector::withClause(const WithClause *w)
{
    if (!w || m_failed)
        return;
    DepthGuard guard(*this);
    if (guard.stop())
        return;
    const ListNodes ctes = items(w->ctes);
    const auto cteOf = [&](std::size_t i) { return nodeIf<CommonTableExpr>(ctes[i], T_CommonTableExpr); };
    const std::size_t first = m_ws.ctes.size();
    if (w->recursive) {
        // Every CTE of WITH RECURSIVE is visible in all of their bodies, its own included.
        for (std::size_t i = 0; i < ctes.size(); ++i) {
            Cte c;
            if (const auto *cte = cteOf(i))
                c.name = str(cte->ctename);
            m_ws.ctes.push_back(c);
        }
    }
    for (std::size_t i = 0; i < ctes.size() && !m_failed; ++i) {
        const CommonTableExpr *cte = cteOf(i);
        if (!cte)
            continue;
        const Outputs out = query(cte->ctequery, true);
        Cte c;
        c.name = str(cte->ctename);
        c.namesKnown = out.namesKnown;
        if (const ListNodes renames = items(cte->aliascolnames); !renames.empty()) {
            // WITH c(a, b) AS (...) renames the first outputs.
            const int begin = static_cast<int>(m_ws.names.size());
            for (const Node *name : renames)
                m_ws.names.push_back(stringOf(name));
            for (int k = out.namesBegin + static_cast<int>(renames.size()); k < out.namesEnd; ++k)
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

void FactCollector::fromItem(const Node *n)
{
    if (!n || m_failed)
        return;
    DepthGuard guard(*this);
    if (guard.stop())
        return;
    switch (nodeTag(n)) {
    case T_RangeVar:
        fromRangeVar(*as<RangeVar>(n));
        return;
    case T_RangeSubselect: {
        const auto &rs = *as<RangeSubselect>(n);
        const int touched = static_cast<int>(m_ws.touched.size());
        const Outputs out = query(rs.subquery, rs.lateral);
        derivedItem(rs.alias ? str(rs.alias->aliasname) : std::string_view(), rs.alias, out, touched);
        return;
    }
    case T_RangeFunction: {
        const auto &rf = *as<RangeFunction>(n);
        // Functions in FROM may use the items before them, LATERAL or not.
        const int touched = static_cast<int>(m_ws.touched.size());
        visitAll(rf.functions);
        std::string_view refname = rf.alias ? str(rf.alias->aliasname) : std::string_view();
        if (const ListNodes functions = items(rf.functions); refname.empty() && functions.size() == 1) {
            // Unaliased: the function's name names the item.
            if (const ListNodes pair = items(functions[0]); !pair.empty())
                refname = figureName(pair[0]);
        }
        Outputs out;
        out.namesBegin = out.namesEnd = static_cast<int>(m_ws.names.size());
        out.namesKnown = false; // a function's result columns are not in the catalog
        derivedItem(refname, rf.alias, out, touched);
        return;
    }
    case T_JoinExpr:
        joinExpr(*as<JoinExpr>(n));
        return;
    case T_RangeTableSample: {
        const auto &ts = *as<RangeTableSample>(n);
        fromItem(ts.relation);
        visitAll(ts.args);
        visit(ts.repeatable);
        return;
    }
    case T_RangeTableFunc: {
        const auto &tf = *as<RangeTableFunc>(n);
        const int touched = static_cast<int>(m_ws.touched.size());
        visit(tf.docexpr);
        visit(tf.rowexpr);
        visitAll(tf.namespaces);
        Outputs out;
        out.namesBegin = static_cast<int>(m_ws.names.size());
        for (const Node *c : items(tf.columns)) {
            const RangeTableFuncCol *col = nodeIf<RangeTableFuncCol>(c, T_RangeTableFuncCol);
            if (!col)
                continue;
            visit(col->colexpr);
            visit(col->coldefexpr);
            m_ws.names.push_back(str(col->colname));
        }
        out.namesEnd = static_cast<int>(m_ws.names.size());
        derivedItem(tf.alias ? str(tf.alias->aliasname) : std::string_view(), tf.alias, out, touched);
        return;
    }
    default:
        visit(n);
        return;
    }
}

void FactCollector::fromRangeVar(const RangeVar &rv)
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

void FactCollector::targetItem(const RangeVar &rv, const Resolved &r)
{
    Item it;
    it.kind = ItemKind::Relation;
    it.aliased = rv.alias && !str(rv.alias->aliasname).empty();
    it.refname = it.aliased ? str(rv.alias->aliasname) : str(rv.relname);
    it.schema = r.schema;
    it.rel = r.rel;
    it.alias = rv.alias && !items(rv.alias->colnames).empty() ? rv.alias : nullptr;
    it.relation = r.index;
    m_ws.items.push_back(it);
}

void FactCollector::derivedItem(std::string_view refname, const Alias *alias, const Outputs &out, int touchedBegin)
{
    Item it;
    it.kind = ItemKind::Derived;
    it.refname = refname;
    it.aliased = alias != nullptr;
    it.namesKnown = out.namesKnown;
    it.touchedBegin = touchedBegin;
    it.touchedEnd = static_cast<int>(m_ws.touched.size());
    if (const ListNodes renames = items(alias ? alias->colnames : nullptr); !renames.empty()) {
        // AS s(a, b) renames the first output columns.
        const int begin = static_cast<int>(m_ws.names.size());
        for (const Node *name : renames)
            m_ws.names.push_back(stringOf(name));
        for (int i = out.namesBegin + static_cast<int>(renames.size()); i < out.namesEnd; ++i)
            m_ws.names.push_back(m_ws.names[i]);
        it.namesBegin = begin;
        it.namesEnd = static_cast<int>(m_ws.names.size());
    } else {
        it.namesBegin = out.namesBegin;
        it.namesEnd = out.namesEnd;
    }
    m_ws.items.push_back(it);
}

void FactCollector::joinExpr(const JoinExpr &j)
{
    const int leftBegin = static_cast<int>(m_ws.items.size());
    fromItem(j.larg);
    const int leftEnd = static_cast<int>(m_ws.items.size());
    fromItem(j.rarg);
    const int rightEnd = static_cast<int>(m_ws.items.size());
    if (m_failed)
        return;
    for (const Node *name : items(j.usingClause))
        usingColumn(stringOf(name), leftBegin, leftEnd, rightEnd);
    if (j.isNatural)
        naturalJoin(leftBegin, leftEnd, rightEnd);
    visit(j.quals);
    // (a JOIN b) AS j, and JOIN ... USING (...) AS j, name the join as a whole.
    for (const Alias *alias : {j.alias, j.join_using_alias}) {
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

void FactCollector::insertColumns(int relation, const List *cols, int valueCount, bool anySource)
{
    if (const ListNodes targets = items(cols); !targets.empty()) {
        for (const Node *c : targets) {
            const ResTarget *rt = nodeIf<ResTarget>(c, T_ResTarget);
            if (!rt)
                continue;
            writeColumn(relation, str(rt->name), Access::Insert);
            visitAll(rt->indirection);
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

void FactCollector::setClause(int relation, const List *targets)
{
    for (const Node *t : items(targets)) {
        const ResTarget *rt = nodeIf<ResTarget>(t, T_ResTarget);
        if (!rt)
            continue;
        writeColumn(relation, str(rt->name), Access::Update);
        visitAll(rt->indirection);
        if (const MultiAssignRef *multi = nodeIf<MultiAssignRef>(rt->val, T_MultiAssignRef)) {
            // SET (a, b) = (SELECT ...): every target carries the same source; walk it once.
            if (multi->colno == 1)
                visit(multi->source);
            continue;
        }
        visit(rt->val);
    }
}

Outputs FactCollector::returning(const List *targets, int /*targetRelation*/)
{
    visitAll(targets);
    return targetOutputs(targets);
}

Outputs FactCollector::insertStmt(const InsertStmt &s)
{
    DepthGuard guard(*this);
    if (guard.stop() || !s.relation)
        return Outputs{0, 0, false, -1};
    m_sawWrite = true;
    pushLevel(true);
    withClause(s.withClause);
    const Resolved target = relationUse(*s.relation);
    addAccess(target.index, Access::Insert);

    // The source cannot see the target table.
    int valueCount = -1;
    if (const SelectStmt *src = nodeIf<SelectStmt>(s.selectStmt, T_SelectStmt)) {
        const Outputs out = query(s.selectStmt, true);
        valueCount = out.count;
        const ListNodes rows = items(src->valuesLists);
        if (const Node *first = rows.empty() ? nullptr : rows[0]; first && nodeTag(first) == T_List)
            valueCount = static_cast<int>(items(first).size());
    } else if (s.selectStmt) {
        query(s.selectStmt, true);
    }
    insertColumns(target.index, s.cols, valueCount, s.selectStmt != nullptr);
    targetItem(*s.relation, target);

    if (const OnConflictClause *oc = s.onConflictClause) {
        if (const InferClause *infer = oc->infer) {
            for (const Node *e : items(infer->indexElems)) {
                const IndexElem *elem = nodeIf<IndexElem>(e, T_IndexElem);
                if (!elem)
                    continue;
                if (!str(elem->name).empty())
                    unqualifiedColumn(str(elem->name));
                visit(elem->expr);
            }
            visit(infer->whereClause);
        }
        if (oc->action == ONCONFLICT_UPDATE) {
            addAccess(target.index, Access::Update);
            // EXCLUDED is the row proposed for insertion, not a read of the table.
            Outputs excluded;
            excluded.namesBegin = excluded.namesEnd = static_cast<int>(m_ws.names.size());
            derivedItem("excluded", nullptr, excluded, static_cast<int>(m_ws.touched.size()));
            setClause(target.index, oc->targetList);
            visit(oc->whereClause);
        }
    }
    const Outputs out = returning(s.returningList, target.index);
    popLevel();
    return out;
}

Outputs FactCollector::updateStmt(const UpdateStmt &s)
{
    DepthGuard guard(*this);
    if (guard.stop() || !s.relation)
        return Outputs{0, 0, false, -1};
    m_sawWrite = true;
    pushLevel(true);
    withClause(s.withClause);
    const Resolved target = relationUse(*s.relation);
    addAccess(target.index, Access::Update);
    targetItem(*s.relation, target);
    for (const Node *item : items(s.fromClause)) {
        if (m_failed)
            break;
        fromItem(item);
    }
    setClause(target.index, s.targetList);
    visit(s.whereClause);
    const Outputs out = returning(s.returningList, target.index);
    popLevel();
    return out;
}

Outputs FactCollector::deleteStmt(const DeleteStmt &s)
{
    DepthGuard guard(*this);
    if (guard.stop() || !s.relation)
        return Outputs{0, 0, false, -1};
    m_sawWrite = true;
    pushLevel(true);
    withClause(s.withClause);
    const Resolved target = relationUse(*s.relation);
    addAccess(target.index, Access::Delete);
    targetItem(*s.relation, target);
    for (const Node *item : items(s.usingClause)) {
        if (m_failed)
            break;
        fromItem(item);
    }
    visit(s.whereClause);
    const Outputs out = returning(s.returningList, target.index);
    popLevel();
    return out;
}

Outputs FactCollector::mergeStmt(const MergeStmt &s)
{
    DepthGuard guard(*this);
    if (guard.stop() || !s.relation)
        return Outputs{0, 0, false, -1};
    m_sawWrite = true;
    pushLevel(true);
    withClause(s.withClause);
    const Resolved target = relationUse(*s.relation);
    targetItem(*s.relation, target);
    fromItem(s.sourceRelation);
    visit(s.joinCondition);
    for (const Node *n : items(s.mergeWhenClauses)) {
        if (m_failed)
            break;
        const MergeWhenClause *w = nodeIf<MergeWhenClause>(n, T_MergeWhenClause);
        if (!w)
            continue;
        visit(w->condition);
        switch (w->commandType) {
        case CMD_UPDATE:
            addAccess(target.index, Access::Update);
            setClause(target.index, w->targetList);
            break;
        case CMD_DELETE:
            addAccess(target.index, Access::Delete);
            break;
        case CMD_INSERT: {
            addAccess(target.index, Access::Insert);
            const std::size_t values = items(w->values).size();
            insertColumns(target.index, w->targetList, static_cast<int>(values), values > 0);
            visitAll(w->values);
            break;
        }
        default: // DO NOTHING
            break;
        }
    }
    popLevel();
    return Outputs{0, 0, false, -1};
}

} // namespace writ::sql::detail
