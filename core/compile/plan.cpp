// SPDX-License-Identifier: Apache-2.0
#include "compile/plan.h"

#include <algorithm>

namespace writ::compile {

std::size_t Plan::driftCount() const
{
    return static_cast<std::size_t>(std::count_if(steps.begin(), steps.end(), [](const PlanStep &s) { return s.drift; }));
}

std::string Plan::sql() const
{
    std::string out;
    for (const auto &s : steps)
        out += "-- " + s.why + "\n" + s.sql + "\n\n";
    return out;
}

std::string recordKey(const PolicyFact &f)
{
    return "policy:" + f.schema + "." + f.relation + "." + f.name;
}

std::string recordKey(const ViewFact &f)
{
    return "view:" + f.schema + "." + f.name;
}

const char *toString(Risk r)
{
    switch (r) {
    case Risk::Low: return "low";
    case Risk::Medium: return "medium";
    case Risk::High: return "high";
    }
    return "low";
}

} // namespace writ::compile
