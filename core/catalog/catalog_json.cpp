// SPDX-License-Identifier: Apache-2.0
#include "catalog/catalog_json.h"

#include "catalog/catalog_error.h"
#include "common/text.h"

#include <nlohmann/json.hpp>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <system_error>

namespace writ::catalog {

namespace {

using ojson = nlohmann::ordered_json;
using json = nlohmann::json;
using K = CatalogError::Kind;

// ---------------------------------------------------------------------------------------------
// Writing. ordered_json keeps insertion order, so the key order below is the file's.

ojson aclToJson(const std::vector<AclItem> &acl)
{
    ojson out = ojson::array();
    for (const AclItem &a : acl) {
        ojson j;
        j["grantee"] = a.grantee;
        j["grantor"] = a.grantor;
        j["privilege"] = a.privilege;
        j["grantable"] = a.grantable;
        out.push_back(std::move(j));
    }
    return out;
}

ojson columnToJson(const Column &c)
{
    ojson j;
    j["name"] = c.name;
    j["type"] = c.type;
    j["attnum"] = c.attnum;
    j["notNull"] = c.notNull;
    j["acl"] = aclToJson(c.acl);
    return j;
}

ojson foreignKeyToJson(const ForeignKey &fk)
{
    ojson j;
    j["name"] = fk.name;
    j["columns"] = fk.columns;
    j["refSchema"] = fk.refSchema;
    j["refRelation"] = fk.refRelation;
    j["refColumns"] = fk.refColumns;
    return j;
}

ojson policyToJson(const RlsPolicy &p)
{
    ojson j;
    j["name"] = p.name;
    j["command"] = p.command;
    j["permissive"] = p.permissive;
    j["roles"] = p.roles;
    j["using"] = p.usingExpr;
    j["check"] = p.checkExpr;
    return j;
}

ojson relationToJson(const Relation &r)
{
    ojson j;
    j["schema"] = r.schema;
    j["name"] = r.name;
    j["kind"] = toString(r.kind);
    j["owner"] = r.owner;
    j["comment"] = r.comment;
    j["reltuples"] = r.reltuples;
    j["rlsEnabled"] = r.rlsEnabled;
    j["rlsForced"] = r.rlsForced;
    j["securityBarrier"] = r.securityBarrier;
    j["securityInvoker"] = r.securityInvoker;
    j["partitionOf"] = r.partitionOf;
    j["viewDefinition"] = r.viewDefinition;
    ojson cols = ojson::array();
    for (const Column &c : r.columns)
        cols.push_back(columnToJson(c));
    j["columns"] = std::move(cols);
    j["primaryKey"] = r.primaryKey;
    ojson fks = ojson::array();
    for (const ForeignKey &fk : r.foreignKeys)
        fks.push_back(foreignKeyToJson(fk));
    j["foreignKeys"] = std::move(fks);
    j["acl"] = aclToJson(r.acl);
    ojson pols = ojson::array();
    for (const RlsPolicy &p : r.policies)
        pols.push_back(policyToJson(p));
    j["policies"] = std::move(pols);
    return j;
}

ojson roleToJson(const Role &r)
{
    ojson j;
    j["name"] = r.name;
    j["login"] = r.login;
    j["superuser"] = r.superuser;
    j["bypassRls"] = r.bypassRls;
    j["createRole"] = r.createRole;
    j["createDb"] = r.createDb;
    j["inherit"] = r.inherit;
    j["connectionLimit"] = r.connectionLimit;
    j["validUntil"] = r.validUntil ? ojson(*r.validUntil) : ojson(nullptr);
    j["memberOf"] = r.memberOf;
    j["comment"] = r.comment;
    return j;
}

ojson functionToJson(const Function &f)
{
    ojson j;
    j["schema"] = f.schema;
    j["name"] = f.name;
    j["arguments"] = f.arguments;
    j["returns"] = f.returns;
    j["language"] = f.language;
    j["owner"] = f.owner;
    j["securityDefiner"] = f.securityDefiner;
    j["volatility"] = f.volatility;
    j["config"] = f.config;
    j["acl"] = aclToJson(f.acl);
    return j;
}

// ---------------------------------------------------------------------------------------------
// Reading. Every accessor knows the path of the value it reads, so errors can name it.

const char *typeName(const json &j)
{
    switch (j.type()) {
    case json::value_t::null:
        return "null";
    case json::value_t::object:
        return "an object";
    case json::value_t::array:
        return "an array";
    case json::value_t::string:
        return "a string";
    case json::value_t::boolean:
        return "a boolean";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
        return "an integer";
    case json::value_t::number_float:
        return "a number";
    default:
        return "an unsupported value";
    }
}

[[noreturn]] void shapeError(const std::string &path, const std::string &what)
{
    throw CatalogError("catalog snapshot: " + path + ": " + what, K::Malformed);
}

class Node
{
public:
    Node(const json &value, std::string path)
        : m_value(value)
        , m_path(std::move(path))
    { }

