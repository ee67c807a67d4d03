// SPDX-License-Identifier: Apache-2.0
#include "compile/sql_render.h"

#include "compile/naming.h"
#include "compile/sql_quote.h"

namespace writ::compile {

extern const char *const kRuntimeSqlText; // generated from resources/sql/runtime.sql

namespace {

std::string grantTarget(const GrantFact &f)
{
    if (f.relation.empty())
        return "SCHEMA " + quoteIdent(f.schema);
    return "TABLE " + quoteQualified(f.schema, f.relation);
}

std::string privilegeWithColumn(const GrantFact &f)
{
    return f.column.empty() ? f.privilege : f.privilege + " (" + quoteIdent(f.column) + ")";
}

} // namespace

const char *runtimeSql()
{
    return kRuntimeSqlText;
}

std::string createSql(const RoleFact &f)
{
    return "CREATE ROLE " + quoteIdent(f.name) + " NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;\n" + "COMMENT ON ROLE "
         + quoteIdent(f.name) + " IS " + quoteLiteral(std::string(kManagedComment) + " " + f.description) + ";";
}

std::string dropSql(const RoleFact &f)
{
    // DROP OWNED revokes whatever the role still holds in this database.
    return "DROP OWNED BY " + quoteIdent(f.name) + ";\nDROP ROLE " + quoteIdent(f.name) + ";";
}

std::string createSql(const MembershipFact &f)
{
    return "GRANT " + quoteIdent(f.role) + " TO " + quoteIdent(f.member) + ";";
}

std::string dropSql(const MembershipFact &f)
{
    return "REVOKE " + quoteIdent(f.role) + " FROM " + quoteIdent(f.member) + ";";
}

std::string createSql(const SchemaFact &f)
{
    return "CREATE SCHEMA " + quoteIdent(f.name) + ";\nCOMMENT ON SCHEMA " + quoteIdent(f.name) + " IS "
         + quoteLiteral(kManagedComment) + ";";
}

std::string dropSql(const SchemaFact &f)
{
    return "DROP SCHEMA " + quoteIdent(f.name) + " CASCADE;";
}

std::string createSql(const GrantFact &f)
{
    return "GRANT " + privilegeWithColumn(f) + " ON " + grantTarget(f) + " TO " + quoteIdent(f.role) + ";";
}

std::string dropSql(const GrantFact &f)
{
    return "REVOKE " + privilegeWithColumn(f) + " ON " + grantTarget(f) + " FROM " + quoteIdent(f.role) + ";";
}

std::string createSql(const RlsFact &f)
{
    return "ALTER TABLE " + quoteQualified(f.schema, f.relation) + " ENABLE ROW LEVEL SECURITY;";
}

std::string dropSql(const RlsFact &f)
{
    return "ALTER TABLE " + quoteQualified(f.schema, f.relation) + " DISABLE ROW LEVEL SECURITY;";
}

std::string createSql(const PolicyFact &f)
{
    std::string sql = "CREATE POLICY " + quoteIdent(f.name) + " ON " + quoteQualified(f.schema, f.relation) + " AS PERMISSIVE FOR "
                    + f.command + " TO " + quoteIdent(f.role);
    if (!f.usingSql.empty())
        sql += "\n  USING (" + f.usingSql + ")";
    if (!f.checkSql.empty())
        sql += "\n  WITH CHECK (" + f.checkSql + ")";
    return sql + ";";
}

std::string dropSql(const PolicyFact &f)
{
    return "DROP POLICY " + quoteIdent(f.name) + " ON " + quoteQualified(f.schema, f.relation) + ";";
}

std::string createSql(const ViewFact &f)
{
    const std::string name = quoteQualified(f.schema, f.name);
    return "CREATE VIEW " + name + " WITH (security_barrier) AS\n  " + f.definitionSql + ";\nALTER VIEW " + name + " OWNER TO "
         + quoteIdent(kViewOwnerRole) + ";\nCOMMENT ON VIEW " + name + " IS " + quoteLiteral(kManagedComment) + ";";
}

std::string dropSql(const ViewFact &f)
{
    return "DROP VIEW " + quoteQualified(f.schema, f.name) + ";";
}

std::string createSql(const PublicReplacementFact &f)
{
    const std::string priv = f.column.empty() ? f.privilege : f.privilege + " (" + quoteIdent(f.column) + ")";
    const std::string target = "TABLE " + quoteQualified(f.schema, f.relation);
    std::string sql;
    for (const auto &g : f.grantees)
        sql += "GRANT " + priv + " ON " + target + " TO " + quoteIdent(g) + ";\n";
    return sql + "REVOKE " + priv + " ON " + target + " FROM PUBLIC;";
}

std::string createSql(const FunctionReplacementFact &f)
{
    const std::string target = "FUNCTION " + quoteQualified(f.schema, f.name) + "(" + f.arguments + ")";
    std::string sql;
    for (const auto &g : f.grantees)
        sql += "GRANT EXECUTE ON " + target + " TO " + quoteIdent(g) + ";\n";
    return sql + "REVOKE EXECUTE ON " + target + " FROM PUBLIC;";
}

std::string describe(const GrantFact &f)
{
    return describePrivilege(f) + " to " + f.role;
}

std::string describeRevoke(const GrantFact &f)
{
    return describePrivilege(f) + " from " + f.role;
}

std::string describePrivilege(const GrantFact &f)
{
    std::string what = f.column.empty() ? f.privilege : f.privilege + "(" + f.column + ")";
    return what + " on " + (f.relation.empty() ? "schema " + f.schema : f.schema + "." + f.relation);
}

std::string describe(const PolicyFact &f)
{
    return "policy " + f.name + " on " + f.schema + "." + f.relation;
}

} // namespace writ::compile
