// SPDX-License-Identifier: Apache-2.0
#pragma once

// Walks one statement of libpg_query's raw parse tree (PostgreSQL's node structs, raw_tree.h) and fills
// its StatementFacts. Internal to the analyzer; the work is split over collect_statement.cpp (statement
// kinds), collect_query.cpp (SELECT/INSERT/UPDATE/DELETE/MERGE, FROM items, WITH), collect_names.cpp
// (catalog lookups, column attribution) and collect_expr.cpp (expressions, functions, the generic walk).
//
// Names the walk keeps (std::string_view) point into the tree, which lives only until the parse's
// memory context is dropped: everything stored in StatementFacts is copied into std::string.
//
// Name scopes follow PostgreSQL's: every query level has the range items of its FROM clause (and
// the target of a write); a column reference resolves at the nearest level that has it, searching
// outward for correlated references; a non-LATERAL sub-select in FROM does not see its siblings;
// CTE names shadow relations for the levels below their WITH. Items, levels and CTEs live on
// stacks that are reused from statement to statement (Workspace), so a walk allocates little.

#include "sql/analyzer.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "sql/raw_tree.h" // last: the PostgreSQL headers

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
    const Alias *alias = nullptr;              ///< Relation: column renames `AS t(a, b)`
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

/// Where the walk met constants (A_Const, by byte offset in the text) and which of them a fact was
/// read from. A constant met but never read is inert: a text that differs from this one only in it
/// has the same facts. Kept across the statements of one text.
struct ConstantUse
{
    std::vector<int> seen;
    std::vector<int> consulted;

    void clear();
    /// Sorted offsets of the constants seen and never consulted (sorts both lists in place: called
    /// once, after the last statement of a text).
    std::vector<int> inert();
};

class FactCollector
{
public:
    FactCollector(const catalog::Catalog &catalog, const AnalyzeOptions &options, Workspace &ws, ConstantUse &constants,
                  int statementLocation);

    /// Fills `facts` from one statement node. False when a bound was hit; error() says which.
    bool collect(const Node *stmt, StatementFacts &facts);
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
    void statement(const Node *stmt);
    StatementClass innerStatement(const Node *stmt);
    void copyStmt(const CopyStmt &s);
    void explainStmt(const ExplainStmt &s);
    void variableSet(const VariableSetStmt &s, bool persistent);
    void relationList(const List *relations, Access access);
    void limit(const SelectStmt &s);
    void keyEqualities(const SelectStmt &s);

    // ---- queries (collect_query.cpp)
    /// A query node (SELECT/INSERT/UPDATE/DELETE/MERGE) as a new level; `lateral`: it sees the
    /// current level's items (sub-selects in expressions, LATERAL), else only the levels above it.
    Outputs query(const Node *n, bool lateral);
    Outputs selectStmt(const SelectStmt &s, bool lateral);
    Outputs insertStmt(const InsertStmt &s);
    Outputs updateStmt(const UpdateStmt &s);
    Outputs deleteStmt(const DeleteStmt &s);
    Outputs mergeStmt(const MergeStmt &s);
    void pushLevel(bool lateral);
    void popLevel();
    void withClause(const WithClause *w);
    void fromItem(const Node *n);
    void fromRangeVar(const RangeVar &rv);
    void joinExpr(const JoinExpr &j);
    void usingColumn(std::string_view name, int leftBegin, int leftEnd, int rightEnd);
    void naturalJoin(int leftBegin, int leftEnd, int rightEnd);
    void targetItem(const RangeVar &rv, const Resolved &r);
    void derivedItem(std::string_view refname, const Alias *alias, const Outputs &out, int touchedBegin);
    Outputs targetOutputs(const List *targets);
    Outputs returning(const List *targets, int targetRelation);
    void applyLocking(const List *clauses);
    void lockItem(const Item &it);
    void insertColumns(int relation, const List *cols, int valueCount, bool anySource);
    void setClause(int relation, const List *targets);

    // ---- names (collect_names.cpp)
    /// Resolves a relation name through the catalog and records the use (without access).
    Resolved relationUse(const RangeVar &rv);
    void addAccess(int relation, Access a);
    void readColumn(int relation, std::string_view column);
    void writeColumn(int relation, std::string_view column, Access how);
    void allColumns(int relation);
    const Cte *findCte(std::string_view name) const;
    void columnRef(const ColumnRef &c);
    void star();
    int qualifiedStar(std::string_view schema, std::string_view refname); ///< the item it names, or -1
    void unqualifiedColumn(std::string_view name);
    void itemColumn(int item, std::string_view column);
    void wholeRow(int item);
    int findItem(std::string_view schema, std::string_view refname);
    /// `schema.name.column` at `location` named relation item `item`: one more spelling of its schema.
    void spelledSchema(int item, int location);
    bool relationHas(const Item &it, std::string_view name, std::string_view &catalogName) const;
    bool derivedHas(const Item &it, std::string_view name) const;
    void itemNames(const Item &it, bool &known); // appends an item's column names to Workspace::names
    void functionUse(const FuncCall &f);
    bool spend(std::int64_t work);

    // ---- expressions (collect_expr.cpp)
    /// One node and what is below it; one level of depth (a List held in a Node * field too).
    void visit(const Node *n);
    /// The children of a node through the generated table (raw_nodes.inc): the walk of every node
    /// type without a handler, so a sub-select or function call inside any construct (XMLTABLE,
    /// GROUPING SETS, CREATE POLICY USING, ...) is found. Unknown node types fail closed.
    void visitChildren(const Node *n);
    /// The items of a List * field, at the level of the node that holds it.
    void visitAll(const List *l);
    void funcCall(const FuncCall &f);
    void subLink(const SubLink &s);
    /// The constant `n` holds (looking through casts), recorded as consulted: every read of a
    /// constant's value goes through here, or the constant would pass for inert.
    const A_Const *consultConstant(const Node *n);
    std::string_view figureName(const Node *n) const;
    void unexpectedNode(const Node *n);

    void fail(std::string message);
    int currentLevel() const { return static_cast<int>(m_ws.levels.size()) - 1; }

    const catalog::Catalog &m_catalog;
    const AnalyzeOptions &m_options;
    Workspace &m_ws;
    ConstantUse &m_constants;
    StatementFacts *m_facts = nullptr;
    int m_statementLocation = 0;
    int m_depth = 0;
    std::int64_t m_work = 0;
    bool m_sawWrite = false;
    bool m_selectInto = false;
    int m_queryLevels = 0; ///< query levels opened (the statement's own, sub-selects, CTEs, derived tables)
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
