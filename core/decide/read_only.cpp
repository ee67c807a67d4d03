// SPDX-License-Identifier: Apache-2.0
#include "decide/read_only.h"

#include "decide/function_rules.h"

#include <algorithm>
#include <array>

namespace writ::decide {

namespace {

// Immutable or stable in pg_proc, and none writes, locks, waits, or reads outside the statement's
// relations. Sorted, for binary search.
constexpr std::array<std::string_view, 49> kSideEffectFree = {
    "abs", "age", "array_agg", "avg", "bool_and", "bool_or", "btrim", "ceil", "ceiling", "char_length",
    "concat", "concat_ws", "count", "date_part", "date_trunc", "every", "extract", "floor", "generate_series",
    "json_agg", "json_build_object", "jsonb_agg", "jsonb_build_object", "left", "length", "lower", "ltrim",
    "make_date", "max", "min", "mod", "now", "position", "power", "replace", "right", "round", "rtrim",
    "split_part", "sqrt", "string_agg", "strpos", "substr", "substring", "sum", "to_char", "trim", "trunc",
    "upper",
};

bool readsOnly(const sql::RelationUse &r)
{
    return std::all_of(r.access.begin(), r.access.end(), [](sql::Access a) { return a == sql::Access::Read; });
}

} // namespace

bool isSideEffectFreeBuiltin(std::string_view schema, std::string_view name)
{
    static_assert(std::is_sorted(kSideEffectFree.begin(), kSideEffectFree.end()));
    return schema == "pg_catalog" && std::binary_search(kSideEffectFree.begin(), kSideEffectFree.end(), name);
}

bool changesNothingWhenRun(const sql::StatementFacts &f)
{
    if (f.kind != sql::StatementClass::Read || f.nodeType != "SelectStmt" || f.unknownKind || f.explain || f.copy
        || f.listenNotify || !f.prepareName.empty() || !f.executeName.empty() || !f.settings.empty())
        return false;
    if (!std::all_of(f.relations.begin(), f.relations.end(), readsOnly))
        return false;
    return std::all_of(f.functions.begin(), f.functions.end(), [](const sql::FunctionUse &fn) {
        return isWritRuntimeFunction(fn.schema, fn.name) || (!fn.found && isSideEffectFreeBuiltin(fn.schema, fn.name));
    });
}

} // namespace writ::decide
