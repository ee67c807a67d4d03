// SPDX-License-Identifier: Apache-2.0
#include "ui/simulate/reason_target.h"

#include <QRegularExpression>

namespace writ::ui {

ReasonTarget reasonTarget(const decide::Reason &reason, const QString &agent, const QString &task)
{
    ReasonTarget t {agent, task, {}, {}};
    const QString message = QString::fromStdString(reason.message);
    // Messages name objects the same way for every scope rule: "column s.r.c ...", "relation s.r ...".
    static const QRegularExpression column(QStringLiteral("\\bcolumn ([A-Za-z_][\\w$]*)\\.([A-Za-z_][\\w$]*)\\.([A-Za-z_][\\w$]*)"));
    static const QRegularExpression relation(QStringLiteral("\\b(?:relation|view|table) ([A-Za-z_][\\w$]*\\.[A-Za-z_][\\w$]*)"));
    if (const auto m = column.match(message); m.hasMatch()) {
        t.relation = m.captured(1) + QLatin1Char('.') + m.captured(2);
        t.column = m.captured(3);
        return t;
    }
    if (const auto m = relation.match(message); m.hasMatch()) {
        t.relation = m.captured(1);
        return t;
    }
    // Else the scope the policy path names: agents/<a>/tasks/<t>/access/<schema.rel>/...
    const QStringList path = QString::fromStdString(reason.policyPath).split(QLatin1Char('/'));
    const int access = int(path.indexOf(QStringLiteral("access")));
    if (access >= 0 && access + 1 < path.size())
        t.relation = path[access + 1];
    return t;
}

} // namespace writ::ui
