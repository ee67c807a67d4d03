// SPDX-License-Identifier: Apache-2.0
// analyze() on arbitrary bytes, against the supportdesk catalog snapshot, must never crash, hang or
// leak (nor may the literal shape scan), and what it returns must be consistent: every statement's text is the slice of the input at
// its location, every location lies within the input, and an error has a message and an offset
// inside the input. The lexical nesting pre-scan must bound the real parse tree of every input it
// admits (the analyzer relies on that bound to pick the stack it walks the tree on). A broken invariant
// traps, so libFuzzer keeps the input.
//
// WRIT_FUZZ_PRINT=1 prints each input's outcome:
//   WRIT_FUZZ_PRINT=1 build-fuzz/tests/fuzz/fuzz_analyze tests/fuzz/corpus/analyze/*

#include "catalog/catalog_json.h"
#include "sql/analyzer.h"
#include "sql/literal_shape.h"
#include "sql/nesting_scan.h"
#include "sql/raw_tree_info.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

namespace {

using namespace writ;

bool printing()
{
    static const bool on = [] {
        const char *v = std::getenv("WRIT_FUZZ_PRINT");
        return v && *v && std::string_view(v) != "0";
    }();
    return on;
}

[[noreturn]] void broken(const char *what, std::string_view input)
{
    std::fprintf(stderr, "\nanalyzer invariant broken: %s\n--- input (%zu bytes) ---\n%.*s\n---\n", what, input.size(),
                 static_cast<int>(input.size() > 4096 ? 4096 : input.size()), input.data());
    __builtin_trap();
}

const catalog::Catalog &supportdesk()
{
    static const catalog::Catalog c = catalog::loadCatalogFile(WRIT_FUZZ_CATALOG);
    return c;
}

bool within(int location, std::size_t size)
{
    return location >= 0 && static_cast<std::size_t>(location) <= size;
}

void checkFacts(const sql::Analysis &a, std::string_view input)
{
    if (!a.ok()) {
        if (a.error->message.empty())
            broken("an error without a message", input);
        if (a.error->offset != -1 && !within(a.error->offset, input.size()))
            broken("an error offset outside the input", input);
        if (!a.statements.empty())
            broken("statements next to an error", input);
        return;
    }
    int previous = -1;
    for (const auto &s : a.statements) {
        if (!within(s.location, input.size()) || s.location + s.text.size() > input.size())
            broken("a statement outside the input", input);
        if (input.substr(static_cast<std::size_t>(s.location), s.text.size()) != s.text)
            broken("a statement text that is not the input at its location", input);
        if (s.location <= previous)
            broken("statements out of order", input);
        previous = s.location;
        if (s.nodeType.empty())
            broken("a statement without a node type", input);
        for (const auto &r : s.relations) {
            if (r.location != -1 && !within(r.location, input.size()))
                broken("a relation location outside the input", input);
            if (r.name.empty())
                broken("a relation without a name", input);
            if (r.found && r.system)
                broken("a relation both found in the catalog and a system one", input);
            for (const auto &c : r.insertedColumns)
                if (!r.writtenColumns.count(c))
                    broken("an inserted column missing from writtenColumns", input);
            for (const auto &c : r.updatedColumns)
                if (!r.writtenColumns.count(c))
                    broken("an updated column missing from writtenColumns", input);
        }
        for (const auto &f : s.functions)
            if (f.location != -1 && !within(f.location, input.size()))
                broken("a function location outside the input", input);
        for (const auto &st : s.settings)
            if (st.location != -1 && !within(st.location, input.size()))
                broken("a setting location outside the input", input);
    }
}

/// The pre-scan's bound against the real tree, for inputs that parse. Neither the raw parse nor the
/// depth count recurses, so this runs on any thread.
void checkNestingBound(std::string_view input)
{
    const auto estimate = sql::detail::estimateNesting(input, sql::kMaxNestingDepth);
    if (estimate.exceeded)
        return;
    const std::string text(input);
    const int depth = sql::detail::parsedTreeDepth(text.c_str());
    if (depth > estimate.treeDepth) {
        std::fprintf(stderr, "tree depth %d, estimated at most %d (nesting %d)\n", depth, estimate.treeDepth, estimate.nesting);
        broken("the nesting pre-scan underestimated the parse tree", input);
    }
}

/// The literal shape keeps the input's text around its constants, in order, and never more of it.
void checkShape(std::string_view input)
{
    const auto shape = sql::literalShape(input);
    if (!shape)
        return;
    if (shape->key.empty() || shape->key[0] != 'S')
        broken("a literal shape key without its prefix", input);
    std::size_t at = 0;
    int constants = 0;
    std::string_view rest = std::string_view(shape->key).substr(1);
    for (;;) {
        const std::size_t cut = rest.find('\0');
        const std::string_view piece = rest.substr(0, cut);
        const std::size_t found = input.find(piece, at);
        if (found == std::string_view::npos)
            broken("a literal shape piece that is not in the input, in order", input);
        at = found + piece.size();
        if (cut == std::string_view::npos)
            break;
        ++constants;
        rest = rest.substr(std::min(cut + 2, rest.size()));
    }
    if (constants != shape->constants)
        broken("a literal shape that miscounts its constants", input);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    const std::string_view input(reinterpret_cast<const char *>(data), size);
    const sql::Analysis a = sql::analyze(input, supportdesk());
    if (printing())
        std::fprintf(stderr, "%s: %zu statements\n", a.ok() ? "ok" : a.error->message.c_str(), a.statements.size());
    checkFacts(a, input);
    sql::fingerprint(input);
    checkShape(input);
    // The analysis passed the size, NUL and UTF-8 checks exactly when its error is not one of them.
    if (a.ok() || a.error->message.rfind("cannot analyze:", 0) != 0)
        checkNestingBound(input);
    return 0;
}
