// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "common/diagnostic.h"
#include "compile/desired_state.h"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace writ::compile {

enum class Risk { Low, Medium, High };

struct PlanStep
{
    std::string sql;
    std::string why;  ///< one line a reviewer reads
    Risk risk = Risk::Low;
    bool drift = false; ///< undoes a change made by hand to a Writ-managed object

    bool operator==(const PlanStep &) const = default;
};

/// How the server printed a policy's expressions and a view's definition right after Writ created
/// them. Policy and view text comes back normalized (pg_get_expr, pg_get_viewdef), so Writ compares
/// the live text against what the server printed then, and its own source against its own source.
struct RecordedText
{
    std::string source; ///< what Writ wrote: "USING\nCHECK" for policies, the SELECT for views
    std::string live;   ///< what the server printed back

    bool operator==(const RecordedText &) const = default;
};

/// What the last deployment left, read from writ.deployment.
struct Deployment
{
    long long version = 0;
    std::string sha256;
    std::string runtimeSha256;
    std::string policyText; ///< the canonical policy it was applied from ("" for deployments before it was kept)
    DesiredState state;
    std::map<std::string, RecordedText> recorded; ///< key: "policy:schema.rel.name" or "view:schema.name"
};

struct Plan
{
    std::vector<PlanStep> steps;
    bool runtimeChange = false; ///< install or upgrade the writ schema first
    Diagnostics warnings;

    bool empty() const { return steps.empty() && !runtimeChange; }
    std::size_t driftCount() const;
    std::string sql() const; ///< the whole plan as one script (without the runtime schema)
};

std::string recordKey(const PolicyFact &f);
std::string recordKey(const ViewFact &f);

const char *toString(Risk r);

} // namespace writ::compile
