// SPDX-License-Identifier: Apache-2.0
#include "ui/shell/inspector.h"

#include "ui/catalog/sensitivity.h"
#include "ui/document/policy_document.h"

#include "catalog/catalog.h"

namespace writ::ui {

namespace {

QString h(const std::string &s)
{
    return QString::fromStdString(s).toHtmlEscaped();
}

} // namespace

Inspector::Inspector(QWidget *parent)
    : QTextBrowser(parent)
{
    setOpenLinks(false);
    inspect(QString());
}

void Inspector::setContext(std::shared_ptr<const catalog::Catalog> catalog, const PolicyDocument *document)
{
    m_catalog = std::move(catalog);
    m_document = document;
    inspect(m_object);
}

void Inspector::inspect(const QString &objectName)
{
    m_object = objectName;
    if (!m_catalog || objectName.isEmpty()) {
        setHtml(tr("<p style='color:gray'>Select a table, column or role to see its properties.</p>"));
        return;
    }
    QString html;
    if (objectName.startsWith(QLatin1String("role "))) {
        const catalog::Role *r = m_catalog->findRole(objectName.mid(5).toStdString());
        if (!r)
            return setHtml(QString());
        html = QStringLiteral("<h3>%1</h3>").arg(h(r->name));
        html += QStringLiteral("<p>%1</p>").arg(r->login ? tr("Can log in") : tr("Cannot log in (a group role)"));
        if (r->superuser)
            html += tr("<p><b>Superuser</b>: bypasses every grant and row-level security.</p>");
        if (r->bypassRls)
            html += tr("<p><b>Bypasses row-level security.</b></p>");
        html += QStringLiteral("<p>%1</p>").arg(r->validUntil ? tr("Expires %1").arg(h(*r->validUntil)) : tr("Never expires"));
        if (!r->memberOf.empty()) {
            QStringList groups;
            for (const auto &m : r->memberOf)
                groups << h(m);
            html += tr("<p>Member of %1</p>").arg(groups.join(QStringLiteral(", ")));
        }
        if (!r->comment.empty())
            html += QStringLiteral("<p><i>%1</i></p>").arg(h(r->comment));
        return setHtml(html);
    }
    const QStringList parts = objectName.split(QLatin1Char('.'));
    if (parts.size() < 2)
        return setHtml(QStringLiteral("<h3>%1</h3><p>%2</p>").arg(objectName.toHtmlEscaped(), tr("Schema")));
    const catalog::Relation *rel = m_catalog->findRelation(parts[0].toStdString(), parts[1].toStdString());
    if (!rel)
        return setHtml(QString());
    const std::size_t index = std::size_t(rel - m_catalog->relations.data());
    SensitivityIndex sensitivity(m_catalog, m_document && m_document->isValid() ? &m_document->policy() : nullptr);
    html = QStringLiteral("<h3>%1</h3>").arg(h(rel->qualifiedName()));
    html += tr("<p>%1 · owner %2 · ≈%3 rows</p>").arg(QString::fromLatin1(catalog::toString(rel->kind)), h(rel->owner)).arg(rel->reltuples < 0 ? QStringLiteral("?") : QString::number(qint64(rel->reltuples)));
    html += rel->rlsEnabled ? tr("<p>Row-level security on%1, %2 policies</p>").arg(rel->rlsForced ? tr(" (forced)") : QString()).arg(rel->policies.size())
                            : tr("<p>No row-level security</p>");
    html += QStringLiteral("<table cellspacing=4>");
    for (const catalog::Column &c : rel->columns) {
        if (parts.size() > 2 && QString::fromStdString(c.name) != parts.mid(2).join(QLatin1Char('.')))
            continue;
        QString badge;
        if (auto label = sensitivity.label(index, c.name))
            badge = QStringLiteral("<span style='color:%1'>●</span> %2%3")
                        .arg(SensitivityIndex::colorOf(label->label).name(), label->label, label->suggested ? tr(" (suggested)") : QString());
        html += QStringLiteral("<tr><td><b>%1</b></td><td>%2</td><td>%3</td></tr>").arg(h(c.name), h(c.type), badge);
    }
    html += QStringLiteral("</table>");
    for (const catalog::ForeignKey &fk : rel->foreignKeys) {
        QStringList cols;
        for (const auto &c : fk.columns)
            cols << h(c);
        html += tr("<p>→ %1 (%2)</p>").arg(h(fk.refSchema + "." + fk.refRelation), cols.join(QStringLiteral(", ")));
    }
    setHtml(html);
}

} // namespace writ::ui
