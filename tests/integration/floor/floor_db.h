// SPDX-License-Identifier: Apache-2.0
#pragma once

// Shared by the floor tests: libpq sessions that report SQLSTATEs, private copies of the sandbox
// databases, and `writ task start` through the CLI. Every test executable works on its own copy
// (CREATE DATABASE ... TEMPLATE supportdesk|pagila) and drops it at the end, so the databases the
// catalog golden tests read stay untouched and executables can run in parallel.

#include "../cli/cli_runner.h"

#include <libpq-fe.h>

#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QStringList>
#include <QThread>
#include <QUrl>
#include <QtTest>

#include <memory>
#include <vector>

namespace floortest {

/// The result of one statement: rows as text (NULL as a null QString), or the error and its SQLSTATE.
struct SqlResult
{
    bool ok = false;
    QString sqlstate;
    QString error;
    QStringList columns;
    std::vector<QStringList> rows;
    long long affected = -1; ///< rows an INSERT/UPDATE/DELETE touched

    int count() const { return static_cast<int>(rows.size()); }
    QString value(int row = 0, int column = 0) const
    {
        return row < count() && column < rows[static_cast<std::size_t>(row)].size() ? rows[static_cast<std::size_t>(row)][column]
                                                                                    : QString();
    }
    /// For QVERIFY2 messages.
    QByteArray describe() const { return ok ? QByteArray("ok") : (sqlstate + ": " + error).toUtf8(); }
};

/// One libpq session. Notices are swallowed.
class Session
{
public:
    Session() = default;
    explicit Session(const QString &dsn) { open(dsn); }
    Session(const Session &) = delete;
    Session &operator=(const Session &) = delete;
    ~Session() { close(); }

    /// Connects; returns false (with error()) when the server refuses.
    bool open(const QString &dsn)
    {
        close();
        m_conn = PQconnectdb(dsn.toUtf8().constData());
        PQsetNoticeProcessor(
            m_conn, [](void *, const char *) {}, nullptr);
        if (PQstatus(m_conn) != CONNECTION_OK) {
            m_error = QString::fromUtf8(PQerrorMessage(m_conn)).trimmed();
            close();
            return false;
        }
        m_error.clear();
        return true;
    }
    void close()
    {
        if (m_conn)
            PQfinish(m_conn);
        m_conn = nullptr;
    }
    bool isOpen() const { return m_conn != nullptr; }
    QString error() const { return m_error; }

    /// Every message of the last command, the server's and libpq's: an error the server sent just before
    /// it closed the connection is here, while exec() reports the closing.
    QString connectionMessages() const { return m_conn ? QString::fromUtf8(PQerrorMessage(m_conn)) : QString(); }
    /// Messages with their SQLSTATE ("ERROR:  42501: ...").
    void setVerboseErrors()
    {
        if (m_conn)
            PQsetErrorVerbosity(m_conn, PQERRORS_VERBOSE);
    }

    /// True while the server still answers on this session.
    bool alive()
    {
        if (!m_conn)
            return false;
        PGresult *r = PQexec(m_conn, "SELECT 1");
        const bool ok = PQresultStatus(r) == PGRES_TUPLES_OK;
        PQclear(r);
        return ok && PQstatus(m_conn) == CONNECTION_OK;
    }

    SqlResult exec(const QString &sql)
    {
        if (!m_conn)
            return notConnected();
        return collect(PQexec(m_conn, sql.toUtf8().constData()));
    }

    /// The extended protocol (Parse, Bind, Describe, Execute, Sync), parameters as text.
    SqlResult execParams(const QString &sql, const QStringList &parameters)
    {
        if (!m_conn)
            return notConnected();
        std::vector<QByteArray> values;
        std::vector<const char *> pointers;
        for (const QString &p : parameters)
            values.push_back(p.toUtf8());
        for (const QByteArray &v : values)
            pointers.push_back(v.constData());
        return collect(PQexecParams(m_conn, sql.toUtf8().constData(), static_cast<int>(pointers.size()), nullptr, pointers.data(),
                                    nullptr, nullptr, 0));
    }

