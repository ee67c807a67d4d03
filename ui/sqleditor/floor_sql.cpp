// SPDX-License-Identifier: Apache-2.0
#include "ui/sqleditor/floor_sql.h"

#include "catalog/catalog.h"
#include "catalog/introspector.h"
#include "compile/compiler.h"
#include "compile/deployment.h"
#include "compile/planner.h"

#include <QObject>

namespace writ::ui {

namespace {

QString firstError(const Diagnostics &diagnostics)
{
    for (const Diagnostic &d : diagnostics.items()) {
        if (d.severity == Severity::Error)
            return QObject::tr("Not compiled: %1 (line %2). Fix it in the Policy tab; the Problems dock lists every error.")
                .arg(QString::fromStdString(d.message))
                .arg(d.location.line);
    }
    return {};
}

/// The SQL of one step, indented under its `-- why` line.
QString stepText(const compile::PlanStep &step)
{
    return QStringLiteral("-- [%1]%2 %3\n%4\n\n")
        .arg(QString::fromLatin1(compile::toString(step.risk)), step.drift ? QObject::tr(" drift:") : QString(),
            QString::fromStdString(step.why), QString::fromStdString(step.sql));
}

} // namespace

FloorSql compiledSql(const policy::Policy &policy, const policy::SourceMap &sources, const catalog::Catalog &catalog)
{
    FloorSql out;
    const compile::CompileResult compiled = compile::compilePolicy(policy, sources, catalog);
    if (!compiled.ok()) {
        out.problem = firstError(compiled.diagnostics);
        return out;
    }
    const compile::Plan plan = compile::planFromScratch(compiled.state);
    out.statements = int(plan.steps.size());
    out.sql = QObject::tr("-- Writ floor for policy %1 on database %2, as `writ compile` prints it\n"
                          "-- (without the writ runtime schema, which does not depend on the policy).\n"
                          "-- Apply with `writ apply`, which runs only what differs.\n\n")
                  .arg(QString::fromStdString(policy.name), QString::fromStdString(catalog.database).simplified())
        + QStringLiteral("BEGIN;\n\n") + QString::fromStdString(plan.sql()) + QStringLiteral("COMMIT;\n");
    for (const Diagnostic &d : compiled.diagnostics.items()) {
        if (d.severity == Severity::Warning)
            out.warnings << QString::fromStdString(d.message);
    }
    if (!out.warnings.isEmpty())
        out.problem = out.warnings.size() == 1
            ? QObject::tr("1 compiler warning (hover to read it).")
            : QObject::tr("%1 compiler warnings (hover to read them).").arg(out.warnings.size());
    return out;
}

FloorSql planAgainst(const QString &conninfo, const policy::Policy &policy, const policy::SourceMap &sources)
{
    FloorSql out;
    try {
        const std::string uri = conninfo.toStdString();
        catalog::Catalog live = catalog::introspect(uri);
        live.reindex();
        const compile::CompileResult compiled = compile::compilePolicy(policy, sources, live);
        if (!compiled.ok()) {
            out.problem = firstError(compiled.diagnostics);
            return out;
        }
        const std::optional<compile::Deployment> last = compile::loadLastDeployment(uri);
        const compile::Plan plan = compile::planChanges(compiled.state, live, last);
        const QString deployed = last ? QObject::tr("last deployment v%1").arg(last->version) : QObject::tr("never deployed");
        if (plan.empty()) {
            out.sql = QObject::tr("-- No changes: %1 matches the policy (%2).\n")
                          .arg(QString::fromStdString(live.database), deployed);
            return out;
        }
        out.sql = QObject::tr("-- Plan for %1 on %2 (%3): what `writ apply` would run, in one transaction.\n\n")
                      .arg(QString::fromStdString(policy.name), QString::fromStdString(live.database).simplified(), deployed);
        if (plan.runtimeChange)
            out.sql += QObject::tr("-- install or upgrade the writ runtime schema\n\n");
        for (const compile::PlanStep &step : plan.steps)
            out.sql += stepText(step);
        out.statements = int(plan.steps.size()) + (plan.runtimeChange ? 1 : 0);
        if (plan.driftCount())
            out.problem = QObject::tr(
                "%n step(s) undo drift: changes made by hand to Writ-managed objects.", nullptr, int(plan.driftCount()));
    } catch (const std::exception &e) {
        out.problem = QObject::tr("Cannot plan against the database: %1").arg(QString::fromUtf8(e.what()));
    }
    return out;
}

} // namespace writ::ui
