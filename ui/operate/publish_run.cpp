// SPDX-License-Identifier: Apache-2.0
#include "ui/operate/publish_run.h"

#include "ui/operate/gateway_client.h"

#include "publish/publisher.h"
#include "review/policy_diff.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QMetaObject>
#include <QtConcurrent/QtConcurrentRun>

#include <condition_variable>
#include <mutex>
#include <optional>

namespace writ::ui {

/// The plan's question, shared between the UI and the publishing thread.
struct PublishRun::Question
{
    std::mutex mutex;
    std::condition_variable answered;
    std::optional<bool> confirmed;
};

namespace {

QString q(const std::string &s)
{
    return QString::fromStdString(s);
}

QString changeLine(const review::Change &c)
{
    static const char *const markers[] = {"+", "-", "~"};
    QString where = q(c.agent);
    if (!c.task.empty())
        where += QLatin1Char('/') + q(c.task);
    if (!c.relation.empty())
        where += QLatin1Char(' ') + q(c.relation);
    QString what = q(c.field);
    if (!c.target.empty())
        what += QLatin1Char(' ') + q(c.target);
    QString value;
    for (const auto &item : c.items)
        value += (value.isEmpty() ? QString() : QStringLiteral(", ")) + q(item);
    if (value.isEmpty() && (!c.before.empty() || !c.after.empty()))
        value = c.before.empty() ? q(c.after) : c.after.empty() ? q(c.before) : q(c.before) + QStringLiteral(" → ") + q(c.after);
    return QStringLiteral("%1 %2%3%4%5 (%6)")
        .arg(QLatin1String(markers[int(c.kind)]), where.isEmpty() ? QStringLiteral("policy") : where, QStringLiteral(": "), what,
             value.isEmpty() ? QString() : QStringLiteral(" ") + value, QLatin1String(review::toString(c.risk)));
}

PublishPlanSummary summarize(const publish::PublishPlan &plan)
{
    PublishPlanSummary s;
    if (plan.floor.runtimeChange)
        s.databaseSteps << QObject::tr("install or upgrade the writ runtime schema");
    for (const auto &step : plan.floor.steps)
        s.databaseSteps << QStringLiteral("[%1] %2").arg(QLatin1String(compile::toString(step.risk)), q(step.why));

    const publish::ValidatedPolicy &policy = plan.policy;
    const std::string before = policy.before ? policy.before->policyText : std::string();
    if (before.empty()) {
        s.bundleChanges << QObject::tr("first bundle of policy %1 (sha256 %2)").arg(q(policy.loaded.policy.name), q(policy.sha256.substr(0, 12)));
    } else {
        const policy::LoadResult previous = policy::loadPolicy(before, "the deployed policy");
        const review::PolicyDiff diff = review::diffPolicies(previous.policy, policy.loaded.policy);
        if (diff.empty())
            s.bundleChanges << QObject::tr("no change in what agents may do (sha256 %1)").arg(q(policy.sha256.substr(0, 12)));
        for (const auto &c : diff.changes)
            s.bundleChanges << changeLine(c);
    }

    for (const auto &w : plan.floor.warnings.items())
        s.warnings << q(w.message);
    for (const auto &d : policy.compileDiagnostics.items())
        if (d.severity != Severity::Error)
            s.warnings << q(d.message);
    for (const auto &p : policy.compiled->state.policies)
        if (p.passThrough)
            s.warnings << QObject::tr("pass-through policy on %1.%2 keeps %3's %4: row-level security does not narrow it")
                              .arg(q(p.schema), q(p.relation), q(p.role), q(p.command));
    for (const auto &r : policy.compiled->state.publicReplacements) {
        QStringList grantees;
        for (const auto &g : r.grantees)
            grantees << q(g);
        s.warnings << QObject::tr("%1 on %2 is revoked from PUBLIC and granted to %3 instead")
                          .arg(q(r.privilege), q(r.schema + "." + r.relation + (r.column.empty() ? "" : "(" + r.column + ")")),
                               grantees.isEmpty() ? QObject::tr("no role") : grantees.join(QStringLiteral(", ")));
    }
    return s;
}

} // namespace

QStringList PublishRun::stepNames()
{
    return {QStringLiteral("validate"), QStringLiteral("apply"), QStringLiteral("sign"), QStringLiteral("push"), QStringLiteral("verify"),
            QStringLiteral("record")};
}

PublishRun::PublishRun(QObject *parent) : QObject(parent), m_question(std::make_shared<Question>()) {}

PublishRun::~PublishRun()
{
    answer(false);
    m_future.waitForFinished();
}

void PublishRun::answer(bool confirmed)
{
    {
        const std::lock_guard lock(m_question->mutex);
        if (m_question->confirmed)
            return;
        m_question->confirmed = confirmed;
    }
    m_question->answered.notify_all();
}

void PublishRun::start(const PublishRequestInfo &info)
{
    if (isRunning())
        return;
    m_question = std::make_shared<Question>();
    const bool autoConfirm = m_autoConfirm;
    m_future = QtConcurrent::run([this, info, autoConfirm, question = m_question] {
        // Signals are emitted on the UI thread: the lambdas are queued to this object, which outlives the run.
        const auto step = [this](const QString &name, int state, const QString &message) {
            QMetaObject::invokeMethod(this, [this, name, state, message] { emit stepChanged(name, state, message); }, Qt::QueuedConnection);
        };
        PublishOutcome outcome;
        const AdminReply before = GatewayClient::callBlocking(info.gateway, info.tokenFile, "GET", QStringLiteral("/v1/policy"));
        if (before.ok())
            outcome.previousVersion = before.json().object().value(QStringLiteral("version")).toInteger();

        publish::PublishRequest request;
        request.policyPath = info.policyName.toStdString();
        request.policyText = info.policyText.toStdString();
        request.db = info.database.toStdString();
        request.publisherKeyPath = info.publisherKey.toStdString();
        request.gateway = info.gateway.toStdString();
        request.tokenFile = info.tokenFile.toStdString();
        request.tokenOption = "the admin token file";

        publish::Publisher publisher;
        publisher.onStep = [&step](const publish::StepEvent &e) {
            step(QLatin1String(publish::toString(e.step)), int(e.state), q(e.message));
        };
        publisher.confirm = [this, question, autoConfirm](const publish::PublishPlan &plan) {
            const PublishPlanSummary summary = summarize(plan);
            QMetaObject::invokeMethod(this, [this, summary] { emit planReady(summary); }, Qt::QueuedConnection);
            if (autoConfirm)
                return true;
            std::unique_lock lock(question->mutex);
            question->answered.wait(lock, [&] { return question->confirmed.has_value(); });
            return *question->confirmed;
        };
        const publish::PublishResult result = publisher.run(request);
        outcome.published = result.published;
        outcome.declined = result.declined;
        outcome.failedStep = result.failedStep ? QLatin1String(publish::toString(*result.failedStep)) : QString();
        outcome.error = q(result.error);
        outcome.floorMessage = q(result.floorMessage);
        outcome.floorRestored = result.floorRestored;
        outcome.version = result.version;

        if (result.published) {
            // Record: the gateways' history (writ.bundle) lists the new version as the active one.
            step(QStringLiteral("record"), 0, {});
            const AdminReply history = GatewayClient::callBlocking(info.gateway, info.tokenFile, "GET", QStringLiteral("/v1/policy/versions"));
            bool listed = false;
            for (const auto &v : history.json().array())
                listed = listed || (v.toObject().value(QStringLiteral("version")).toInteger() == result.version
                                    && v.toObject().value(QStringLiteral("active")).toBool());
            step(QStringLiteral("record"), listed ? 1 : 2,
                 listed ? tr("bundle v%1 is the active version in the history").arg(result.version)
                        : tr("published, but the history does not list bundle v%1 as active yet: %2")
                              .arg(result.version)
                              .arg(history.ok() ? tr("refresh History") : history.error));
        }
        QMetaObject::invokeMethod(this, [this, outcome] { emit finished(outcome); }, Qt::QueuedConnection);
    });
}

} // namespace writ::ui
