// SPDX-License-Identifier: Apache-2.0
#pragma once

// Walks one statement of libpg_query's protobuf parse tree and fills its StatementFacts. Internal to
// the analyzer; the work is split over collect_statement.cpp (statement kinds), collect_query.cpp
// (SELECT/INSERT/UPDATE/DELETE/MERGE, FROM items, WITH), collect_names.cpp (catalog lookups,
// column attribution) and collect_expr.cpp (expressions, functions, the generic walk).
//
// Name scopes follow PostgreSQL's: every query level has the range items of its FROM clause (and
// the target of a write); a column reference resolves at the nearest level that has it, searching
// outward for correlated references; a non-LATERAL sub-select in FROM does not see its siblings;
// CTE names shadow relations for the levels below their WITH. Items, levels and CTEs live on
// stacks that are reused from statement to statement (Workspace), so a walk allocates little.

#include "sql/analyzer.h"
#include "sql/pb_tree.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace writ::sql::detail {

/// Bound of the walk's own recursion, in tree levels (a backstop: the nesting pre-scan admits
/// nothing this deep).
inline constexpr int kMaxWalkDepth = 8 * kMaxNestingDepth + 64;

/// Bound of name-resolution work for one statement (item visits), against quadratic blow-ups in
/// huge statements: past it the statement is refused.
inline constexpr std::int64_t kMaxResolveWork = 50'000'000;

enum class ItemKind : std::uint8_t { Relation, Derived, Join };

/// One FROM item (or write target) of a query level.
struct Item
{
    std::string_view refname;                  ///< alias, else the relation or CTE name; "" when unreferencable
    std::string_view schema;                   ///< Relation: resolved schema (for schema.table.column)
    const catalog::Relation *rel = nullptr;    ///< Relation: its catalog entry when found
    const PgQuery__Alias *alias = nullptr;     ///< Relation: column renames `AS t(a, b)`
    int relation = -1;                         ///< Relation: index in StatementFacts::relations
    int namesBegin = 0, namesEnd = 0;          ///< Derived: output names in Workspace::names
    int membersBegin = 0, membersEnd = 0;      ///< Join: item indexes of the join's members
    int touchedBegin = 0, touchedEnd = 0;      ///< Derived: relations used inside (Workspace::touched)
    ItemKind kind = ItemKind::Relation;
    bool namesKnown = true;                    ///< Derived: every output name is known
    bool aliased = false;                      ///< has an alias (then schema.table.column cannot name it)
};

struct Level
{
    int itemsBegin = 0;
    int parent = -1;         ///< enclosing level for name resolution, -1 at the top
    int parentItemsEnd = 0;  ///< items of the parent (and beyond) this level can see
    int ctesBegin = 0;
};

struct Cte
{
    std::string_view name;
    int namesBegin = 0, namesEnd = 0; ///< output names in Workspace::names
    bool namesKnown = false;
};

/// Output column names of a query level (what a sub-select, CTE or RETURNING produces).
struct Outputs
{
    int namesBegin = 0, namesEnd = 0;
    bool namesKnown = true;
    int count = -1; ///< number of output columns, -1 when `*` makes it unknown
};

/// Buffers reused across statements on one thread.
struct Workspace
{
    std::vector<Item> items;
    std::vector<Level> levels;
    std::vector<Cte> ctes;
    std::vector<std::string_view> names;
    std::vector<int> touched;

    void clear();
};

class FactCollector
{
public:
    FactCollector(const catalog::Catalog &catalog, const AnalyzeOptions &options, Workspace &ws, int statementLocation);

    /// Fills `facts` from one statement node. False when a bound was hit; error() says which.
    bool collect(const PbNode *stmt, StatementFacts &facts);
    const std::string &error() const { return m_error; }

private:
    friend class DepthGuard;

    struct Resolved
    {
        int index = -1;                         ///< in StatementFacts::relations
        std::string_view schema;                ///< resolved (or as written); points into the catalog or the tree
        const catalog::Relation *rel = nullptr; ///< catalog entry when found
    };

    // ---- statements (collect_statement.cpp)
    void statement(const PbNode *stmt);
    StatementClass innerStatement(const PbNode *stmt);
    void copyStmt(const PgQuery__CopyStmt &s);
    void explainStmt(const PgQuery__ExplainStmt &s);
    void variableSet(const PgQuery__VariableSetStmt &s, bool persistent);
    void relationList(std::size_t n, PbNode *const *items, Access access);
    void limit(const PgQuery__SelectStmt &s);