    /// The first value of the first row; fails the test on an error.
    QString scalar(const QString &sql)
    {
        const SqlResult r = exec(sql);
        if (!r.ok)
            qWarning("%s failed: %s", qPrintable(sql), r.describe().constData());
        return r.value();
    }

private:
    static SqlResult notConnected()
    {
        SqlResult out;
        out.error = QStringLiteral("not connected");
        return out;
    }

    /// Reads and frees one result.
    SqlResult collect(PGresult *r)
    {
        SqlResult out;
        const ExecStatusType st = PQresultStatus(r);
        if (st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK) {
            out.ok = true;
            const int nf = PQnfields(r);
            for (int c = 0; c < nf; ++c)
                out.columns << QString::fromUtf8(PQfname(r, c));
            for (int i = 0; i < PQntuples(r); ++i) {
                QStringList row;
                for (int c = 0; c < nf; ++c)
                    row << (PQgetisnull(r, i, c) ? QString() : QString::fromUtf8(PQgetvalue(r, i, c)));
                out.rows.push_back(row);
            }
            const char *tuples = PQcmdTuples(r);
            if (tuples && *tuples)
                out.affected = QByteArray(tuples).toLongLong();
        } else {
            const char *state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
            out.sqlstate = state ? QString::fromLatin1(state) : QString();
            out.error = QString::fromUtf8(r ? PQresultErrorMessage(r) : PQerrorMessage(m_conn)).trimmed();
        }
        PQclear(r);
        return out;
    }

    PGconn *m_conn = nullptr;
    QString m_error;
};

/// `dsn` pointing at database `db` instead.
inline QString withDatabase(const QString &dsn, const QString &db)
{
    QUrl url(dsn);
    if (!url.isValid() || url.scheme().isEmpty())
        qFatal("expected a postgresql:// URI, got %s", qPrintable(dsn));
    url.setPath(QLatin1Char('/') + db);
    return url.toString(QUrl::FullyEncoded);
}

/// `dsn` with another user and password (same host, port and database).
inline QString withCredentials(const QString &dsn, const QString &user, const QString &password)
{
    QUrl url(dsn);
    url.setUserName(user);
    url.setPassword(password);
    return url.toString(QUrl::FullyEncoded);
}

/// The database copies a test works on: created from a template, dropped by drop() or at exit.
class DatabaseCopy
{
public:
    DatabaseCopy(QString adminDsn, QString name)
        : m_admin(std::move(adminDsn))
        , m_name(std::move(name))
    { }
    ~DatabaseCopy() { drop(); }

    const QString &name() const { return m_name; }
    QString dsn() const { return withDatabase(m_admin, m_name); }

    /// (Re)creates the copy from `templateDb`. CREATE DATABASE needs the template free of other
    /// sessions: other tests may be reading it, so wait for them, and only after a minute end them.
    bool create(const QString &templateDb, QString *error)
    {
        drop();
        Session admin(m_admin);
        if (!admin.isOpen()) {
            *error = admin.error();
            return false;
        }
        QElapsedTimer waited;
        waited.start();
        for (;;) {
            const SqlResult r = admin.exec(QStringLiteral("CREATE DATABASE \"%1\" TEMPLATE \"%2\"").arg(m_name, templateDb));
            if (r.ok) {
                m_created = true;
                return true;
            }
            if (r.sqlstate != QLatin1String("55006") || waited.elapsed() > 120000) { // object_in_use
                *error = QString::fromLatin1(r.describe());
                return false;
            }
            if (waited.elapsed() > 60000)
                admin.exec(
                    QStringLiteral("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '%1' AND pid <> "
                                   "pg_backend_pid()")
                        .arg(templateDb));
            QThread::msleep(500);
        }
    }

