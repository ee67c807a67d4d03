// SPDX-License-Identifier: Apache-2.0
#pragma once

// Which columns hold sensitive data: the policy's `classify` map when there is a policy, column
// names that look sensitive when there is none. A view's column is classified when it is computed
// from a classified column (followed through joins, expressions and other views), so a view that
// renames customers.email to customer_email still counts.

#include "catalog/catalog.h"
#include "policy/policy.h"

#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>

namespace writ::findings {

/// A label for a column name that usually holds personal data, cardholder data or secrets
/// (email, phone, ssn, card, address, birth, token, secret, password, ...); nullopt when the name
/// says nothing. Identifier columns such as address_id are not suggested.
std::optional<std::string> suggestedLabel(std::string_view columnName);

struct ColumnLabel
{
    std::string label; ///< "pii", "pci", "secret", or the policy's label
    bool suggested = false; ///< from the column name, not from a policy
    std::string source; ///< for view columns: the classified base column, "schema.relation.column"

    bool operator==(const ColumnLabel &) const = default;
};

class Classifier
{
public:
    /// `policy` may be null: then column names decide (suggestedLabel).
    Classifier(const catalog::Catalog &catalog, const policy::Policy *policy);

    /// Column name -> label for the classified columns of `relation`.
    std::map<std::string, ColumnLabel> labels(const catalog::Relation &relation) const;

    bool usesPolicy() const { return m_policy != nullptr; }

private:
    std::map<std::string, ColumnLabel> labels(const catalog::Relation &relation, std::set<std::string> &visiting) const;
    std::map<std::string, ColumnLabel> tableLabels(const catalog::Relation &relation) const;

    const catalog::Catalog &m_catalog;
    const policy::Policy *m_policy;
};

} // namespace writ::findings
