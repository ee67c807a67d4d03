// SPDX-License-Identifier: Apache-2.0
#pragma once

// Runs the `writ` executable and captures what a user would see.

#include <QProcess>
#include <QStringList>
#include <QtTest>

struct CliResult
{
    int exitCode = -1;
    QString out;
    QString err;
};

/// Waits for a started process and collects its exit code and output; kills it after `timeoutMs`
/// (exit code -1, "timed out"). A crash is exit code -2.
inline CliResult finishProcess(QProcess &p, int timeoutMs = 60000)
{
    CliResult r;
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished();
        r.err = QStringLiteral("timed out");
        return r;
    }
    r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -2;
    r.out = QString::fromUtf8(p.readAllStandardOutput());
    r.err = QString::fromUtf8(p.readAllStandardError());
    return r;
}

inline CliResult runWrit(const QStringList &args, int timeoutMs = 60000)
{
    QProcess p;
    p.start(QStringLiteral(WRIT_CLI), args);
    return finishProcess(p, timeoutMs);
}

/// A DSN the test script exports; missing means the sandbox is not running, which is a failure, not a skip.
inline QString requiredDsn(const char *name)
{
    const QByteArray v = qgetenv(name);
    if (v.isEmpty())
        qFatal("%s is not set: run the tests through scripts/test (it starts the sandbox database)", name);
    return QString::fromUtf8(v);
}
