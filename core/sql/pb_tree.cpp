// SPDX-License-Identifier: Apache-2.0
#include "sql/pb_tree.h"

#include <pg_query.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <new>
#include <utility>

namespace writ::sql::detail {

namespace {

/// Node's field descriptors by case, and Node member types by descriptor: built once.
struct NodeTables
{
    std::vector<const ProtobufCFieldDescriptor *> byCase;
    std::vector<std::pair<const void *, int>> caseByDescriptor; // sorted by descriptor address

    NodeTables()
    {
        const ProtobufCMessageDescriptor &d = pg_query__node__descriptor;
        int maxCase = 0;
        for (unsigned i = 0; i < d.n_fields; ++i)
            maxCase = std::max(maxCase, static_cast<int>(d.fields[i].id));
        byCase.assign(static_cast<std::size_t>(maxCase) + 1, nullptr);
        for (unsigned i = 0; i < d.n_fields; ++i) {
            const ProtobufCFieldDescriptor &f = d.fields[i];
            byCase[f.id] = &f;
            caseByDescriptor.emplace_back(f.descriptor, static_cast<int>(f.id));
        }
        std::sort(caseByDescriptor.begin(), caseByDescriptor.end());
    }
};

const NodeTables &tables()
{
    static const NodeTables t;
    return t;
}

} // namespace

const ProtobufCMessage *payload(const PbNode *node)
{
    if (!node || node->node_case == PG_QUERY__NODE__NODE__NOT_SET)
        return nullptr;
    // All oneof members share one storage slot holding a message pointer.
    const ProtobufCMessage *m = nullptr;
    static_assert(sizeof(node->alias) == sizeof(m));
    std::memcpy(&m, &node->alias, sizeof m);
    return m;
}

int nodeCaseOf(const ProtobufCMessageDescriptor *descriptor)
{
    const auto &v = tables().caseByDescriptor;
    const auto it = std::lower_bound(v.begin(), v.end(), std::pair<const void *, int>(descriptor, 0));
    return it != v.end() && it->first == descriptor ? it->second : 0;
}

const char *nodeName(int nodeCase)
{
    const auto &byCase = tables().byCase;
    if (nodeCase <= 0 || static_cast<std::size_t>(nodeCase) >= byCase.size() || !byCase[nodeCase])
        return "";
    return static_cast<const ProtobufCMessageDescriptor *>(byCase[nodeCase]->descriptor)->short_name;
}

int maxNodeCase()
{
    return static_cast<int>(tables().byCase.size()) - 1;
}

int messageDepth(const ProtobufCMessage *root)
{
    if (!root)
        return 0;
    std::vector<std::pair<const ProtobufCMessage *, int>> todo{{root, 1}};
    int deepest = 0;
    while (!todo.empty()) {
        const auto [m, depth] = todo.back();
        todo.pop_back();
        deepest = std::max(deepest, depth);
        const ProtobufCMessageDescriptor *d = m->descriptor;
        const char *base = reinterpret_cast<const char *>(m);
        for (unsigned i = 0; i < d->n_fields; ++i) {
            const ProtobufCFieldDescriptor &f = d->fields[i];
            if (f.type != PROTOBUF_C_TYPE_MESSAGE)
                continue;
            if (f.label == PROTOBUF_C_LABEL_REPEATED) {
                std::size_t n = 0;
                std::memcpy(&n, base + f.quantifier_offset, sizeof n);
                ProtobufCMessage *const *items = nullptr;
                std::memcpy(&items, base + f.offset, sizeof items);
                for (std::size_t k = 0; k < n; ++k)
                    if (items[k])
                        todo.emplace_back(items[k], depth + 1);
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
            if (child)
                todo.emplace_back(child, depth + 1);
        }
    }
    return deepest;
}

int parsedTreeDepth(const char *sql)
{
    PgQueryProtobufParseResult r = pg_query_parse_protobuf(sql);
    int depth = -1;
    if (!r.error) {
        Arena arena;
        const auto *tree = pg_query__parse_result__unpack(arena.allocator(), r.parse_tree.len,
                                                          reinterpret_cast<const std::uint8_t *>(r.parse_tree.data));
        if (tree)
            depth = messageDepth(&tree->base);
    }
    pg_query_free_protobuf_parse_result(r);
    return depth;
}

// ---- Arena

namespace {
constexpr std::size_t kFirstBlock = 32 * 1024;
constexpr std::size_t kNextBlock = 256 * 1024;
constexpr std::size_t kAlign = alignof(std::max_align_t);
} // namespace

Arena::Arena()
{
    m_allocator.alloc = &Arena::alloc;
    m_allocator.free = &Arena::release;
    m_allocator.allocator_data = this;
}

Arena::~Arena()
{
    for (const Block &b : m_blocks)
        std::free(b.data);
}

void Arena::reset()
{
    // Keep a small first block for the next statement; larger texts give their blocks back.
    const std::size_t keep = !m_blocks.empty() && m_blocks.front().size <= kFirstBlock ? 1 : 0;
    for (std::size_t i = keep; i < m_blocks.size(); ++i)
        std::free(m_blocks[i].data);
    m_blocks.resize(keep);
    if (m_blocks.empty()) {
        m_cursor = m_end = nullptr;
    } else {
        m_cursor = m_blocks.front().data;
        m_end = m_cursor + m_blocks.front().size;
    }
}

void *Arena::alloc(void *self, std::size_t size)
{
    return static_cast<Arena *>(self)->allocate(size);
}

void *Arena::allocate(std::size_t size)
{
    size = (size + kAlign - 1) & ~(kAlign - 1);
    if (size == 0)
        size = kAlign;
    if (static_cast<std::size_t>(m_end - m_cursor) < size) {
        const std::size_t blockSize = std::max(size, m_blocks.empty() ? kFirstBlock : kNextBlock);
        // Called from C code: nothing may throw here. A null return fails the unpack cleanly.
        char *data = static_cast<char *>(std::malloc(blockSize));
        if (!data)
            return nullptr;
        try {
            m_blocks.push_back({data, blockSize});
        } catch (...) {
            std::free(data);
            return nullptr;
        }
        m_cursor = data;
        m_end = data + blockSize;
    }
    void *p = m_cursor;
    m_cursor += size;
    return p;
}

} // namespace writ::sql::detail
