// SPDX-License-Identifier: Apache-2.0
#include "ui/canvas/filter_check.h"

#include "catalog/catalog.h"
#include "check/policy_checker.h"
#include "policy/policy_loader.h"

#include <QObject>

namespace writ::ui {

std::optional<FilterProblem> checkFilter(
    const QString &text, const QString &relation, const QStringList &contextKeys, const catalog::Catalog *catalog)
{
    if (text.trimmed().isEmpty())
        return std::nullopt;
    const std::string filter = text.toStdString();
    if (catalog) {
        if (const auto name = policy::parseQualifiedName(relation.toStdString())) {
            // Placed at line 1, column 1: the diagnostic's column is then the position in this text.
            const Diagnostics found = check::checkRowFilter(filter, *name, *catalog, SourceLocation {"", 1, 1});
            for (const Diagnostic &d : found.items()) {
                if (d.severity == Severity::Error)
                    return FilterProblem {
                        d.location.line == 1 ? std::max(0, d.location.column - 1) : 0, QString::fromStdString(d.message)};
            }
        }
    }
    for (const auto &param : policy::contextParameters(filter)) {
        if (!contextKeys.contains(QString::fromStdString(param.name))) {
            const int column = int(QString::fromUtf8(filter.substr(0, param.offset)).size());
            return FilterProblem {column,
                QObject::tr("$%1 is not a context key of this task (it has: %2)")
                    .arg(QString::fromStdString(param.name),
                        contextKeys.isEmpty() ? QObject::tr("none") : contextKeys.join(QStringLiteral(", ")))};
        }
    }
    return std::nullopt;
}

} // namespace writ::ui
