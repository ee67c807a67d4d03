// SPDX-License-Identifier: Apache-2.0
#include "ui/catalog/catalog_session.h"

#include "catalog/catalog.h"
#include "catalog/catalog_error.h"
#include "catalog/catalog_json.h"
#include "catalog/introspector.h"

#include <QElapsedTimer>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QPromise>
#include <QtConcurrent/QtConcurrentRun>

namespace writ::ui {

namespace {

/// Connecting, the catalog queries, and reading pg_stat_activity.
constexpr int kIntrospectionSteps = catalog::kIntrospectQueryCount + 2;

/// Thrown from the progress callback to leave the introspector between two queries.
struct Cancelled
{ };

} // namespace

CatalogSession::CatalogSession(QObject *parent)
    : QObject(parent)
{ }

CatalogSession::~CatalogSession()
{
    if (m_watcher) {
        m_watcher->disconnect(this);
        m_watcher->future().cancel();
    }
}

IntrospectionResult CatalogSession::introspect(
    const QString &conninfo, const std::function<void(const QString &)> &progress, const std::function<bool()> &cancelled)
{
    IntrospectionResult result;
    QElapsedTimer timer;
    timer.start();
    catalog::IntrospectOptions options;
    options.progress = [&](std::string_view step) {
        if (cancelled && cancelled())
            throw Cancelled {};
        if (progress)
            progress(QString::fromUtf8(step.data(), qsizetype(step.size())));
    };
    try {
        auto cat = std::make_shared<catalog::Catalog>(catalog::introspect(conninfo.toStdString(), options));
        if (progress)
            progress(QObject::tr("reading who is connected"));
        try {
            result.activity = findings::readSessionActivity(conninfo.toStdString());
        } catch (const catalog::CatalogError &) {
            // Shared-login findings need it, everything else works without: not worth failing for.
        }
        result.catalog = std::move(cat);
    } catch (const Cancelled &) {
        result.error = QObject::tr("Cancelled.");
    } catch (const catalog::CatalogError &e) {
        if (cancelled && cancelled()) {
            result.error = QObject::tr("Cancelled.");
        } else {
            result.error = QString::fromStdString(e.what());
            result.errorKind = int(e.kind());
        }
    } catch (const std::exception &e) {
        result.error = QObject::tr("Introspection failed: %1").arg(QString::fromStdString(e.what()));
        result.errorKind = int(catalog::CatalogError::Kind::Other);
    }
    result.elapsedMs = timer.elapsed();
    return result;
}

void CatalogSession::connectTo(const ConnectionSpec &spec, const QString &password)
{
    cancel();
    QString error;
    const QString conninfo = spec.conninfo(password, &error);
    if (conninfo.isEmpty()) {
        emit failed(error, int(catalog::CatalogError::Kind::Other));
        return;
    }
    m_pendingSpec = spec;
    m_pendingConninfo = conninfo;
    m_watcher = new QFutureWatcher<IntrospectionResult>(this);
    connect(m_watcher, &QFutureWatcher<IntrospectionResult>::progressValueChanged, this,
            [this](int value) { emit progress(value, kIntrospectionSteps, m_watcher->progressText()); });
    connect(m_watcher, &QFutureWatcher<IntrospectionResult>::progressTextChanged, this,
            [this](const QString &text) { emit progress(m_watcher->progressValue(), kIntrospectionSteps, text); });
    connect(m_watcher, &QFutureWatcher<IntrospectionResult>::finished, this, &CatalogSession::finish);
    setState(State::Connecting);
    m_watcher->setFuture(QtConcurrent::run([conninfo](QPromise<IntrospectionResult> &promise) {
        promise.setProgressRange(0, kIntrospectionSteps);
        int step = 0;
        IntrospectionResult result = introspect(
            conninfo, [&](const QString &text) { promise.setProgressValueAndText(++step, text); },
            [&] { return promise.isCanceled(); });
        promise.addResult(std::move(result));
    }));
}

void CatalogSession::finish()
{
    auto *watcher = m_watcher;
    m_watcher = nullptr;
    watcher->deleteLater();
    if (watcher->future().isCanceled() || watcher->future().resultCount() == 0)
        return;
    IntrospectionResult result = watcher->future().result();
    if (!result.catalog) {
        setState(m_catalog ? State::Connected : State::Disconnected);
        emit failed(result.error, result.errorKind);
        return;
    }
    m_catalog = result.catalog;
    m_activity = result.activity;
    m_spec = m_pendingSpec;
    m_conninfo = m_pendingConninfo;
    m_sourceName = m_spec.displayName();
    setState(State::Connected);
    emit catalogChanged();
}

void CatalogSession::cancel()
{
    if (!m_watcher)
        return;
    m_watcher->disconnect(this);
    m_watcher->future().cancel();
    m_watcher->deleteLater();
    m_watcher = nullptr;
    setState(m_catalog ? State::Connected : State::Disconnected);
    emit cancelled();
}

bool CatalogSession::loadSnapshot(const QString &path, QString *error)
{
    try {
        auto cat = std::make_shared<catalog::Catalog>(catalog::loadCatalogFile(path.toStdString()));
        cat->reindex();
        cancel();
        setCatalog(std::move(cat), tr("snapshot %1").arg(QFileInfo(path).fileName()));
        return true;
    } catch (const catalog::CatalogError &e) {
        if (error)
            *error = QString::fromStdString(e.what());
        return false;
    }
}

void CatalogSession::setCatalog(std::shared_ptr<const catalog::Catalog> catalog, const QString &sourceName)
{
    m_catalog = std::move(catalog);
    m_activity = {};
    m_spec = {};
    m_conninfo.clear();
    m_sourceName = sourceName;
    setState(m_catalog ? State::Connected : State::Disconnected);
    emit catalogChanged();
}

void CatalogSession::disconnectFromDatabase()
{
    cancel();
    setCatalog(nullptr, QString());
}

void CatalogSession::setState(State state)
{
    if (state == m_state)
        return;
    m_state = state;
    emit stateChanged(state);
}

} // namespace writ::ui
