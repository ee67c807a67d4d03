// SPDX-License-Identifier: Apache-2.0
#pragma once

// Sensitivity labels of columns as the studio shows them: the core's classification (the policy's
// `classify` map, followed through views) plus suggestions from column names and types for columns
// the policy does not classify yet. Computed per relation on first use, so a 10,000-table catalog
// costs nothing until a relation is expanded.

#include "findings/classification.h"

#include <QColor>
#include <QString>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>

namespace writ::catalog {
struct Catalog;
struct Column;
struct Relation;
}
namespace writ::policy {
struct Policy;
}

namespace writ::ui {

struct SensitivityLabel
{
    QString label;          ///< "pii", "pci", "secret", "confidential", ...
    bool suggested = false; ///< a guess from the name or type; the policy does not classify it
    QString reason;         ///< one line for tooltips
};

class SensitivityIndex
{
public:
    /// `policy` may be null (no policy open): then every label is a suggestion.
    SensitivityIndex(std::shared_ptr<const catalog::Catalog> catalog, const policy::Policy *policy);
    ~SensitivityIndex();

    /// Labels of the columns of `catalog->relations[relationIndex]`, by column name.
    const std::map<std::string, SensitivityLabel> &labels(std::size_t relationIndex) const;
    std::optional<SensitivityLabel> label(std::size_t relationIndex, const std::string &column) const;

    /// A guess from a column's name and type alone (email, phone, ssn, card, address, birth date, token, secret, inet ...).
    static std::optional<SensitivityLabel> suggest(const catalog::Column &column);
    /// The colour of a label's badge: pii red, pci orange, secret purple, anything else grey.
    static QColor colorOf(const QString &label);

private:
    std::shared_ptr<const catalog::Catalog> m_catalog;
    std::unique_ptr<policy::Policy> m_policy; ///< a copy: the document may change while we live
    std::unique_ptr<findings::Classifier> m_classifier;
    mutable std::unordered_map<std::size_t, std::map<std::string, SensitivityLabel>> m_cache;
};

} // namespace writ::ui
