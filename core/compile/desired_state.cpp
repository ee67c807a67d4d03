// SPDX-License-Identifier: Apache-2.0
#include "compile/desired_state.h"

#include <algorithm>

namespace writ::compile {

namespace {

template <typename T>
void sortUnique(std::vector<T> &v)
{
    std::sort(v.begin(), v.end());
    v.erase(std::unique(v.begin(), v.end()), v.end());
}

} // namespace

void DesiredState::normalize()
{
    sortUnique(roles);
    sortUnique(memberships);
    sortUnique(schemas);
    sortUnique(grants);
    sortUnique(rls);
    sortUnique(policies);
    sortUnique(views);
    for (auto &r : publicReplacements)
        sortUnique(r.grantees);
    sortUnique(publicReplacements);
    for (auto &f : functionReplacements)
        sortUnique(f.grantees);
    sortUnique(functionReplacements);
}

} // namespace writ::compile