    const json &value() const { return m_value; }
    const std::string &path() const { return m_path; }

    void expect(bool ok, const char *expected) const
    {
        if (!ok)
            shapeError(m_path, std::string("expected ") + expected + ", got " + typeName(m_value));
    }

    /// The member `key` of this object, or nullptr when absent. Throws when `required` and absent.
    const json *member(const char *key, bool required) const
    {
        expect(m_value.is_object(), "an object");
        const auto it = m_value.find(key);
        if (it == m_value.end()) {
            if (required)
                shapeError(m_path, std::string("missing required field \"") + key + "\"");
            return nullptr;
        }
        return &*it;
    }

    Node child(const char *key, const json &v) const { return Node(v, join(key)); }

    std::string string(const char *key, bool required = false, std::string fallback = {}) const
    {
        const json *v = member(key, required);
        if (!v)
            return fallback;
        child(key, *v).expect(v->is_string(), "a string");
        return v->get<std::string>();
    }

    bool boolean(const char *key, bool fallback) const
    {
        const json *v = member(key, false);
        if (!v)
            return fallback;
        child(key, *v).expect(v->is_boolean(), "a boolean");
        return v->get<bool>();
    }

    int integer(const char *key, int fallback) const
    {
        const json *v = member(key, false);
        if (!v)
            return fallback;
        child(key, *v).expect(v->is_number_integer(), "an integer");
        return v->get<int>();
    }

    double number(const char *key, double fallback) const
    {
        const json *v = member(key, false);
        if (!v)
            return fallback;
        child(key, *v).expect(v->is_number(), "a number");
        return v->get<double>();
    }

    std::vector<std::string> strings(const char *key) const
    {
        std::vector<std::string> out;
        forEach(key, [&](const Node &item) {
            item.expect(item.value().is_string(), "a string");
            out.push_back(item.value().get<std::string>());
        });
        return out;
    }

    /// Calls `fn` for each element of the array member `key` (absent = empty).
    template<typename Fn>
    void forEach(const char *key, Fn &&fn) const
    {
        const json *v = member(key, false);
        if (!v)
            return;
        const Node list = child(key, *v);
        list.expect(v->is_array(), "an array");
        for (std::size_t i = 0; i < v->size(); ++i)
            fn(Node((*v)[i], list.m_path + "[" + std::to_string(i) + "]"));
    }

private:
    std::string join(const char *key) const { return m_path.empty() ? std::string(key) : m_path + "." + key; }

