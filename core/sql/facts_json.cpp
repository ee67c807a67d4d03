// SPDX-License-Identifier: Apache-2.0
#include "sql/facts_json.h"

#include <nlohmann/json.hpp>

namespace writ::sql {

namespace {

using Json = nlohmann::ordered_json;

Json relationJson(const RelationUse &r)
{
    Json access = Json::array();
    for (const Access a : r.access)
        access.push_back(toString(a));
    Json j;
    j["schema"] = r.schema;
    j["name"] = r.name;
    j["qualified"] = r.qualified;
    j["found"] = r.found;
    j["system"] = r.system;
    j["kind"] = r.found ? Json(catalog::toString(r.kind)) : Json(nullptr);
    j["partitionOf"] = r.partitionOf;
    j["access"] = std::move(access);
    j["readColumns"] = r.readColumns;
    j["writtenColumns"] = r.writtenColumns;
    j["insertedColumns"] = r.insertedColumns;
    j["updatedColumns"] = r.updatedColumns;
    j["allColumns"] = r.allColumns;
    j["location"] = r.location;
    return j;
}

Json functionJson(const FunctionUse &f)
{
    Json j;
    j["schema"] = f.schema;
    j["name"] = f.name;
    j["qualified"] = f.qualified;
    j["found"] = f.found;
    j["securityDefiner"] = f.securityDefiner;
    j["location"] = f.location;
    return j;
}

Json settingJson(const SettingUse &s)
{
    Json j;
    j["kind"] = toString(s.kind);
    j["name"] = s.name;
    j["local"] = s.local;
    j["location"] = s.location;
    return j;
}

Json statementJson(const StatementFacts &f)
{
    Json relations = Json::array();
    for (const auto &r : f.relations)
        relations.push_back(relationJson(r));
    Json functions = Json::array();
    for (const auto &fn : f.functions)
        functions.push_back(functionJson(fn));
    Json settings = Json::array();
    for (const auto &s : f.settings)
        settings.push_back(settingJson(s));
    Json j;
    j["kind"] = toString(f.kind);
    j["nodeType"] = f.nodeType;
    j["unknownKind"] = f.unknownKind;
    j["text"] = f.text;
    j["location"] = f.location;
    j["relations"] = std::move(relations);
    j["functions"] = std::move(functions);
    j["settings"] = std::move(settings);
    if (f.copy) {
        Json c;
        c["from"] = f.copy->from;
        c["program"] = f.copy->program;
        c["serverFile"] = f.copy->serverFile;
        c["query"] = f.copy->query;
        j["copy"] = std::move(c);
    } else {
        j["copy"] = nullptr;
    }
    j["explain"] = f.explain;
    j["explainAnalyze"] = f.explainAnalyze;
    j["prepareName"] = f.prepareName;
    j["executeName"] = f.executeName;
    j["deallocateName"] = f.deallocateName;
    j["deallocateAll"] = f.deallocateAll;
    j["listenNotify"] = f.listenNotify;
    j["hasLimit"] = f.hasLimit;
    j["limitCount"] = f.limitCount;
    if (!f.keyEqualities.empty()) // only where it applies, so that other goldens stay as they are
        j["keyEqualities"] = f.keyEqualities;
    return j;
}

bool isScalarArray(const Json &j)
{
    if (!j.is_array())
        return false;
    for (const auto &e : j)
        if (e.is_structured())
            return false;
    return true;
}

/// nlohmann's pretty printing, except that arrays of scalars stay on one line: goldens read
/// `"readColumns": ["email", "id"]` instead of four lines.
void write(std::string &out, const Json &j, int indent)
{
    const auto scalar = [](const Json &v) { return v.dump(-1, ' ', false, Json::error_handler_t::replace); };
    if (j.is_object()) {
        if (j.empty()) {
            out += "{}";
            return;
        }
        out += "{\n";
        bool first = true;
        for (const auto &[key, value] : j.items()) {
            if (!first)
                out += ",\n";
            first = false;
            out.append(static_cast<std::size_t>(indent + 2), ' ');
            out += Json(key).dump();
            out += ": ";
            write(out, value, indent + 2);
        }
        out += "\n";
        out.append(static_cast<std::size_t>(indent), ' ');
        out += "}";
    } else if (j.is_array() && !isScalarArray(j)) {
        out += "[\n";
        for (std::size_t i = 0; i < j.size(); ++i) {
            if (i > 0)
                out += ",\n";
            out.append(static_cast<std::size_t>(indent + 2), ' ');
            write(out, j[i], indent + 2);
        }
        out += "\n";
        out.append(static_cast<std::size_t>(indent), ' ');
        out += "]";
    } else if (j.is_array()) {
        out += "[";
        for (std::size_t i = 0; i < j.size(); ++i) {
            if (i > 0)
                out += ", ";
            out += scalar(j[i]);
        }
        out += "]";
    } else {
        out += scalar(j);
    }
}

} // namespace

const char *toString(SettingUse::Kind k)
{
    switch (k) {
    case SettingUse::Kind::Set: return "set";
    case SettingUse::Kind::Reset: return "reset";
    case SettingUse::Kind::ResetAll: return "reset_all";
    case SettingUse::Kind::SetConfig: return "set_config";
    case SettingUse::Kind::Show: return "show";
    }
    return "set";
}

std::string toJson(const Analysis &analysis)
{
    Json statements = Json::array();
    for (const auto &s : analysis.statements)
        statements.push_back(statementJson(s));
    Json j;
    j["statements"] = std::move(statements);
    if (analysis.error) {
        Json e;
        e["message"] = analysis.error->message;
        e["offset"] = analysis.error->offset;
        j["error"] = std::move(e);
    } else {
        j["error"] = nullptr;
    }
    // Invalid UTF-8 cannot reach here through analyze(), but a hand-built Analysis could carry it:
    // it is replaced rather than thrown on.
    std::string out;
    write(out, j, 0);
    out += "\n";
    return out;
}

} // namespace writ::sql
