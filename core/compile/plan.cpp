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
    for (const auto &s : steps) {
        // `why` names objects from the catalog, and a role name may hold a line break: keep the comment
        // on its line, or the rest of the name would run as SQL wherever the script is executed.
        std::string why = s.why;
        std::replace_if(why.begin(), why.end(), [](char c) { return c == '\n' || c == '\r'; }, ' ');
        out += "-- " + why + "\n" + s.sql + "\n\n";
    }
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