    /// Ends the JIT roles of tasks started in the copy (roles are cluster-wide) and drops it.
    void drop()
    {
        Session admin(m_admin);
        if (!admin.isOpen())
            return;
        {
            Session db(dsn());
            if (db.isOpen()) {
                const SqlResult roles
                    = db.exec(QStringLiteral("SELECT t.role FROM writ.task t JOIN pg_roles r ON r.rolname = t.role"));
                for (const auto &row : roles.rows) {
                    const QString role
                        = QLatin1Char('"') + QString(row[0]).replace(QLatin1Char('"'), QLatin1String("\"\"")) + QLatin1Char('"');
                    db.exec(QStringLiteral("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '%1'")
                                .arg(row[0]));
                    db.exec(QStringLiteral("DROP OWNED BY %1").arg(role));
                    db.exec(QStringLiteral("DROP ROLE %1").arg(role));
                }
            }
        }
        admin.exec(QStringLiteral("DROP DATABASE IF EXISTS \"%1\" WITH (FORCE)").arg(m_name));
        m_created = false;
    }

private:
    QString m_admin;
    QString m_name;
    bool m_created = false;
};

/// A task started with `writ task start --format json`.
struct Task
{
    QString id, role, password, uri, expiresAt;
    int ttlSeconds = 0;
    CliResult cli;
    bool ok() const { return cli.exitCode == 0 && !uri.isEmpty(); }
};

inline Task startTask(const QString &dsn, const QString &agent, const QString &task, const QStringList &extra)
{
    Task t;
    QStringList args {QStringLiteral("task"), QStringLiteral("start"), QStringLiteral("--db"), dsn, QStringLiteral("--agent"),
        agent, QStringLiteral("--task"), task, QStringLiteral("--format"), QStringLiteral("json")};
    args << extra;
    t.cli = runWrit(args);
    if (t.cli.exitCode != 0)
        return t;
    const QJsonObject o = QJsonDocument::fromJson(t.cli.out.toUtf8()).object();
    t.id = o.value(QStringLiteral("id")).toString();
    t.role = o.value(QStringLiteral("role")).toString();
    t.password = o.value(QStringLiteral("password")).toString();
    t.uri = o.value(QStringLiteral("uri")).toString();
    t.expiresAt = o.value(QStringLiteral("expires_at")).toString();
    t.ttlSeconds = o.value(QStringLiteral("ttl_seconds")).toInt();
    return t;
}

/// `writ apply POLICY --db DSN --yes`, one test executable at a time.
/// Writ's deployment lock is an advisory lock, which PostgreSQL scopes to one database, while roles are
/// cluster-wide: two applies to different databases that both create the same role (writ_owner and
/// writ_runtime on a fresh cluster, or a task-type role two policies share) race, and the loser fails
/// with "duplicate key value violates unique constraint pg_authid_rolname_index". The floor tests run
/// in parallel on one cluster, so they take turns through an advisory lock in the admin database.
inline CliResult apply(const QString &policy, const QString &dsn)
{
    Session lock(requiredDsn("WRIT_TEST_ADMIN_DSN"));
    lock.exec(QStringLiteral("SELECT pg_advisory_lock(2026112501)"));
    return runWrit({QStringLiteral("apply"), policy, QStringLiteral("--db"), dsn, QStringLiteral("--yes")});
}

/// `writ plan POLICY --db DSN [extra]`.
inline CliResult plan(const QString &policy, const QString &dsn, const QStringList &extra = {})
{
    return runWrit(QStringList {QStringLiteral("plan"), policy, QStringLiteral("--db"), dsn} + extra);
}

inline QByteArray cliText(const CliResult &r)
{
    return QStringLiteral("exit %1\nstdout:\n%2\nstderr:\n%3").arg(r.exitCode).arg(r.out, r.err).toUtf8();
}

inline QString demoPolicy()
{
    return QStringLiteral(WRIT_SOURCE_DIR "/resources/demo/supportdesk.writ.yaml");
}

inline QString floorData(const char *file)
{
    return QStringLiteral(WRIT_TEST_DATA_DIR "/floor/") + QLatin1String(file);
}

} // namespace floortest