    const json &m_value;
    std::string m_path;
};

std::vector<AclItem> aclFrom(const Node &n, const char *key)
{
    std::vector<AclItem> out;
    n.forEach(key, [&](const Node &item) {
        AclItem a;
        a.grantee = item.string("grantee", true);
        a.grantor = item.string("grantor");
        a.privilege = item.string("privilege", true);
        a.grantable = item.boolean("grantable", false);
        out.push_back(std::move(a));
    });
    return out;
}

Relation relationFrom(const Node &n)
{
    Relation r;
    r.schema = n.string("schema", true);
    r.name = n.string("name", true);
    if (const json *k = n.member("kind", false)) {
        const Node kind = n.child("kind", *k);
        kind.expect(k->is_string(), "a string");
        const auto parsed = parseRelationKind(k->get<std::string>());
        if (!parsed)
            shapeError(kind.path(),
                "unknown relation kind \"" + k->get<std::string>()
                    + "\"; expected table, partitioned_table, view, materialized_view, "
                      "foreign_table or sequence");
        r.kind = *parsed;
    }
    r.owner = n.string("owner");
    r.comment = n.string("comment");
    r.reltuples = n.number("reltuples", -1);
    r.rlsEnabled = n.boolean("rlsEnabled", false);
    r.rlsForced = n.boolean("rlsForced", false);
    r.securityBarrier = n.boolean("securityBarrier", false);
    r.securityInvoker = n.boolean("securityInvoker", false);
    r.partitionOf = n.string("partitionOf");
    r.viewDefinition = n.string("viewDefinition");
    n.forEach("columns", [&](const Node &c) {
        Column col;
        col.name = c.string("name", true);
        col.type = c.string("type");
        col.attnum = c.integer("attnum", static_cast<int>(r.columns.size()) + 1);
        col.notNull = c.boolean("notNull", false);
        col.acl = aclFrom(c, "acl");
        r.columns.push_back(std::move(col));
    });
    r.primaryKey = n.strings("primaryKey");
    n.forEach("foreignKeys", [&](const Node &f) {
        ForeignKey fk;
        fk.name = f.string("name");
        fk.columns = f.strings("columns");
        fk.refSchema = f.string("refSchema", true);
        fk.refRelation = f.string("refRelation", true);
        fk.refColumns = f.strings("refColumns");
        r.foreignKeys.push_back(std::move(fk));
    });
    r.acl = aclFrom(n, "acl");
    n.forEach("policies", [&](const Node &p) {
        RlsPolicy pol;
        pol.name = p.string("name", true);
        pol.command = p.string("command", false, "ALL");
        pol.permissive = p.boolean("permissive", true);
        pol.roles = p.strings("roles");
        pol.usingExpr = p.string("using");
        pol.checkExpr = p.string("check");
        r.policies.push_back(std::move(pol));
    });
    return r;
}

Role roleFrom(const Node &n)
{
    Role r;
    r.name = n.string("name", true);
    r.login = n.boolean("login", false);
    r.superuser = n.boolean("superuser", false);
    r.bypassRls = n.boolean("bypassRls", false);
    r.createRole = n.boolean("createRole", false);
    r.createDb = n.boolean("createDb", false);
    r.inherit = n.boolean("inherit", true);
    r.connectionLimit = n.integer("connectionLimit", -1);
    if (const json *v = n.member("validUntil", false); v && !v->is_null()) {
        n.child("validUntil", *v).expect(v->is_string(), "a string or null");
        r.validUntil = v->get<std::string>();
    }
    r.memberOf = n.strings("memberOf");
    r.comment = n.string("comment");
    return r;
}

Function functionFrom(const Node &n)
{
    Function f;
    f.schema = n.string("schema", true);
    f.name = n.string("name", true);
    f.arguments = n.string("arguments");
    f.returns = n.string("returns");
    f.language = n.string("language");
    f.owner = n.string("owner");
    f.securityDefiner = n.boolean("securityDefiner", false);
    f.volatility = n.string("volatility", false, "volatile");
    f.config = n.strings("config");
    f.acl = aclFrom(n, "acl");
    return f;
}

Catalog catalogFrom(const json &doc)
{
    const Node root(doc, "");
    if (!doc.is_object())
        shapeError("top level",
            std::string("expected an object, got ") + typeName(doc)
                + "; a catalog snapshot looks like {\"writ_catalog\": 1, ...}");
    const json *version = root.member("writ_catalog", false);
    if (!version)
        throw CatalogError("catalog snapshot: missing \"writ_catalog\" format version: this is not a Writ catalog "
                           "snapshot (write one with `writ catalog --db URL -o FILE`)",
            K::Malformed);
    root.child("writ_catalog", *version).expect(version->is_number_integer(), "an integer");
    if (version->get<long long>() != kCatalogFormatVersion)
        throw CatalogError("catalog snapshot: format version " + version->dump() + " is not supported (this Writ reads "
                + std::to_string(kCatalogFormatVersion) + "); re-create the snapshot with this version",
            K::Malformed);

    Catalog cat;
    cat.database = root.string("database");
    cat.serverVersion = root.string("serverVersion");
    cat.serverVersionNum = root.integer("serverVersionNum", 0);
    root.forEach("schemas", [&](const Node &n) {
        Schema s;
        s.name = n.string("name", true);
        s.owner = n.string("owner");
        s.acl = aclFrom(n, "acl");
        cat.schemas.push_back(std::move(s));
    });
    root.forEach("relations", [&](const Node &n) { cat.relations.push_back(relationFrom(n)); });
    root.forEach("roles", [&](const Node &n) { cat.roles.push_back(roleFrom(n)); });
    root.forEach("functions", [&](const Node &n) { cat.functions.push_back(functionFrom(n)); });
    root.forEach("defaultAcls", [&](const Node &n) {
        DefaultAcl d;
        d.role = n.string("role", true);
        d.schema = n.string("schema");
        d.objectType = n.string("objectType", true);
        d.acl = aclFrom(n, "acl");
        cat.defaultAcls.push_back(std::move(d));
    });
    cat.reindex();
    return cat;
}

} // namespace

std::string toJson(const Catalog &catalog)
{
    ojson j;
    j["writ_catalog"] = kCatalogFormatVersion;
    j["database"] = catalog.database;
    j["serverVersion"] = catalog.serverVersion;
    j["serverVersionNum"] = catalog.serverVersionNum;
    ojson schemas = ojson::array();
    for (const Schema &s : catalog.schemas) {
        ojson o;
        o["name"] = s.name;
        o["owner"] = s.owner;
        o["acl"] = aclToJson(s.acl);
        schemas.push_back(std::move(o));
    }
    j["schemas"] = std::move(schemas);
    ojson relations = ojson::array();
    for (const Relation &r : catalog.relations)
        relations.push_back(relationToJson(r));
    j["relations"] = std::move(relations);
    ojson roles = ojson::array();
    for (const Role &r : catalog.roles)
        roles.push_back(roleToJson(r));
    j["roles"] = std::move(roles);
    ojson functions = ojson::array();
    for (const Function &f : catalog.functions)
        functions.push_back(functionToJson(f));
    j["functions"] = std::move(functions);
    ojson defaults = ojson::array();
    for (const DefaultAcl &d : catalog.defaultAcls) {
        ojson o;
        o["role"] = d.role;
        o["schema"] = d.schema;
        o["objectType"] = d.objectType;
        o["acl"] = aclToJson(d.acl);
        defaults.push_back(std::move(o));
    }
    j["defaultAcls"] = std::move(defaults);
    // Invalid UTF-8 (possible in a SQL_ASCII database) becomes U+FFFD instead of failing the save.
    return j.dump(2, ' ', false, ojson::error_handler_t::replace) + "\n";
}

Catalog catalogFromJson(std::string_view text)
{
    json doc;
    try {
        doc = json::parse(text.begin(), text.end());
    } catch (const json::parse_error &e) {
        // e.byte is 1-based and points just past the offending character.
        const std::size_t offset = e.byte > 0 ? e.byte - 1 : 0;
        const LineColumn at = lineColumnAt(text, offset);
        std::string reason = e.what();
        // "[json.exception.parse_error.101] parse error at line 1, column 2: syntax error ..." -> the part after ": "
        if (const auto pos = reason.find(": "); pos != std::string::npos)
            reason = reason.substr(pos + 2);
        const bool truncated = offset >= text.size();
        throw CatalogError("catalog snapshot is not valid JSON at line " + std::to_string(at.line) + ", column "
                + std::to_string(at.column) + ": " + reason + (truncated ? " (the file looks truncated)" : ""),
            K::Malformed);
    }
    try {
        return catalogFrom(doc);
    } catch (const json::exception &e) {
        // Out-of-range numbers and the like: the shape checks above catch everything else.
        throw CatalogError(std::string("catalog snapshot: ") + e.what(), K::Malformed);
    }
}

Catalog loadCatalogFile(const std::filesystem::path &path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw CatalogError("cannot read catalog snapshot " + path.string() + ": " + std::strerror(errno), K::Io);
    std::ostringstream buffer;
    buffer << in.rdbuf();
    if (in.bad())
        throw CatalogError("cannot read catalog snapshot " + path.string() + ": " + std::strerror(errno), K::Io);
    try {
        return catalogFromJson(buffer.str());
    } catch (const CatalogError &e) {
        throw CatalogError(path.string() + ": " + e.what(), e.kind());
    }
}

void saveCatalogFile(const std::filesystem::path &path, const Catalog &catalog)
{
    const std::string text = toJson(catalog);
    std::filesystem::path tmp = path;
    tmp += ".tmp";
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        if (!out)
            throw CatalogError("cannot write catalog snapshot " + path.string() + ": " + std::strerror(errno), K::Io);
        out.write(text.data(), static_cast<std::streamsize>(text.size()));
        out.flush();
        if (!out) {
            const std::string why = std::strerror(errno);
            std::error_code ignored;
            std::filesystem::remove(tmp, ignored);
            throw CatalogError("cannot write catalog snapshot " + path.string() + ": " + why, K::Io);
        }
    }
    std::error_code ec;
    std::filesystem::rename(tmp, path, ec);
    if (ec) {
        std::error_code ignored;
        std::filesystem::remove(tmp, ignored);
        throw CatalogError("cannot write catalog snapshot " + path.string() + ": " + ec.message(), K::Io);
    }
}

} // namespace writ::catalog
