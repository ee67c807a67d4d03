// SPDX-License-Identifier: Apache-2.0
// /v1/policy: which policy the gateway enforces, the signed bundles published, publishing a bundle
// (PUT, verified against the publisher keys before it is stored) and rolling back to an earlier one.
// Storing a bundle notifies every gateway sharing the state database; this one switches before it answers.
#include "gateway/admin/admin_routes.h"

#include "gateway/gateway_context.h"
#include "policy/policy_loader.h"
#include "publish/bundle_store.h"

#include "gateway/admin/http_json.h"

#include <httplib.h>
#include <nlohmann/json.hpp>

namespace writ::gateway {

namespace {

using nlohmann::json;

using http::fail;
using http::reply;

/// What the gateway enforces; with `withText` also the policy YAML itself (a review of a draft against
/// the gateway then needs nothing but this API).
json currentPolicy(GatewayContext &ctx, bool withText = false)
{
    const auto inForce = ctx.policyInForce();
    json out{{"version", inForce.version}, {"source", ctx.bundlesRequired() ? "bundle" : "deployment"}, {"sha256", inForce.sha256}};
    if (!inForce.publisher.empty())
        out["publisher"] = inForce.publisher;
    if (withText)
        out["text"] = inForce.text;
    return out;
}

bool bundlesOn(GatewayContext &ctx, httplib::Response &res)
{
    if (ctx.bundlesRequired())
        return true;
    fail(res, 409, "this gateway enforces the policy deployed with `writ apply`, not signed bundles",
         "add a bundles section with publisher_keys to its configuration to publish bundles");
    return false;
}

/// After a change in the state database: switch now rather than when the notification arrives.
void switchNow(GatewayContext &ctx, httplib::Response &res, long long expected)
{
    try {
        ctx.reloadPolicy();
    } catch (const std::exception &e) {
        return fail(res, 500, std::string("stored, but this gateway could not switch: ") + e.what());
    }
    json out = currentPolicy(ctx);
    out["published"] = expected;
    reply(res, ctx.policyVersion() == expected ? 200 : 409, out);
}

} // namespace

void registerPolicyRoutes(httplib::Server &http, GatewayContext &ctx)
{
    http.Get("/v1/policy", [&ctx](const httplib::Request &req, httplib::Response &res) {
        reply(res, 200, currentPolicy(ctx, req.get_param_value("text") == "true"));
    });

    http.Get("/v1/policy/versions", [&ctx](const httplib::Request &, httplib::Response &res) {
        try {
            json out = json::array();
            for (const auto &b : publish::listBundles(ctx.config().stateDsn))
                out.push_back({{"version", b.version}, {"name", b.policyName}, {"sha256", b.sha256}, {"publisher", b.publisher},
                               {"deployment", b.deployment}, {"published_by", b.publishedBy}, {"published_at", b.publishedAt},
                               {"activated_at", b.activatedAt}, {"active", b.active}});
            reply(res, 200, out);
        } catch (const publish::BundleStoreError &e) {
            fail(res, 503, e.what());
        }
    });

    http.Put("/v1/policy", [&ctx](const httplib::Request &req, httplib::Response &res) {
        if (!bundlesOn(ctx, res))
            return;
        std::string compact = req.body;
        while (!compact.empty() && (compact.back() == '\n' || compact.back() == '\r' || compact.back() == ' '))
            compact.pop_back();
        std::string error;
        const auto bundle = ctx.verifyBundle(compact, error);
        if (!bundle)
            return fail(res, 400, error, "sign the bundle with a key whose public half is in bundles.publisher_keys (writ publish --publisher-key)");
        const auto loaded = policy::loadPolicy(bundle->content.policyText, "the bundle");
        if (loaded.diagnostics.hasErrors())
            return fail(res, 400, "the bundle's policy has errors: " + loaded.diagnostics.items().front().message,
                        "run `writ check` on the policy before publishing it");
        try {
            const long long version = publish::storeBundle(ctx.config().stateDsn, *bundle);
            switchNow(ctx, res, version);
            if (res.status == 200)
                res.status = 201;
        } catch (const publish::BundleStoreError &e) {
            fail(res, 503, e.what());
        }
    });

    http.Post("/v1/policy/rollback", [&ctx](const httplib::Request &req, httplib::Response &res) {
        if (!bundlesOn(ctx, res))
            return;
        const json body = json::parse(req.body.empty() ? "{}" : req.body, nullptr, false);
        if (!body.is_object() || !body.contains("version") || !body["version"].is_number_integer())
            return fail(res, 400, "the body must be {\"version\": N}", "GET /v1/policy/versions lists the published versions");
        const long long version = body["version"].get<long long>();
        try {
            const auto stored = publish::bundleByVersion(ctx.config().stateDsn, version);
            if (!stored)
                return fail(res, 404, "no published bundle " + std::to_string(version), "GET /v1/policy/versions lists them");
            std::string error;
            if (!ctx.verifyBundle(stored->compact, error))
                return fail(res, 409, "bundle " + std::to_string(version) + " no longer verifies: " + error,
                            "publish the policy again with a trusted key");
            publish::activateBundle(ctx.config().stateDsn, version);
            switchNow(ctx, res, version);
        } catch (const publish::BundleStoreError &e) {
            fail(res, 503, e.what());
        }
    });
}

} // namespace writ::gateway
