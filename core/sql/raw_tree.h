// SPDX-License-Identifier: Apache-2.0
#pragma once

// PostgreSQL's raw parse tree as libpg_query's pg_query_raw_parse produces it: the node structs of
// the PostgreSQL 15 server headers, read in place. Internal to the analyzer: include it only from
// core/sql .cpp files (directly or through fact_collector.h), and as their last include.
//
// The server headers are C and define macros that break C++ code included after them (port.h turns
// printf, snprintf and strerror into pg_* functions; c.h defines Max, Min, gettext, _, Assert; elog.h
// ERROR, WARNING, ...). So every standard header the analyzer's files use is included first, and the
// harmful macros are removed once the PostgreSQL headers are in.

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <functional>
#include <map>
#include <new>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

// pg_query.h declares PgQueryError, which pg_query_internal.h uses, and its own PG_VERSION macros,
// which pg_config.h defines again.
#include <pg_query.h>
#undef PG_MAJORVERSION
#undef PG_VERSION
#undef PG_VERSION_NUM

#include <postgres.h>

#include <nodes/nodes.h>
#include <nodes/parsenodes.h>
#include <nodes/pg_list.h>
#include <nodes/primnodes.h>
#include <nodes/value.h>
#include <utils/memutils.h>

extern "C" {
#include <pg_query/pg_query_internal.h>
}

#undef printf
#undef fprintf
#undef sprintf
#undef snprintf
#undef vprintf
#undef vfprintf
#undef vsprintf
#undef vsnprintf
#undef strerror
#undef strerror_r
#undef Max
#undef Min
#undef Abs
#undef gettext
#undef dgettext
#undef ngettext
#undef dngettext
#undef _
#undef Assert
#undef likely
#undef unlikely
#undef DEBUG
#undef LOG
#undef INFO
#undef NOTICE
#undef WARNING
#undef ERROR
#undef FATAL
#undef PANIC

namespace writ::sql::detail {

/// A char * of the tree as a view ("" for NULL, which the parser uses for an absent name).
inline std::string_view str(const char *s)
{
    return s ? std::string_view(s) : std::string_view();
}

/// `n` as the node struct T; callers check the tag first (IsA).
template<typename T>
inline const T *as(const void *n)
{
    return static_cast<const T *>(n);
}

/// `n` as T when its tag is `tag`, else nullptr.
template<typename T>
inline const T *nodeIf(const void *n, NodeTag tag)
{
    return n && nodeTag(n) == tag ? static_cast<const T *>(n) : nullptr;
}

/// The node elements of a List. NIL is empty, and so are IntList and OidList (no node children).
class ListNodes
{
public:
    explicit ListNodes(const List *l)
    {
        if (l && l->type == T_List) {
            m_begin = l->elements;
            m_end = l->elements + l->length;
        }
    }

    class iterator
    {
    public:
        explicit iterator(const ListCell *c)
            : m_c(c)
        { }
        const Node *operator*() const { return static_cast<const Node *>(m_c->ptr_value); }
        iterator &operator++()
        {
            ++m_c;
            return *this;
        }
        bool operator!=(const iterator &o) const { return m_c != o.m_c; }

    private:
        const ListCell *m_c;
    };

    iterator begin() const { return iterator(m_begin); }
    iterator end() const { return iterator(m_end); }
    std::size_t size() const { return static_cast<std::size_t>(m_end - m_begin); }
    bool empty() const { return m_begin == m_end; }
    const Node *operator[](std::size_t i) const { return static_cast<const Node *>(m_begin[i].ptr_value); }
    const Node *back() const { return static_cast<const Node *>(m_end[-1].ptr_value); }

private:
    const ListCell *m_begin = nullptr;
    const ListCell *m_end = nullptr;
};

inline ListNodes items(const List *l)
{
    return ListNodes(l);
}

/// Items of a List held in a Node * field (a list of lists, IN (...), RangeFunction's pairs).
inline ListNodes items(const Node *n)
{
    return ListNodes(n && nodeTag(n) == T_List ? static_cast<const List *>(static_cast<const void *>(n)) : nullptr);
}

/// The value of a String node, "" for anything else.
inline std::string_view stringOf(const Node *n)
{
    return n && nodeTag(n) == T_String ? str(as<String>(n)->sval) : std::string_view();
}

// ---- node types (raw_tree.cpp, from the generated raw_nodes.inc)

/// How a child pointer is followed: a List * field's items are the children (no level of their
/// own, like the fields of the node), a Node * field (which may hold a List) is one child.
enum class ChildKind : std::uint8_t { Node, List };

struct RawChild
{
    std::size_t offset; ///< of the pointer in its node struct
    ChildKind kind;
};

struct RawNodeType
{
    NodeTag tag;
    const char *name; ///< PostgreSQL's (and libpg_query's) node name, "SelectStmt"
    std::uint16_t childrenBegin; ///< in the child table
    std::uint16_t childrenCount;
};

/// The table row of a tag, nullptr when the walk does not know it (it then fails closed).
const RawNodeType *rawNodeType(NodeTag tag);

/// Name of a tag ("" when unknown).
const char *rawNodeName(NodeTag tag);

std::span<const RawChild> rawChildren(const RawNodeType &type);

/// The pointer stored at a child slot of `n`.
inline const Node *childAt(const Node *n, const RawChild &c)
{
    const Node *child = nullptr;
    std::memcpy(&child, reinterpret_cast<const char *>(n) + c.offset, sizeof child);
    return child;
}

/// Depth of the deepest node of a tree (the root counts 1, a List node is a level). Iterative, for
/// tests and the fuzz harness that check the nesting pre-scan never underestimates. Nodes the table
/// does not know count as leaves.
int treeDepth(const Node *root);

// ---- parsing

/// One pg_query_raw_parse in a memory context of its own. The tree lives as long as this object;
/// its destructor frees all of it at once with the context, and libpg_query's error and stderr copy
/// (which it mallocs). Not nestable on one thread: libpg_query switches a thread-local context.
class RawParse
{
public:
    explicit RawParse(const char *text);
    ~RawParse();
    RawParse(const RawParse &) = delete;
    RawParse &operator=(const RawParse &) = delete;

    /// The statements (RawStmt nodes); NIL for an empty text or when error() is set.
    const List *tree() const { return m_result.tree; }
    const PgQueryError *error() const { return m_result.error; }

private:
    MemoryContext m_context;
    PgQueryInternalParsetreeAndError m_result;
};

/// "" when the node structs the analyzer reads have the layout and tags these headers say, checked
/// once per process on a parsed statement; else what differs. The analyzer refuses to work on a
/// mismatch (libpg_query built from other PostgreSQL sources than the installed headers).
const std::string &rawLayoutProblem();

} // namespace writ::sql::detail
