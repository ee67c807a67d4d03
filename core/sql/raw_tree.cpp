// SPDX-License-Identifier: Apache-2.0
// The node type table of the raw parse tree (generated into raw_nodes.inc by scripts/gen-raw-nodes),
// the tree depth for tests, and the parse in its own memory context.

#include "sql/raw_tree_info.h"

#include "sql/raw_tree.h"

namespace writ::sql::detail {

namespace {

#include "sql/raw_nodes.inc"

static_assert(std::size(kRawChildren) < 0xFFFF, "child indexes are 16 bits");

/// One past the highest tag of the table.
constexpr std::size_t kTagLimit = [] {
    std::size_t highest = 0;
    for (const RawNodeType &t : kRawNodeTypes)
        highest = std::max(highest, static_cast<std::size_t>(t.tag));
    return highest + 1;
}();

/// Row of each tag (-1: unknown), so finding a node's children is one array read.
constexpr auto kRowByTag = [] {
    std::array<std::int16_t, kTagLimit> rows {};
    rows.fill(-1);
    for (std::size_t i = 0; i < std::size(kRawNodeTypes); ++i)
        rows[static_cast<std::size_t>(kRawNodeTypes[i].tag)] = static_cast<std::int16_t>(i);
    return rows;
}();

} // namespace

const RawNodeType *rawNodeType(NodeTag tag)
{
    const auto t = static_cast<std::size_t>(tag);
    if (t >= kTagLimit || kRowByTag[t] < 0)
        return nullptr;
    return &kRawNodeTypes[kRowByTag[t]];
}

const char *rawNodeName(NodeTag tag)
{
    const RawNodeType *t = rawNodeType(tag);
    return t ? t->name : "";
}

std::span<const RawChild> rawChildren(const RawNodeType &type)
{
    return std::span<const RawChild>(kRawChildren).subspan(type.childrenBegin, type.childrenCount);
}

int treeDepth(const Node *root)
{
    if (!root)
        return 0;
    std::vector<std::pair<const Node *, int>> todo {{root, 1}};
    int deepest = 0;
    while (!todo.empty()) {
        const auto [n, depth] = todo.back();
        todo.pop_back();
        deepest = std::max(deepest, depth);
        if (nodeTag(n) == T_List) {
            for (const Node *item : items(n))
                if (item)
                    todo.emplace_back(item, depth + 1);
            continue;
        }
        const RawNodeType *type = rawNodeType(nodeTag(n));
        if (!type)
            continue;
        for (const RawChild &c : rawChildren(*type))
            if (const Node *child = childAt(n, c))
                todo.emplace_back(child, depth + 1);
    }
    return deepest;
}

int parsedTreeDepth(const char *sql)
{
    const RawParse parse(sql);
    if (parse.error())
        return -1;
    return treeDepth(as<Node>(parse.tree()));
}

bool parseOnly(const char *sql)
{
    const RawParse parse(sql);
    return !parse.error();
}

std::vector<std::string_view> rawNodeNames()
{
    std::vector<std::string_view> names;
    for (const RawNodeType &t : kRawNodeTypes)
        names.emplace_back(t.name);
    return names;
}

// ---- RawParse

RawParse::RawParse(const char *text)
    : m_context(pg_query_enter_memory_context())
    , m_result(pg_query_raw_parse(text))
{ }

RawParse::~RawParse()
{
    std::free(m_result.stderr_buffer);
    if (m_result.error)
        pg_query_free_error(m_result.error);
    pg_query_exit_memory_context(m_context);
}

} // namespace writ::sql::detail
