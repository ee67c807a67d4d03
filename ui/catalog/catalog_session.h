// SPDX-License-Identifier: Apache-2.0
#pragma once

// The studio's connection to a database: introspects it off the UI thread (a QtConcurrent task
// reporting each step), can be cancelled at any time, and holds the resulting Catalog as an
// immutable shared value every view reads. Also loads catalog snapshots (writ catalog -o FILE).

#include "ui/connect/connection_spec.h"

#include "findings/session_activity.h"

#include <QObject>
#include <QString>

#include <memory>

template <typename T> class QFutureWatcher;

namespace writ::catalog {
struct Catalog;
}

namespace writ::ui {

struct IntrospectionResult
{
    std::shared_ptr<const catalog::Catalog> catalog;
    findings::SessionActivity activity;
    QString error;         ///< what went wrong and what to do; empty on success
    int errorKind = -1;    ///< catalog::CatalogError::Kind, -1 when there is no error
    qint64 elapsedMs = 0;
};

class CatalogSession : public QObject
{
    Q_OBJECT

public:
    enum class State { Disconnected, Connecting, Connected };
    Q_ENUM(State)

    explicit CatalogSession(QObject *parent = nullptr);
    ~CatalogSession() override;

    /// Starts introspecting; progress() reports each step, then connected() or failed().
    void connectTo(const ConnectionSpec &spec, const QString &password = {});
    /// Stops waiting for the running introspection: the session goes back to its previous catalog
    /// (the background query finishes on its own and its result is dropped).
    void cancel();
    /// Reads a JSON snapshot instead of a live database. False with `error` set when it cannot.
    bool loadSnapshot(const QString &path, QString *error = nullptr);
    /// Uses a catalog built elsewhere (tests, the screenshot tour).
    void setCatalog(std::shared_ptr<const catalog::Catalog> catalog, const QString &sourceName);
    void disconnectFromDatabase();

    State state() const { return m_state; }
    std::shared_ptr<const catalog::Catalog> catalog() const { return m_catalog; }
    const findings::SessionActivity &activity() const { return m_activity; }
    /// "admin@localhost:5432/supportdesk", "snapshot supportdesk.json", or empty.
    QString sourceName() const { return m_sourceName; }
    ConnectionSpec spec() const { return m_spec; }
    /// The libpq string of the current connection (with the password typed for it), for later work.
    QString conninfo() const { return m_conninfo; }

    /// Runs one introspection synchronously; what the background task runs. Never throws.
    static IntrospectionResult introspect(const QString &conninfo, const std::function<void(const QString &)> &progress = {},
                                          const std::function<bool()> &cancelled = {});

signals:
    void stateChanged(writ::ui::CatalogSession::State state);
    void progress(int step, int steps, const QString &text);
    /// A new catalog is in place (from a database or a snapshot).
    void catalogChanged();
    void failed(const QString &message, int errorKind);
    void cancelled();

private:
    void setState(State state);
    void finish();

    State m_state = State::Disconnected;
    std::shared_ptr<const catalog::Catalog> m_catalog;
    findings::SessionActivity m_activity;
    QString m_sourceName;
    ConnectionSpec m_spec;
    ConnectionSpec m_pendingSpec;
    QString m_conninfo;
    QString m_pendingConninfo;
    QFutureWatcher<IntrospectionResult> *m_watcher = nullptr;
};

} // namespace writ::ui
