// SPDX-License-Identifier: Apache-2.0
#include "ui/catalog/sensitivity.h"

#include "catalog/catalog.h"
#include "policy/policy.h"

#include <QObject>

namespace writ::ui {

SensitivityIndex::SensitivityIndex(std::shared_ptr<const catalog::Catalog> catalog, const policy::Policy *policy)
    : m_catalog(std::move(catalog))
{
    if (policy)
        m_policy = std::make_unique<policy::Policy>(*policy);
    if (m_catalog)
        m_classifier = std::make_unique<findings::Classifier>(*m_catalog, m_policy.get());
}

SensitivityIndex::~SensitivityIndex() = default;

const std::map<std::string, SensitivityLabel> &SensitivityIndex::labels(std::size_t relationIndex) const
{
    if (auto it = m_cache.find(relationIndex); it != m_cache.end())
        return it->second;
    std::map<std::string, SensitivityLabel> out;
    if (m_catalog && relationIndex < m_catalog->relations.size()) {
        const catalog::Relation &relation = m_catalog->relations[relationIndex];
        for (const auto &[column, label] : m_classifier->labels(relation)) {
            SensitivityLabel l;
            l.label = QString::fromStdString(label.label);
            l.suggested = label.suggested;
            if (!label.source.empty())
                l.reason = QObject::tr("computed from %1, classified %2").arg(QString::fromStdString(label.source), l.label);
            else if (label.suggested)
                l.reason = QObject::tr("the name suggests %1; classify it in the policy to make it count").arg(l.label);
            else
                l.reason = QObject::tr("classified %1 by the policy").arg(l.label);
            out.emplace(column, l);
        }
        // With a policy, the classifier only reports what the policy says: add guesses for the rest.
        for (const catalog::Column &column : relation.columns) {
            if (out.count(column.name))
                continue;
            if (auto guess = suggest(column))
                out.emplace(column.name, *guess);
        }
    }
    return m_cache.emplace(relationIndex, std::move(out)).first->second;
}

std::optional<SensitivityLabel> SensitivityIndex::label(std::size_t relationIndex, const std::string &column) const
{
    const auto &all = labels(relationIndex);
    if (auto it = all.find(column); it != all.end())
        return it->second;
    return std::nullopt;
}

std::optional<SensitivityLabel> SensitivityIndex::suggest(const catalog::Column &column)
{
    if (auto byName = findings::suggestedLabel(column.name)) {
        const QString label = QString::fromStdString(*byName);
        return SensitivityLabel {label, true, QObject::tr("the name suggests %1; classify it in the policy to make it count").arg(label)};
    }
    // Types that only ever hold addresses of people's machines.
    if (column.type == "inet" || column.type == "cidr" || column.type == "macaddr" || column.type == "macaddr8")
        return SensitivityLabel {QStringLiteral("pii"), true,
            QObject::tr("a %1 column usually holds a person's network address").arg(QString::fromStdString(column.type))};
    return std::nullopt;
}

QColor SensitivityIndex::colorOf(const QString &label)
{
    if (label == QLatin1String("pii"))
        return QColor(0xd6, 0x45, 0x45);
    if (label == QLatin1String("pci"))
        return QColor(0xe0, 0x8a, 0x1e);
    if (label == QLatin1String("secret"))
        return QColor(0x8e, 0x4e, 0xc6);
    return QColor(0x7a, 0x86, 0x94);
}

} // namespace writ::ui
