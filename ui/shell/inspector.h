// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QTextBrowser>

#include <memory>

namespace writ::catalog {
struct Catalog;
}

namespace writ::ui {

class PolicyDocument;

/// The Inspector dock's view of catalog objects: what the selected relation, column or role is.
/// Read-only (the database's facts); agents and task types are edited in AgentInspector, scopes on
/// the scope canvas.
class Inspector : public QTextBrowser
{
    Q_OBJECT

public:
    explicit Inspector(QWidget *parent = nullptr);

    void setContext(std::shared_ptr<const catalog::Catalog> catalog, const PolicyDocument *document);
    /// "public.customers", "public.customers.email", "role x"; empty clears.
    void inspect(const QString &objectName);
    QString objectName() const { return m_object; }

private:
    std::shared_ptr<const catalog::Catalog> m_catalog;
    const PolicyDocument *m_document = nullptr;
    QString m_object;
};

} // namespace writ::ui
