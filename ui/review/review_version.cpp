// SPDX-License-Identifier: Apache-2.0
#include "ui/review/review_version.h"

#include "ui/operate/gateway_client.h"

#include "policy/policy_loader.h"
#include "review/git_show.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonObject>

namespace writ::ui {

ReviewVersion versionFromFile(const QString &path)
{
    ReviewVersion v;
    v.label = path;
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        v.error = QObject::tr("cannot read %1: %2").arg(path, f.errorString());
        return v;
    }
    if (f.size() > qint64(policy::kMaxPolicyBytes)) {
        v.error = QObject::tr("%1 is larger than a policy may be").arg(path);
        return v;
    }
    v.text = QString::fromUtf8(f.readAll());
    return v;
}

ReviewVersion versionFromGit(const QString &revision, const QString &path)
{
    const QFileInfo file(path);
    ReviewVersion v;
    const QString spec = QStringLiteral("git:%1:./%2").arg(revision, file.fileName());
    v.label = QStringLiteral("git:%1:%2").arg(revision, file.fileName());
    std::string error;
    const auto source = review::parseGitSource(spec.toStdString(), error);
    if (!source) {
        v.error = QString::fromStdString(error);
        return v;
    }
    try {
        // In the file's directory, so "./name" resolves there whatever the studio's own directory is.
        v.text = QString::fromStdString(review::gitShow(*source, policy::kMaxPolicyBytes, file.absolutePath().toStdString()));
    } catch (const review::GitError &e) {
        v.error = QString::fromStdString(e.what());
    }
    return v;
}

ReviewVersion versionFromGateway(const QString &url, const QString &tokenFile)
{
    ReviewVersion v;
    v.label = QObject::tr("gateway");
    if (url.isEmpty() || tokenFile.isEmpty()) {
        v.error = QObject::tr("not connected to a gateway: use Gateway ▸ Connect to Gateway… first");
        return v;
    }
    const AdminReply reply = GatewayClient::callBlocking(url, tokenFile, "GET", QStringLiteral("/v1/policy?text=true"));
    if (!reply.ok()) {
        v.error = reply.error.isEmpty() ? QObject::tr("the gateway answered %1").arg(reply.status) : reply.error;
        return v;
    }
    const QJsonObject policy = reply.json().object();
    const QJsonValue text = policy.value(QStringLiteral("text"));
    if (!text.isString()) {
        v.error = QObject::tr("the gateway's answer to GET /v1/policy?text=true holds no policy text");
        return v;
    }
    v.label = QObject::tr("gateway v%1").arg(policy.value(QStringLiteral("version")).toInteger());
    v.text = text.toString();
    return v;
}

} // namespace writ::ui
