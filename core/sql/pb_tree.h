// SPDX-License-Identifier: Apache-2.0
#pragma once

// Small helpers over libpg_query's protobuf-c parse tree (pg_query.pb-c.h), internal to the analyzer:
// what a Node wraps, node names, strings, and an arena the tree is unpacked into so that one
// statement costs a few block allocations instead of one malloc and one free per node.

#include <pg_query/pg_query.pb-c.h>

#include <cstddef>
#include <string_view>
#include <vector>

namespace writ::sql::detail {

using PbNode = PgQuery__Node;

/// The message a Node holds (nullptr when unset). Every member of Node's oneof is a message pointer.
const ProtobufCMessage *payload(const PbNode *node);

/// The Node oneof case of a message type, e.g. PG_QUERY__NODE__NODE_SELECT_STMT for SelectStmt's
/// descriptor; 0 when the type is not a member of Node (e.g. ParseResult).
int nodeCaseOf(const ProtobufCMessageDescriptor *descriptor);

/// libpg_query's node name of a Node case ("SelectStmt"), "" when out of range.
const char *nodeName(int nodeCase);

/// Highest Node case number (A_Const in libpg_query 15).
int maxNodeCase();

inline std::string_view str(const char *s)
{
    return s ? std::string_view(s) : std::string_view();
}

/// The value of a String node, "" for anything else.
inline std::string_view stringOf(const PbNode *n)
{
    return n && n->node_case == PG_QUERY__NODE__NODE_STRING && n->string ? str(n->string->sval) : std::string_view();
}

template <typename T>
inline const T *as(const ProtobufCMessage *m)
{
    return reinterpret_cast<const T *>(m);
}

/// Depth of the deepest message nesting in a tree (the root counts 1). Iterative, for tests and the
/// fuzz harness that check the nesting pre-scan never underestimates.
int messageDepth(const ProtobufCMessage *root);

/// Parses `sql` and returns messageDepth() of its protobuf tree, -1 when it does not parse. No
/// guards: callers keep to texts the pre-scan admits and run it with enough stack.
int parsedTreeDepth(const char *sql);

/// Bump allocator handed to protobuf-c's unpack. Nothing is freed piecemeal: reset() drops
/// everything at once, so the unpacked tree is never walked a second time just to free it.
/// The first block stays allocated across resets, so a thread analyzing small statements
/// allocates nothing after its first one.
class Arena
{
public:
    Arena();
    ~Arena();
    Arena(const Arena &) = delete;
    Arena &operator=(const Arena &) = delete;

    ProtobufCAllocator *allocator() { return &m_allocator; }
    void reset();

private:
    static void *alloc(void *self, std::size_t size);
    static void release(void *, void *) {}
    void *allocate(std::size_t size);

    struct Block
    {
        char *data;
        std::size_t size;
    };
    ProtobufCAllocator m_allocator;
    std::vector<Block> m_blocks;
    char *m_cursor = nullptr;
    char *m_end = nullptr;
};

} // namespace writ::sql::detail
