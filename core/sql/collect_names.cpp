// SPDX-License-Identifier: Apache-2.0
// Catalog lookups and column attribution of FactCollector (see fact_collector.h).

#include "sql/system_relations.h"

#include <type_traits>

#include "sql/fact_collector.h" // last: the PostgreSQL headers

namespace writ::sql::detail {

namespace {

bool isSystemSchema(std::string_view schema)
{
    return schema == "pg_catalog" || schema == "information_schema";
}

/// Columns every table has besides its catalog columns; reading them reveals no row data.
bool isSystemColumn(std::string_view c)
{
    return c == "ctid" || c == "xmin" || c == "xmax" || c == "cmin" || c == "cmax" || c == "tableoid";
}

} // namespace

void Workspace::clear()
{
    // Keep the buffers for the next statement, unless a huge one made them huge: a thread should
    // not hold megabytes for the rest of its life because of one 1 MiB statement.
    constexpr std::size_t kKeep = 4096;
    const auto reset = [](auto &v) {
        if (v.capacity() > kKeep)
            std::decay_t<decltype(v)>().swap(v);
        else
            v.clear();
    };
    reset(items);
    reset(levels);
    reset(ctes);
    reset(names);
    reset(touched);
}

bool FactCollector::spend(std::int64_t work)
{
    m_work += work;
    if (m_work > kMaxResolveWork && !m_failed)
        fail("cannot analyze: the statement is too large to resolve its names (more than "
             + std::to_string(kMaxResolveWork) + " lookups)");
    return !m_failed;
}

// ---- relations

FactCollector::Resolved FactCollector::relationUse(const RangeVar &rv)
{
    const std::string_view written = str(rv.schemaname);
    const std::string_view name = str(rv.relname);
    Resolved out;
    out.schema = written;
    bool system = false;
    if (!written.empty()) {
        if (isSystemSchema(written))
            system = true;
        else
            out.rel = m_catalog.findRelation(written, name);
    } else if (isPgCatalogRelation(name)) {
        // pg_catalog is searched before the search_path, so its relations shadow user ones.
        system = true;
        out.schema = "pg_catalog";
    } else {
        for (const std::string &schema : m_options.searchPath) {
            if (schema == "$user" || isSystemSchema(schema))
                continue;
            if ((out.rel = m_catalog.findRelation(schema, name))) {
                out.schema = out.rel->schema;
                break;
            }
        }
    }
    if (out.rel)
        out.schema = out.rel->schema;

    auto &relations = m_facts->relations;
    spend(static_cast<std::int64_t>(relations.size()));
    const bool spellsSchema = !written.empty() && !rv.catalogname;
    for (std::size_t i = 0; i < relations.size(); ++i) {
        RelationUse &r = relations[i];
        if (r.name == name && r.schema == out.schema) {
            r.qualified = r.qualified || !written.empty();
            if (spellsSchema)
                r.schemaSpellings.push_back(rv.location);
            out.index = static_cast<int>(i);
            m_ws.touched.push_back(out.index);
            return out;
        }
    }
    RelationUse r;
    r.schema = std::string(out.schema);
    r.name = std::string(name);
    r.qualified = !written.empty();
    r.found = out.rel != nullptr;
    r.system = system;
    if (out.rel) {
        r.kind = out.rel->kind;
        r.partitionOf = out.rel->partitionOf;
    }
    r.location = rv.location;
    if (spellsSchema)
        r.schemaSpellings.push_back(rv.location);
    relations.push_back(std::move(r));
    out.index = static_cast<int>(relations.size()) - 1;
    m_ws.touched.push_back(out.index);
    return out;
}

void FactCollector::addAccess(int relation, Access a)
{
    if (relation >= 0)
        m_facts->relations[relation].access.insert(a);
}

void FactCollector::readColumn(int relation, std::string_view column)
{
    if (relation >= 0 && !column.empty() && spend(1)) {
        m_facts->relations[relation].readColumns.emplace(column);
    }
}

void FactCollector::writeColumn(int relation, std::string_view column, Access how)
{
    if (relation < 0 || column.empty() || !spend(1))
        return;
    RelationUse &r = m_facts->relations[relation];
    r.writtenColumns.emplace(column);
    if (how == Access::Insert)
        r.insertedColumns.emplace(column);
    else if (how == Access::Update)
        r.updatedColumns.emplace(column);
}

void FactCollector::allColumns(int relation)
{
    if (relation >= 0)
        m_facts->relations[relation].allColumns = true;
}

const Cte *FactCollector::findCte(std::string_view name) const
{
    for (auto it = m_ws.ctes.rbegin(); it != m_ws.ctes.rend(); ++it)
        if (it->name == name)
            return &*it;
    return nullptr;
}

// ---- what an item provides

bool FactCollector::relationHas(const Item &it, std::string_view name, std::string_view &catalogName) const
{
    const catalog::Relation &rel = *it.rel;
    const ListNodes renames = items(it.alias ? it.alias->colnames : nullptr);
    const std::size_t renamed = renames.size();
    for (std::size_t i = 0; i < renamed; ++i) {
        if (stringOf(renames[i]) == name) {
            if (i >= rel.columns.size())
                return false;
            catalogName = rel.columns[i].name;
            return true;
        }
    }
    for (std::size_t i = renamed; i < rel.columns.size(); ++i) {
        if (rel.columns[i].name == name) {
            catalogName = rel.columns[i].name;
            return true;
        }
    }
    return false; // absent, or renamed away by the alias
}

bool FactCollector::derivedHas(const Item &it, std::string_view name) const
{
    for (int i = it.namesBegin; i < it.namesEnd; ++i)
        if (m_ws.names[i] == name)
            return true;
    return false;
}

void FactCollector::itemNames(const Item &it, bool &known)
{
    switch (it.kind) {
    case ItemKind::Relation: {
        if (!it.rel) {
            known = false;
            return;
        }
        const ListNodes renames = items(it.alias ? it.alias->colnames : nullptr);
        for (std::size_t i = 0; i < it.rel->columns.size(); ++i) {
            const bool renamed = i < renames.size();
            m_ws.names.push_back(renamed ? stringOf(renames[i]) : std::string_view(it.rel->columns[i].name));
        }
        return;
    }
    case ItemKind::Derived:
        known = known && it.namesKnown;
        for (int i = it.namesBegin; i < it.namesEnd; ++i)
            m_ws.names.push_back(m_ws.names[i]);
        return;
    case ItemKind::Join:
        for (int i = it.membersBegin; i < it.membersEnd; ++i)
            if (m_ws.items[i].kind != ItemKind::Join)
                itemNames(m_ws.items[i], known);
        return;
    }
}

// ---- column references

void FactCollector::columnRef(const ColumnRef &c)
{
    const ListNodes fields = items(c.fields);
    const std::size_t n = fields.size();
    if (n == 0)
        return;
    const bool starred = fields[n - 1] && nodeTag(fields[n - 1]) == T_A_Star;
    const auto field = [&](std::size_t i) { return stringOf(fields[i]); };
    if (starred) {
        switch (n) {
        case 1: star(); return;
        case 2: qualifiedStar("", field(0)); return;
        case 3:
            if (const int item = qualifiedStar(field(0), field(1)); item >= 0)
                spelledSchema(item, c.location);
            return;
        default: qualifiedStar(field(n - 3), field(n - 2)); return;
        }
    }
    switch (n) {
    case 1:
        unqualifiedColumn(field(0));
        return;
    case 2:
        // t.c, or composite column t with field c when no item is named t
        if (const int item = findItem("", field(0)); item >= 0)
            itemColumn(item, field(1));
        else
            unqualifiedColumn(field(0));
        return;
    case 3:
        // t.c.f (column c of t, field f) or s.t.c
        if (const int item = findItem("", field(0)); item >= 0)
            itemColumn(item, field(1));
        else if (const int qualified = findItem(field(0), field(1)); qualified >= 0) {
            spelledSchema(qualified, c.location);
            itemColumn(qualified, field(2));
        }
        else
            unqualifiedColumn(field(0));
        return;
    default:
        // db.s.t.c (and fields of it)
        if (const int item = findItem(field(1), field(2)); item >= 0)
            itemColumn(item, field(3));
        return;
    }
}

void FactCollector::spelledSchema(int item, int location)
{
    const Item &it = m_ws.items[item];
    if (it.kind == ItemKind::Relation && it.relation >= 0)
        m_facts->relations[it.relation].schemaSpellings.push_back(location);
}

void FactCollector::star()
{
    const int level = currentLevel();
    if (level < 0)
        return;
    const auto &items = m_ws.items;
    for (std::size_t i = static_cast<std::size_t>(m_ws.levels[level].itemsBegin); i < items.size(); ++i)
        if (items[i].kind == ItemKind::Relation)
            allColumns(items[i].relation);
}

int FactCollector::qualifiedStar(std::string_view schema, std::string_view refname)
{
    const int item = findItem(schema, refname);
    if (item >= 0)
        wholeRow(item);
    return item;
}

void FactCollector::unqualifiedColumn(std::string_view name)
{
    const auto &items = m_ws.items;
    int end = static_cast<int>(items.size());
    for (int level = currentLevel(); level >= 0;) {
        const Level &l = m_ws.levels[level];
        if (!spend(end - l.itemsBegin))
            return;
        bool matched = false;
        bool unknown = false;
        for (int i = l.itemsBegin; i < end; ++i) {
            const Item &it = items[i];
            switch (it.kind) {
            case ItemKind::Relation:
                if (!it.rel) {
                    unknown = true;
                } else if (std::string_view column; relationHas(it, name, column)) {
                    readColumn(it.relation, column);
                    matched = true; // several relations with the column: every one of them is read
                }
                break;
            case ItemKind::Derived:
                if (derivedHas(it, name))
                    matched = true; // an output of a sub-select or CTE: its own targets were counted
                else if (!it.namesKnown)
                    unknown = true;
                break;
            case ItemKind::Join:
                break;
            }
        }
        if (matched)
            return;
        if (unknown) {
            // It may be a column of a relation whose columns are unknown: attribute it there, and keep
            // looking outward in case it is not.
            for (int i = l.itemsBegin; i < end; ++i)
                if (items[i].kind == ItemKind::Relation && !items[i].rel)
                    readColumn(items[i].relation, name);
        }
        end = l.parentItemsEnd;
        level = l.parent;
    }
    // No column of that name anywhere: PostgreSQL reads it as a whole-row reference to an item.
    if (const int item = findItem("", name); item >= 0)
        wholeRow(item);
}

void FactCollector::itemColumn(int item, std::string_view column)
{
    const Item &it = m_ws.items[item];
    switch (it.kind) {
    case ItemKind::Relation:
        if (!it.rel) {
            readColumn(it.relation, column);
        } else if (std::string_view name; relationHas(it, column, name)) {
            readColumn(it.relation, name);
        } else if (!isSystemColumn(column)) {
            // t.f with no column f is the functional notation f(t): it reads the whole row.
            allColumns(it.relation);
        }
        return;
    case ItemKind::Derived:
        return;
    case ItemKind::Join: {
        bool any = false;
        for (int i = it.membersBegin; i < it.membersEnd; ++i) {
            const Item &m = m_ws.items[i];
            if (m.kind == ItemKind::Relation) {
                if (!m.rel) {
                    readColumn(m.relation, column);
                    any = true;
                } else if (std::string_view name; relationHas(m, column, name)) {
                    readColumn(m.relation, name);
                    any = true;
                }
            } else if (m.kind == ItemKind::Derived && (derivedHas(m, column) || !m.namesKnown)) {
                any = true;
            }
        }
        if (!any && !isSystemColumn(column))
            wholeRow(item);
        return;
    }
    }
}

void FactCollector::wholeRow(int item)
{
    const Item &it = m_ws.items[item];
    if (it.kind == ItemKind::Relation) {
        allColumns(it.relation);
    } else if (it.kind == ItemKind::Join) {
        for (int i = it.membersBegin; i < it.membersEnd; ++i)
            if (m_ws.items[i].kind == ItemKind::Relation)
                allColumns(m_ws.items[i].relation);
    }
}

int FactCollector::findItem(std::string_view schema, std::string_view refname)
{
    if (refname.empty())
        return -1;
    const auto &items = m_ws.items;
    int end = static_cast<int>(items.size());
    for (int level = currentLevel(); level >= 0;) {
        const Level &l = m_ws.levels[level];
        if (!spend(end - l.itemsBegin))
            return -1;
        for (int i = l.itemsBegin; i < end; ++i) {
            const Item &it = items[i];
            if (it.refname != refname)
                continue;
            if (schema.empty() || (it.kind == ItemKind::Relation && !it.aliased && it.schema == schema))
                return i;
        }
        end = l.parentItemsEnd;
        level = l.parent;
    }
    return -1;
}

// ---- functions

void FactCollector::functionUse(const FuncCall &f)
{
    const ListNodes funcname = items(f.funcname);
    const std::size_t n = funcname.size();
    if (n == 0)
        return;
    const std::string_view name = stringOf(funcname[n - 1]);
    const std::string_view written = n >= 2 ? stringOf(funcname[n - 2]) : std::string_view();
    // SQL-standard syntax (EXTRACT, TRIM, AT TIME ZONE, ...) arrives as pg_catalog.<function>.
    const bool sqlSyntax = f.funcformat == COERCE_SQL_SYNTAX;

    const auto lookup = [&](std::string_view schema, bool &securityDefiner) {
        bool found = false;
        spend(static_cast<std::int64_t>(m_catalog.functions.size()));
        for (const catalog::Function &fn : m_catalog.functions) {
            if (fn.name == name && fn.schema == schema) {
                found = true;
                securityDefiner = securityDefiner || fn.securityDefiner; // any overload
            }
        }
        return found;
    };
    std::string_view schema = written;
    bool found = false;
    bool securityDefiner = false;
    if (!written.empty()) {
        found = lookup(written, securityDefiner);
    } else {
        // The first search_path schema holding the name; a user function is preferred over a
        // built-in of the same name, which is the more restrictive reading.
        for (const std::string &s : m_options.searchPath) {
            if (s == "$user" || s == "pg_catalog")
                continue;
            if ((found = lookup(s, securityDefiner))) {
                schema = s;
                break;
            }
        }
    }
    if (!found && written.empty())
        schema = "pg_catalog";

    for (const FunctionUse &u : m_facts->functions)
        if (u.name == name && u.schema == schema)
            return;
    FunctionUse u;
    u.schema = std::string(schema);
    u.name = std::string(name);
    u.qualified = !written.empty() && !sqlSyntax;
    u.found = found;
    u.securityDefiner = securityDefiner;
    u.location = f.location;
    m_facts->functions.push_back(std::move(u));
}

} // namespace writ::sql::detail