    // ---- queries (collect_query.cpp)
    /// A query node (SELECT/INSERT/UPDATE/DELETE/MERGE) as a new level; `lateral`: it sees the
    /// current level's items (sub-selects in expressions, LATERAL), else only the levels above it.
    Outputs query(const PbNode *n, bool lateral);
    Outputs query(int nodeCase, const ProtobufCMessage *m, bool lateral);
    Outputs selectStmt(const PgQuery__SelectStmt &s, bool lateral);
    Outputs insertStmt(const PgQuery__InsertStmt &s);
    Outputs updateStmt(const PgQuery__UpdateStmt &s);
    Outputs deleteStmt(const PgQuery__DeleteStmt &s);
    Outputs mergeStmt(const PgQuery__MergeStmt &s);
    void pushLevel(bool lateral);
    void popLevel();
    void withClause(const PgQuery__WithClause *w);
    void fromItem(const PbNode *n);
    void fromRangeVar(const PgQuery__RangeVar &rv);
    void joinExpr(const PgQuery__JoinExpr &j);
    void usingColumn(std::string_view name, int leftBegin, int leftEnd, int rightEnd);
    void naturalJoin(int leftBegin, int leftEnd, int rightEnd);
    void targetItem(const PgQuery__RangeVar &rv, const Resolved &r);
    void derivedItem(std::string_view refname, const PgQuery__Alias *alias, const Outputs &out, int touchedBegin);
    Outputs targetOutputs(std::size_t n, PbNode *const *targets);
    Outputs returning(std::size_t n, PbNode *const *targets, int targetRelation);
    void applyLocking(std::size_t n, PbNode *const *clauses);
    void lockItem(const Item &it);
    void insertColumns(int relation, std::size_t nCols, PbNode *const *cols, int valueCount, bool anySource);
    void setClause(int relation, std::size_t n, PbNode *const *targets);

    // ---- names (collect_names.cpp)
    /// Resolves a relation name through the catalog and records the use (without access).
    Resolved relationUse(const PgQuery__RangeVar &rv);
    void addAccess(int relation, Access a);
    void readColumn(int relation, std::string_view column);
    void writeColumn(int relation, std::string_view column, Access how);
    void allColumns(int relation);
    const Cte *findCte(std::string_view name) const;
    void columnRef(const PgQuery__ColumnRef &c);
    void star();
    void qualifiedStar(std::string_view schema, std::string_view refname);
    void unqualifiedColumn(std::string_view name);
    void itemColumn(int item, std::string_view column);
    void wholeRow(int item);
    int findItem(std::string_view schema, std::string_view refname);
    bool relationHas(const Item &it, std::string_view name, std::string_view &catalogName) const;
    bool derivedHas(const Item &it, std::string_view name) const;
    void itemNames(const Item &it, bool &known); // appends an item's column names to Workspace::names
    void functionUse(const PgQuery__FuncCall &f);
    bool spend(std::int64_t work);

    // ---- expressions (collect_expr.cpp)
    void visit(const PbNode *n);
    void visitMessage(int nodeCase, const ProtobufCMessage *m);
    void visitChildren(const ProtobufCMessage *m);
    void visitAll(std::size_t n, PbNode *const *items);
    void funcCall(const PgQuery__FuncCall &f);
    void subLink(const PgQuery__SubLink &s);
    std::string_view figureName(const PbNode *n) const;

    void fail(std::string message);
    int currentLevel() const { return static_cast<int>(m_ws.levels.size()) - 1; }

    const catalog::Catalog &m_catalog;
    const AnalyzeOptions &m_options;
    Workspace &m_ws;
    StatementFacts *m_facts = nullptr;
    int m_statementLocation = 0;
    int m_depth = 0;
    std::int64_t m_work = 0;
    bool m_sawWrite = false;
    bool m_selectInto = false;
    bool m_failed = false;
    std::string m_error;
};

/// Counts one level of the walk's recursion; the walk stops (with an error) past kMaxWalkDepth.
class DepthGuard
{
public:
    explicit DepthGuard(FactCollector &c) : m_c(c)
    {
        if (++m_c.m_depth > kMaxWalkDepth && !m_c.m_failed)
            m_c.fail("cannot analyze: the statement nests deeper than " + std::to_string(kMaxNestingDepth) + " levels");
    }
    ~DepthGuard() { --m_c.m_depth; }
    bool stop() const { return m_c.m_failed; }
    DepthGuard(const DepthGuard &) = delete;
    DepthGuard &operator=(const DepthGuard &) = delete;

private:
    FactCollector &m_c;
};

} // namespace writ::sql::detail
